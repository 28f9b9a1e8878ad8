package io.infergate.infer.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BearerTokensTest {
  @TempDir Path dir;

  @Test
  void mapsEachTokenToItsNameAndRoleAndNothingElseToAnyone() throws Exception {
    Path file = dir.resolve("tokens.txt");
    Files.writeString(
        file,
        "# comment\n\nviewer-token-0123456789 viewer vera\n"
            + "  admin-token-0123456789   admin   root-ops  \n");
    BearerTokens tokens = BearerTokens.load(file);

    assertThat(tokens.identify("viewer-token-0123456789"))
        .isEqualTo(new Identity("vera", Role.VIEWER));
    assertThat(tokens.identify("admin-token-0123456789"))
        .isEqualTo(new Identity("root-ops", Role.ADMIN));
    assertThat(tokens.identify("viewer-token-012345678")).isNull();
    assertThat(tokens.identify("")).isNull();
    assertThat(tokens.identify(null)).isNull();
    assertThat(Role.ADMIN.allows(Role.OPERATOR)).isTrue();
    assertThat(Role.VIEWER.allows(Role.OPERATOR)).isFalse();
  }

  @ParameterizedTest
  @MethodSource("badFiles")
  void refusesABadFileNamingEachProblem(String content, String expected) throws Exception {
    Path file = dir.resolve("tokens.txt");
    Files.writeString(file, content);

    assertThatThrownBy(() -> BearerTokens.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(expected.formatted(file));
  }

  /** A tokens file's content, and the message its refusal has ({@code %1$s}: the file). */
  static Stream<Arguments> badFiles() {
    return Stream.of(
        arguments(
            "short viewer a\nlong-enough-token-xyz root b\nonly-two fields\n",
            """
            %1$s:1: token of 5 chars (expected: 16+)
            %1$s:2: role "root" (expected: viewer, operator or admin)
            %1$s:3: 2 fields (expected: TOKEN ROLE NAME)"""),
        // The names the audit log reserves for itself.
        arguments(
            "long-enough-token-xyz operator gateway\n",
            "%1$s:1: name \"gateway\" (expected: not one of "
                + Identity.RESERVED_NAMES
                + ", which the audit log reserves)"),
        arguments(
            "# nobody yet\n", "%1$s: no tokens (expected: at least one TOKEN ROLE NAME line)"));
  }
}
