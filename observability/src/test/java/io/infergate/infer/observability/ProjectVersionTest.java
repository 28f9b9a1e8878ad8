package io.infergate.infer.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProjectVersionTest {
  @Test
  void isTheVersionTheBuildWroteNotItsPlaceholder() {
    assertThat(ProjectVersion.current()).matches("\\d+\\.\\d+\\.\\d+.*").doesNotContain("${");
  }
}
