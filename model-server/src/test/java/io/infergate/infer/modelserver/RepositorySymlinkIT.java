package io.infergate.infer.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.infergate.infer.modelserver.backend.ModelLoadException;
import io.infergate.infer.modelserver.config.ModelServerConfig;
import io.infergate.infer.modelserver.testing.RunningServer;
import io.infergate.infer.modelserver.testing.ScratchRepository;
import io.infergate.infer.modelserver.testing.TestConfigs;
import io.infergate.infer.modelserver.testing.TestRepository;
import io.infergate.infer.proto.tfserving.GetModelStatusRequest;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.ModelVersionStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version directories that are symlinks, in real temporary directories: one resolving inside the
 * repository root is served, one leading outside is refused unless {@code
 * repository.allowSymlinksOutside} says otherwise, and what {@code GetModelStatus} says of a
 * refused one holds no absolute path.
 */
class RepositorySymlinkIT {
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  static Path trained;

  @TempDir Path temp;
  private Path root;
  private Path outside;

  @BeforeAll
  static void trainOnce() throws Exception {
    trained = TestRepository.shared().resolve("digits");
  }

  @BeforeEach
  void directories() throws IOException {
    root = Files.createDirectories(temp.resolve("models"));
    outside = Files.createDirectories(temp.resolve("elsewhere"));
    ScratchRepository.copyTree(trained.resolve("1"), outside.resolve("1"));
    ScratchRepository.copyTree(trained.resolve("2"), outside.resolve("2"));
    Files.createDirectories(root.resolve("digits"));
  }

  @Test
  void aVersionLinkedOutsideTheRootIsRefusedAtStartNamingTheKey() throws IOException {
    Files.createSymbolicLink(root.resolve("digits/1"), outside.resolve("1"));

    assertThatThrownBy(() -> RunningServer.start(config(false)).close())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("resolves outside the model repository")
        .hasMessageContaining("repository.allowSymlinksOutside: true");
  }

  @Test
  void aVersionLinkedOutsideTheRootIsServedWhenAllowed() throws IOException {
    Files.createSymbolicLink(root.resolve("digits/1"), outside.resolve("1"));

    try (RunningServer server = RunningServer.start(config(true))) {
      assertThat(status(server)).extracting(s -> s.getState().name()).containsExactly("AVAILABLE");
    }
  }

  @Test
  void aVersionLinkedInsideTheRootIsServedAndALaterOneLinkedOutsideEndsWithARelativeError()
      throws IOException {
    Path store = Files.createDirectories(root.resolve(".store"));
    ScratchRepository.copyTree(trained.resolve("1"), store.resolve("1"));
    Files.createSymbolicLink(root.resolve("digits/1"), Path.of("../.store/1"));

    try (RunningServer server = RunningServer.start(config(false))) {
      assertThat(status(server)).extracting(s -> s.getState().name()).containsExactly("AVAILABLE");

      Files.createSymbolicLink(root.resolve("digits/2"), outside.resolve("2"));
      await()
          .atMost(PATIENCE)
          .until(() -> status(server).stream().anyMatch(s -> s.getVersion() == 2));
      ModelVersionStatus refused =
          status(server).stream().filter(s -> s.getVersion() == 2).findFirst().orElseThrow();
      assertThat(refused.getState().name()).isEqualTo("END");
      assertThat(refused.getStatus().getErrorMessage())
          .isEqualTo(
              "digits/2: resolves outside the model repository <models> through a symlink"
                  + " (expected: inside it, or repository.allowSymlinksOutside: true)")
          .doesNotContain(temp.toString());
    }
  }

  private ModelServerConfig config(boolean allowSymlinksOutside) {
    return TestConfigs.of(
        root,
        "repository: {pollInterval: %dms, warmupRuns: 0, allowSymlinksOutside: %s}"
            .formatted(POLL.toMillis(), allowSymlinksOutside));
  }

  private static List<ModelVersionStatus> status(RunningServer server) {
    return server
        .modelService()
        .getModelStatus(
            GetModelStatusRequest.newBuilder()
                .setModelSpec(ModelSpec.newBuilder().setName("digits"))
                .build())
        .getModelVersionStatusList();
  }
}
