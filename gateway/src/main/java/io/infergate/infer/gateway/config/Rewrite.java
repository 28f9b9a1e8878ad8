package io.infergate.infer.gateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a variant's servers are sent instead of the model name and version the caller asked for:
 * lets a variant serve a route from a model deployed under another name or pinned to a version. The
 * gateway re-encodes a request body only for a variant with a rewrite; {@link #NONE} keeps the
 * caller's bytes untouched.
 *
 * @param model model name sent instead of the caller's, or null to keep it
 * @param version model version sent instead of the caller's, a positive integer, or null to keep it
 */
public record Rewrite(String model, String version) {
  /** No rewrite: the caller's body is forwarded as it is. */
  public static final Rewrite NONE = new Rewrite(null, null);

  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");

  /**
   * Validates the rewrite.
   *
   * @throws IllegalArgumentException naming each bad field, if the model is blank or the version is
   *     not a positive integer
   */
  public Rewrite {
    List<String> problems = new ArrayList<>();
    if (model != null && model.isBlank()) {
      problems.add("model: \"" + model + "\" (expected: absent or non-blank)");
    }
    if (version != null && !VERSION.matcher(version).matches()) {
      problems.add("version: \"" + version + "\" (expected: a positive integer)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }

  /** Whether this rewrite changes nothing, so the caller's bytes go out untouched. */
  public boolean isNone() {
    return model == null && version == null;
  }
}
