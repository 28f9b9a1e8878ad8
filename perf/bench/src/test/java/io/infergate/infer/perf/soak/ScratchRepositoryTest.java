package io.infergate.infer.perf.soak;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.infer.perf.soak.ScratchRepository.Staged;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchRepositoryTest {
  @TempDir Path temp;

  @Test
  void startsWithVersionOneAndAPolicyOfTheLatestOnly() throws IOException {
    ScratchRepository repository = create();

    assertThat(repository.latest()).isEqualTo(1);
    assertThat(Files.readString(temp.resolve("repo/digits/model.yaml")))
        .isEqualTo("versionPolicy:\n  latest: 1\n");
    assertThat(Files.readString(temp.resolve("repo/digits/1/variables/data"))).isEqualTo("first");
  }

  @Test
  void stagesInAHiddenDirectoryAndPublishesByRenaming() throws IOException {
    ScratchRepository repository = create();

    Staged staged = repository.stage();

    assertThat(staged).isEqualTo(new Staged(2, temp.resolve("repo/digits/.staging-2")));
    assertThat(children("repo/digits")).containsExactly(".staging-2", "1", "model.yaml");
    assertThat(repository.latest()).isEqualTo(1);

    repository.publish(staged);

    assertThat(children("repo/digits")).containsExactly("1", "2", "model.yaml");
    assertThat(repository.latest()).isEqualTo(2);
  }

  @Test
  void alternatesTheSourcesSoConsecutiveVersionsDiffer() throws IOException {
    ScratchRepository repository = create();

    for (int i = 0; i < 3; i++) {
      repository.publish(repository.stage());
    }

    assertThat(Files.readString(temp.resolve("repo/digits/2/variables/data"))).isEqualTo("second");
    assertThat(Files.readString(temp.resolve("repo/digits/3/variables/data"))).isEqualTo("first");
    assertThat(Files.readString(temp.resolve("repo/digits/4/variables/data"))).isEqualTo("second");
  }

  @Test
  void deletesOnlyOlderVersions() throws IOException {
    ScratchRepository repository = create();
    repository.publish(repository.stage());
    repository.publish(repository.stage());
    Staged next = repository.stage();

    assertThat(repository.deleteOlderThan(3)).containsExactly(1L, 2L);

    assertThat(children("repo/digits")).containsExactly(".staging-4", "3", "model.yaml");
    assertThat(next.version()).isEqualTo(4);
  }

  @Test
  void refusesAnExistingModelDirectory() throws IOException {
    create();

    assertThatThrownBy(this::create).isInstanceOf(FileAlreadyExistsException.class);
  }

  private ScratchRepository create() throws IOException {
    return ScratchRepository.create(
        temp.resolve("repo"),
        "digits",
        List.of(savedModel("v1", "first"), savedModel("v2", "second")));
  }

  private Path savedModel(String name, String data) throws IOException {
    Path dir = temp.resolve("sources").resolve(name);
    if (!Files.exists(dir)) {
      Files.createDirectories(dir.resolve("variables"));
      Files.writeString(dir.resolve("saved_model.pb"), name, UTF_8);
      Files.writeString(dir.resolve("variables/data"), data, UTF_8);
    }
    return dir;
  }

  private List<String> children(String dir) throws IOException {
    try (Stream<Path> entries = Files.list(temp.resolve(dir))) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
