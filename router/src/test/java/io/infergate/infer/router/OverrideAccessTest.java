package io.infergate.infer.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may use a route's override header, its limits and its messages. */
class OverrideAccessTest {
  private static final String TOKEN_16 = "0123456789abcdef";
  private static final Map<String, String> NO_ENVIRONMENT = Map.of();

  @Test
  void aTokenOfSixteenCharactersIsTheShortestAccepted() {
    OverrideAccess access = withSecrets(List.of(TOKEN_16));

    assertThat(access.allows(TOKEN_16)).isTrue();
    assertThatThrownBy(() -> withSecrets(List.of("0123456789abcde")))
        .hasMessage(
            "overrideAllow.secrets[0]: a token of 15 characters (expected: 16..1024 visible ASCII"
                + " characters, no spaces or commas)");
  }

  @Test
  void aTokenOf1024CharactersIsTheLongestAccepted() {
    String longest = "x".repeat(1024);

    assertThat(withSecrets(List.of(longest)).allows(longest)).isTrue();
    assertThatThrownBy(() -> withSecrets(List.of(longest + "x")))
        .hasMessageStartingWith("overrideAllow.secrets[0]: a token of 1025 characters");
  }

  @Test
  void tokensWithSpacesOrOtherThanAsciiAreRefusedWithoutEchoingThem() {
    assertThatThrownBy(() -> withSecrets(List.of("0123456789 abcdef", "0123456789abcdeé")))
        .hasMessageContaining("overrideAllow.secrets[0]: a token of 17 characters")
        .hasMessageContaining("overrideAllow.secrets[1]: a token of 16 characters")
        .hasMessageNotContaining("0123456789");
  }

  @Test
  void onlyAnExactTokenIsAllowed() {
    OverrideAccess access = withSecrets(List.of(TOKEN_16, "another-token-0000"));

    assertThat(access.allows(TOKEN_16)).isTrue();
    assertThat(access.allows("another-token-0000")).isTrue();
    assertThat(access.allows(null)).isFalse();
    assertThat(access.allows("")).isFalse();
    assertThat(access.allows(TOKEN_16.substring(1))).isFalse();
    assertThat(access.allows(TOKEN_16 + "0")).isFalse();
    assertThat(access.allows("0123456789abcdeF")).isFalse();
  }

  @Test
  void tokensComeFromTheNamedEnvironmentVariableCommaSeparated() {
    OverrideAccess access =
        OverrideAccess.of(
            null,
            "x-override-token",
            null,
            "OVERRIDE_TOKENS",
            "refuse",
            Map.of("OVERRIDE_TOKENS", TOKEN_16 + ", second-token-00000")::get);

    assertThat(access.allows(TOKEN_16)).isTrue();
    assertThat(access.allows("second-token-00000")).isTrue();
    assertThat(access.refuses()).isTrue();
    assertThat(access.toString()).doesNotContain(TOKEN_16);
  }

  @Test
  void anUnsetEnvironmentVariableIsAnErrorNamingTheKey() {
    assertThatThrownBy(
            () ->
                OverrideAccess.of(
                    null, "x-override-token", null, "OVERRIDE_TOKENS", null, NO_ENVIRONMENT::get))
        .hasMessage(
            "overrideAllow.secretsEnv: \"OVERRIDE_TOKENS\" (expected: a set environment variable"
                + " with tokens)");
    assertThatThrownBy(
            () ->
                OverrideAccess.of(
                    null,
                    "x-override-token",
                    null,
                    "OVERRIDE_TOKENS",
                    null,
                    Map.of("OVERRIDE_TOKENS", TOKEN_16 + ",short")::get))
        .hasMessageStartingWith(
            "overrideAllow.secretsEnv (OVERRIDE_TOKENS, token 2): a token of 5 characters");
  }

  @Test
  void anAllowRuleNeedsAWayInAndSecretsNeedAHeader() {
    assertThatThrownBy(() -> OverrideAccess.of(null, null, null, null, null, NO_ENVIRONMENT::get))
        .hasMessage(
            "overrideAllow: no way in (expected: anyCaller: true, identities, or secretHeader with"
                + " secrets/secretsEnv)");
    assertThatThrownBy(
            () -> OverrideAccess.of(null, null, List.of(TOKEN_16), null, null, NO_ENVIRONMENT::get))
        .hasMessageContaining("overrideAllow.secretHeader: missing (expected: a lower-case");
    assertThatThrownBy(
            () ->
                OverrideAccess.of(
                    true, "x-token", List.of(TOKEN_16), null, null, NO_ENVIRONMENT::get))
        .hasMessage(
            "overrideAllow.anyCaller: true (expected: false when secrets or identities are set)");
    assertThatThrownBy(() -> OverrideAccess.of(true, null, null, null, "deny", NO_ENVIRONMENT::get))
        .hasMessage("overrideDenied: \"deny\" (expected: ignore or refuse)");
  }

  @Test
  void identitiesAllowCallersWhoseCertificateCarriesOneOfThemAndNoOtherCaller() {
    OverrideAccess access =
        OverrideAccess.of(
            null,
            null,
            null,
            null,
            List.of("spiffe://ml/release-bot", "release-bot"),
            null,
            NO_ENVIRONMENT::get);

    assertThat(access.checksIdentities()).isTrue();
    assertThat(access.allowsSomeone()).isTrue();
    assertThat(access.allowsIdentity(List.of("trainer", "spiffe://ml/release-bot"))).isTrue();
    assertThat(access.allowsIdentity(List.of("release-bot"))).isTrue();
    assertThat(access.allowsIdentity(List.of("spiffe://ml/release-bot/x", "trainer"))).isFalse();
    assertThat(access.allowsIdentity(List.of())).isFalse();
    // Identities are not tokens: a header carrying one proves nothing.
    assertThat(access.allows("spiffe://ml/release-bot")).isFalse();
    assertThat(OverrideAccess.NOBODY.checksIdentities()).isFalse();
  }

  @Test
  void anIdentityMustBeANameOfAtMostTheLimit() {
    String longest = "x".repeat(OverrideAccess.MAX_IDENTITY_LENGTH);
    assertThat(
            OverrideAccess.of(null, null, null, null, List.of(longest), null, NO_ENVIRONMENT::get)
                .identities())
        .containsExactly(longest);
    assertThatThrownBy(
            () ->
                OverrideAccess.of(
                    null, null, null, null, List.of(longest + "x"), null, NO_ENVIRONMENT::get))
        .hasMessage(
            "overrideAllow.identities[0]: \""
                + longest
                + "x\" (expected: a certificate name of"
                + " 1..1024 characters)");
    assertThatThrownBy(
            () ->
                OverrideAccess.of(null, null, null, null, List.of(" "), null, NO_ENVIRONMENT::get))
        .hasMessageStartingWith("overrideAllow.identities[0]: \" \"");
    assertThatThrownBy(
            () ->
                OverrideAccess.of(
                    true, null, null, null, List.of("bot"), null, NO_ENVIRONMENT::get))
        .hasMessage(
            "overrideAllow.anyCaller: true (expected: false when secrets or identities are set)");
  }

  @Test
  void anyCallerAllowsEveryoneAndNobodyAllowsNoOne() {
    assertThat(OverrideAccess.of(true, null, null, null, null, NO_ENVIRONMENT::get).allows(null))
        .isTrue();
    assertThat(OverrideAccess.NOBODY.allows(TOKEN_16)).isFalse();
    assertThat(OverrideAccess.NOBODY.allowsSomeone()).isFalse();
    assertThat(OverrideAccess.nobody("refuse").refuses()).isTrue();
  }

  @Test
  void aRouteWithoutAnAllowRuleAllowsNobodyAndARuleNeedsTheOverrideHeader() {
    Route<Void> open =
        Route.<Void>builder("m")
            .overrideHeader("x-variant-override")
            .variant(Variant.of("a", 1, List.of("h:1"), null))
            .build();
    assertThat(open.overrideAccess()).isSameAs(OverrideAccess.NOBODY);

    assertThatThrownBy(
            () ->
                Route.<Void>builder("m")
                    .overrideAccess(OverrideAccess.nobody("refuse"))
                    .variant(Variant.of("a", 1, List.of("h:1"), null))
                    .build())
        .hasMessage(
            "overrideAllow: set without overrideHeader (expected: overrideHeader, or neither"
                + " overrideAllow nor overrideDenied)");
    assertThatThrownBy(
            () ->
                Route.<Void>builder("m")
                    .overrideHeader("x-o")
                    .overrideAccess(withSecrets(List.of(TOKEN_16), "x-o"))
                    .variant(Variant.of("a", 1, List.of("h:1"), null))
                    .build())
        .hasMessage("overrideAllow.secretHeader: \"x-o\" (expected: not the overrideHeader)");
  }

  @Test
  void shadowHeadersDefaultToTraceHeadersAndAreCheckedUpToTheLimit() {
    assertThat(Shadow.of("a", 0.5, null, null).headers())
        .containsExactly("x-request-id", "traceparent", "tracestate");
    List<String> sixtyFour = Collections.nCopies(64, "authorization");
    assertThat(Shadow.of("a", 0.5, null, null, sixtyFour).headers()).hasSize(64);
    assertThatThrownBy(
            () ->
                Shadow.of("a", 0.5, null, Duration.ofSeconds(1), Collections.nCopies(65, "cookie")))
        .hasMessage("headers: 65 names (expected: at most 64)");
    assertThatThrownBy(() -> Shadow.of("a", 0.5, null, null, List.of("grpc-timeout", "Cookie")))
        .hasMessageContaining("headers[0]: \"grpc-timeout\" (expected: a lower-case header name")
        .hasMessageContaining("headers[1]: \"Cookie\"");
  }

  private static OverrideAccess withSecrets(List<String> secrets) {
    return withSecrets(secrets, "x-override-token");
  }

  private static OverrideAccess withSecrets(List<String> secrets, String header) {
    return OverrideAccess.of(null, header, secrets, null, null, NO_ENVIRONMENT::get);
  }
}
