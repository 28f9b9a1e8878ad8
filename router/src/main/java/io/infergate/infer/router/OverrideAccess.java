package io.infergate.infer.router;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Which callers a route's override header works for. The override header can force any variant,
 * weight-0 ones whose rewrite points at an unreleased model included, so it is honoured only for
 * callers that prove they may use it; everyone else gets the route's ordinary choice, or {@code
 * PERMISSION_DENIED} when the route says {@link Denied#REFUSE}.
 *
 * <p>A caller proves it with its mutual-TLS identity (a name its client certificate carries, such
 * as a SPIFFE ID), or with a secret header whose value is one of the configured tokens (several, so
 * tokens can be rotated without a gap). The tokens come from an environment variable so that they
 * stay out of the YAML file, or, for tests and demos, from the file itself. This class knows
 * nothing of TLS: the gateway reads a caller's names from its certificate.
 *
 * <p>{@link #allows} runs on the hot path: it allocates nothing, takes no lock, and compares every
 * token in time that depends on the tokens' lengths only, never on how much of a guess matched.
 */
public final class OverrideAccess {
  /** Nobody may override: a route with an override header and no allow rule. */
  public static final OverrideAccess NOBODY =
      new OverrideAccess(false, Tokens.NONE, List.of(), Denied.IGNORE);

  /** Shortest token: shorter ones can be guessed. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /** Longest identity: certificate names are short; a longer one is a mistake. */
  public static final int MAX_IDENTITY_LENGTH = 1024;

  /** Longest token; also bounds the time one comparison takes. */
  public static final int MAX_TOKEN_LENGTH = 1024;

  private static final String TOKEN =
      MIN_TOKEN_LENGTH + ".." + MAX_TOKEN_LENGTH + " visible ASCII characters, no spaces or commas";

  private final boolean anyCaller;
  private final Tokens tokens;
  private final List<String> identities;
  private final Denied denied;

  private OverrideAccess(boolean anyCaller, Tokens tokens, List<String> identities, Denied denied) {
    this.anyCaller = anyCaller;
    this.tokens = tokens;
    this.identities = identities;
    this.denied = denied;
  }

  /**
   * Builds and checks a route's allow rule; absent values (null) take their defaults. Field names
   * in messages are the YAML keys, relative to the route.
   *
   * @param anyCaller every caller may override (development and test setups only); default false
   * @param secretHeader the header that carries a caller's token
   * @param secrets tokens written in the file
   * @param secretsEnv the environment variable holding comma-separated tokens
   * @param identities mutual-TLS identities allowed: a name of a caller's client certificate (a URI
   *     or DNS subject alternative name, or the subject's common name)
   * @param denied what an ordinary caller's override gets: {@code ignore} (the default) or {@code
   *     refuse}
   * @param environment reads an environment variable, such as {@code System::getenv}
   * @throws IllegalArgumentException naming each bad key, one a line
   */
  public static OverrideAccess of(
      Boolean anyCaller,
      String secretHeader,
      List<String> secrets,
      String secretsEnv,
      List<String> identities,
      String denied,
      UnaryOperator<String> environment) {
    Problems problems = new Problems();
    boolean anyone = anyCaller != null && anyCaller;
    Denied mode = Denied.parse(denied);
    problems.check(mode != null, "overrideDenied", denied, "ignore or refuse");
    boolean hasSecrets = secrets != null || secretsEnv != null;
    Tokens tokens = Tokens.read(problems, secretHeader, secrets, secretsEnv, environment);
    List<String> names = identities == null ? List.of() : identities;
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      problems.check(
          name != null && !name.isBlank() && name.length() <= MAX_IDENTITY_LENGTH,
          "overrideAllow.identities[" + i + "]",
          name,
          "a certificate name of 1.." + MAX_IDENTITY_LENGTH + " characters");
    }
    if (anyone && (hasSecrets || !names.isEmpty())) {
      problems.add("overrideAllow.anyCaller", true, "false when secrets or identities are set");
    }
    if (!anyone && !hasSecrets && names.isEmpty()) {
      problems.describe(
          "overrideAllow",
          "no way in",
          "anyCaller: true, identities, or secretHeader with secrets/secretsEnv");
    }
    problems.throwIfAny();
    return new OverrideAccess(anyone, tokens, List.copyOf(names), mode);
  }

  /**
   * As {@link #of(Boolean, String, List, String, List, String, UnaryOperator)} without identities.
   */
  public static OverrideAccess of(
      Boolean anyCaller,
      String secretHeader,
      List<String> secrets,
      String secretsEnv,
      String denied,
      UnaryOperator<String> environment) {
    return of(anyCaller, secretHeader, secrets, secretsEnv, null, denied, environment);
  }

  /**
   * Returns the rule of a route that allows nobody, with {@code denied} ({@code ignore}, the
   * default, or {@code refuse}) as the answer to every override.
   *
   * @throws IllegalArgumentException naming {@code overrideDenied} if it is neither
   */
  public static OverrideAccess nobody(String denied) {
    Denied mode = Denied.parse(denied);
    if (mode == null) {
      throw new IllegalArgumentException(
          "overrideDenied: " + Problems.show(denied) + " (expected: ignore or refuse)");
    }
    return mode == Denied.IGNORE ? NOBODY : new OverrideAccess(false, Tokens.NONE, List.of(), mode);
  }

  /**
   * Returns whether a caller that sent {@code token} in the {@link #secretHeader} (null if it sent
   * none) may use the override header.
   */
  public boolean allows(String token) {
    if (anyCaller) {
      return true;
    }
    if (token == null) {
      return false;
    }
    // Every token is compared in full, whatever matched, so timing tells nothing of which did.
    boolean matched = false;
    for (byte[] expected : tokens.accepted) {
      matched |= equalsInConstantTime(expected, token);
    }
    return matched;
  }

  /** Returns whether callers may prove themselves by a client certificate's name. */
  public boolean checksIdentities() {
    return !identities.isEmpty();
  }

  /**
   * Returns whether a caller whose client certificate carries {@code callerNames} may use the
   * override header. Names are public, so they are compared plainly.
   */
  public boolean allowsIdentity(List<String> callerNames) {
    for (int i = 0; i < callerNames.size(); i++) {
      if (identities.contains(callerNames.get(i))) {
        return true;
      }
    }
    return false;
  }

  /** Returns the mutual-TLS identities allowed. */
  public List<String> identities() {
    return identities;
  }

  /** Returns whether an ordinary caller's override is refused rather than ignored. */
  public boolean refuses() {
    return denied == Denied.REFUSE;
  }

  /** Returns whether any caller may override (the rule of development setups). */
  public boolean anyCaller() {
    return anyCaller;
  }

  /** Returns whether some caller may override: false for {@link #NOBODY}. */
  public boolean allowsSomeone() {
    return anyCaller || tokens.accepted.length > 0 || !identities.isEmpty();
  }

  /** Returns the header that carries a caller's token, or null if callers prove nothing. */
  public String secretHeader() {
    return tokens.header;
  }

  /** Returns the environment variable the tokens come from, or null. */
  public String secretsEnv() {
    return tokens.env;
  }

  /** Returns how many tokens the file itself holds (the report shows counts, never tokens). */
  public int fileTokens() {
    return tokens.inFile;
  }

  /** Returns what an ordinary caller's override gets. */
  public Denied denied() {
    return denied;
  }

  /**
   * Compares without an early exit: the loop runs over all of {@code expected} whatever {@code
   * actual} is, and reads the header's characters directly, so the hot path converts nothing.
   */
  private static boolean equalsInConstantTime(byte[] expected, String actual) {
    int length = actual.length();
    int difference = expected.length ^ length;
    for (int i = 0; i < expected.length; i++) {
      int c = i < length ? actual.charAt(i) : 0;
      difference |= expected[i] ^ c;
    }
    return difference == 0;
  }

  @Override
  public String toString() {
    return "OverrideAccess[anyCaller="
        + anyCaller
        + ", secretHeader="
        + tokens.header
        + ", secretsEnv="
        + tokens.env
        + ", tokens="
        + tokens.accepted.length
        + ", identities="
        + identities
        + ", denied="
        + denied.configName()
        + "]";
  }

  /** What an ordinary caller's override header gets. */
  public enum Denied {
    /** The header is ignored: the call is routed as if it were absent. */
    IGNORE,
    /** The call is refused with {@code PERMISSION_DENIED}. */
    REFUSE;

    /** Returns the name used in the config file. */
    public String configName() {
      return ConfigNames.of(this);
    }

    /** Returns the mode named {@code text}; IGNORE when null; null when unknown. */
    static Denied parse(String text) {
      return text == null ? IGNORE : ConfigNames.find(values(), text);
    }
  }

  /**
   * The secret-header way in: the header a caller's token comes in, the tokens accepted, and where
   * they came from (the report shows the variable's name and a count, never a token).
   */
  private static final class Tokens {
    static final Tokens NONE = new Tokens(null, new byte[0][], null, 0);

    final String header;
    final byte[][] accepted;
    final String env;
    final int inFile;

    private Tokens(String header, byte[][] accepted, String env, int inFile) {
      this.header = header;
      this.accepted = accepted;
      this.env = env;
      this.inFile = inFile;
    }

    /**
     * Reads and checks the tokens written in the file ({@code secrets}) and held in the variable
     * {@code secretsEnv}, and the header they come in, adding what is wrong to {@code problems}.
     */
    static Tokens read(
        Problems problems,
        String secretHeader,
        List<String> secrets,
        String secretsEnv,
        UnaryOperator<String> environment) {
      List<byte[]> accepted = new ArrayList<>();
      if (secrets != null) {
        for (int i = 0; i < secrets.size(); i++) {
          // Never echo a token: the message says what is wrong with it, not what it is.
          addToken(problems, "overrideAllow.secrets[" + i + "]", secrets.get(i), accepted);
        }
      }
      if (secretsEnv != null) {
        String value = secretsEnv.isBlank() ? null : environment.apply(secretsEnv);
        if (value == null || value.isBlank()) {
          problems.add(
              "overrideAllow.secretsEnv", secretsEnv, "a set environment variable with tokens");
        } else {
          String[] parts = value.split(",", -1);
          for (int i = 0; i < parts.length; i++) {
            addToken(
                problems,
                "overrideAllow.secretsEnv (" + secretsEnv + ", token " + (i + 1) + ")",
                parts[i].strip(),
                accepted);
          }
        }
      }
      if (secrets != null || secretsEnv != null) {
        problems.check(
            secretHeader != null && Route.isHeaderName(secretHeader),
            "overrideAllow.secretHeader",
            secretHeader,
            "a lower-case header name of a-z, 0-9, '-', '_' and '.', not grpc-* or *-bin");
      } else if (secretHeader != null) {
        problems.add("overrideAllow.secrets", null, "secrets or secretsEnv with secretHeader");
      }
      return new Tokens(
          secretHeader,
          accepted.toArray(new byte[0][]),
          secretsEnv,
          secrets == null ? 0 : secrets.size());
    }

    private static void addToken(
        Problems problems, String field, String token, List<byte[]> accepted) {
      boolean valid =
          token != null && token.length() >= MIN_TOKEN_LENGTH && token.length() <= MAX_TOKEN_LENGTH;
      for (int i = 0; valid && i < token.length(); i++) {
        char c = token.charAt(i);
        valid = c > ' ' && c < 0x7f && c != ',';
      }
      if (!valid) {
        problems.describe(
            field,
            token == null ? "missing" : "a token of " + token.length() + " characters",
            TOKEN);
        return;
      }
      byte[] bytes = new byte[token.length()];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) token.charAt(i);
      }
      accepted.add(bytes);
    }
  }
}
