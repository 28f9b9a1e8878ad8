package io.infergate.infer.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void refusesABadFileNamingEachLine() throws Exception {
    Path file = dir.resolve("tokens.txt");
    Files.writeString(file, "short viewer a\nlong-enough-token-xyz root b\nonly-two fields\n");

    assertThatThrownBy(() -> BearerTokens.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            file
                + ":1: token of 5 chars (expected: 16+)\n"
                + file
                + ":2: role \"root\" (expected: viewer, operator or admin)\n"
                + file
                + ":3: 2 fields (expected: TOKEN ROLE NAME)");
  }

  @Test
  void refusesTheNamesTheAuditLogReserves() throws Exception {
    Path file = dir.resolve("tokens.txt");
    Files.writeString(file, "long-enough-token-xyz operator gateway\n");

    assertThatThrownBy(() -> BearerTokens.load(file))
        .hasMessageStartingWith(file + ":1: name \"gateway\" (expected: not one of");
  }

  @Test
  void refusesAFileWithoutTokens() throws Exception {
    Path file = dir.resolve("tokens.txt");
    Files.writeString(file, "# nobody yet\n");

    assertThatThrownBy(() -> BearerTokens.load(file))
        .hasMessage(file + ": no tokens (expected: at least one TOKEN ROLE NAME line)");
  }
}
