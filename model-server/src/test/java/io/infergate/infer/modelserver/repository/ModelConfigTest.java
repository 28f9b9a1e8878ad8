package io.infergate.infer.modelserver.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.infer.modelserver.backend.ModelLoadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {
  @TempDir Path dir;

  @Test
  void withoutAFileTheNewestVersionIsServedWithoutLabels() {
    assertThat(ModelConfig.read(dir)).isEqualTo(ModelConfig.DEFAULT);
    assertThat(ModelConfig.DEFAULT.versionPolicy()).isEqualTo(new VersionPolicy.Latest(1));
  }

  @Test
  void readsEachPolicyAndTheLabels() throws Exception {
    assertThat(read("versionPolicy:\n  latest: 3\n").versionPolicy())
        .isEqualTo(new VersionPolicy.Latest(3));
    assertThat(read("versionPolicy:\n  specific: [2, 5]\n").versionPolicy())
        .isEqualTo(new VersionPolicy.Specific(List.of(5L, 2L)));
    assertThat(read("versionPolicy: all\n").versionPolicy()).isEqualTo(new VersionPolicy.All());
    assertThat(read("versionPolicy:\n  all: {}\n").versionPolicy())
        .isEqualTo(new VersionPolicy.All());
    assertThat(read("labels:\n  stable: 1\n  canary: 2\n").labels())
        .isEqualTo(Map.of("stable", 1L, "canary", 2L));
  }

  @Test
  void everyBadKeyIsNamedWithTheFile() throws Exception {
    Files.writeString(
        dir.resolve("model.yaml"),
        "versionPolicy:\n  newest: 1\nlabels:\n  '7': 1\n  canary: -2\nplatform: tf\n");

    assertThatThrownBy(() -> ModelConfig.read(dir))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageStartingWith(dir.resolve("model.yaml") + ": ")
        .hasMessageContaining("platform: unknown key (known: [versionPolicy, labels])")
        .hasMessageContaining("versionPolicy.newest: unknown policy")
        .hasMessageContaining("labels.7: bad label")
        .hasMessageContaining("labels.canary: -2 (expected: a version >= 1)");
  }

  @Test
  void refusesPoliciesThatSelectNothing() throws Exception {
    assertThatThrownBy(() -> read("versionPolicy:\n  latest: 0\n"))
        .hasMessageContaining("versionPolicy.latest: 0 (expected: an integer >= 1)");
    assertThatThrownBy(() -> read("versionPolicy:\n  specific: []\n"))
        .hasMessageContaining("versionPolicy.specific: [] (expected: a list of versions >= 1)");
    assertThatThrownBy(() -> read("versionPolicy:\n  latest: 1\n  all: {}\n"))
        .hasMessageContaining("expected: latest: N, specific: [versions] or all");
  }

  @Test
  void policiesSelectFromTheVersionsThatCanBeLoaded() {
    TreeSet<Long> onDisk = new TreeSet<>(List.of(1L, 2L, 3L, 7L));

    assertThat(new VersionPolicy.Latest(1).select(onDisk)).containsExactly(7L);
    assertThat(new VersionPolicy.Latest(2).select(onDisk)).containsExactly(3L, 7L);
    assertThat(new VersionPolicy.Latest(9).select(onDisk)).containsExactly(1L, 2L, 3L, 7L);
    assertThat(new VersionPolicy.Specific(List.of(2L, 4L)).select(onDisk)).containsExactly(2L);
    assertThat(new VersionPolicy.All().select(onDisk)).containsExactly(1L, 2L, 3L, 7L);
    assertThat(new VersionPolicy.Latest(1).select(new TreeSet<>())).isEmpty();
  }

  private ModelConfig read(String yaml) throws Exception {
    Files.writeString(dir.resolve("model.yaml"), yaml);
    return ModelConfig.read(dir);
  }
}
