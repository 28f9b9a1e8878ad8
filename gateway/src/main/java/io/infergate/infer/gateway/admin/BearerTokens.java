package io.infergate.infer.gateway.admin;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin port's bearer tokens, read once from a file of {@code TOKEN ROLE NAME} lines ({@code #}
 * starts a comment). Tokens are kept only as SHA-256 digests and every lookup compares against
 * every entry with {@link MessageDigest#isEqual}, so neither the time to reject a guess nor to find
 * a match tells how close the guess was or which entry matched.
 */
public final class BearerTokens {
  /** Shorter tokens are guessable; 16 characters of base64 are 96 bits. */
  static final int MIN_TOKEN_CHARS = 16;

  private final List<Entry> entries;

  private BearerTokens(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** No tokens: for an admin port whose identities are client certificates alone. */
  public static BearerTokens none() {
    return new BearerTokens(List.of());
  }

  /**
   * Reads {@code file}.
   *
   * @throws IllegalArgumentException naming the file and each bad line ({@code tokens.txt:3: role
   *     "root" (expected: viewer, operator or admin)}), or an unreadable file
   */
  public static BearerTokens load(Path file) {
    requireNonNull(file, "file");
    List<String> lines;
    try {
      lines = Files.readAllLines(file, UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read (" + e + ")", e);
    }
    List<String> problems = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String at = file + ":" + (i + 1) + ": ";
      String[] fields = line.split("\\s+");
      if (fields.length != 3) {
        problems.add(at + fields.length + " fields (expected: TOKEN ROLE NAME)");
        continue;
      }
      Role role = Role.fromConfigName(fields[1]);
      if (role == null) {
        problems.add(at + "role \"" + fields[1] + "\" (expected: viewer, operator or admin)");
      }
      if (Identity.RESERVED_NAMES.contains(fields[2])) {
        problems.add(
            at
                + "name \""
                + fields[2]
                + "\" (expected: not one of "
                + Identity.RESERVED_NAMES
                + ", which the audit log reserves)");
        role = null;
      }
      if (fields[0].length() < MIN_TOKEN_CHARS) {
        problems.add(
            at + "token of " + fields[0].length() + " chars (expected: " + MIN_TOKEN_CHARS + "+)");
      }
      if (role != null && fields[0].length() >= MIN_TOKEN_CHARS) {
        entries.add(new Entry(digest(fields[0]), new Identity(fields[2], role)));
      }
    }
    if (entries.isEmpty() && problems.isEmpty()) {
      problems.add(file + ": no tokens (expected: at least one TOKEN ROLE NAME line)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return new BearerTokens(entries);
  }

  /** The identity {@code token} stands for, or null for none (a null token included). */
  Identity identify(String token) {
    if (token == null) {
      return null;
    }
    byte[] presented = digest(token);
    Identity found = null;
    // No early exit: every entry is compared, whatever matched.
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.digest(), presented)) {
        found = entry.identity();
      }
    }
    return found;
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private record Entry(byte[] digest, Identity identity) {}
}
