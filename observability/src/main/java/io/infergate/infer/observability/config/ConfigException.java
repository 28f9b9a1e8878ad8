package io.infergate.infer.observability.config;

import java.util.List;

/**
 * The configuration is invalid. Its message lists every problem found, one a line, each naming the
 * key by its path and saying what was expected ({@code routes[0].variants[1].weight: -5 (expected:
 * >= 0)}), so one edit can fix them all.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /** An exception for these problems, in the order they were found. */
  public ConfigException(List<String> problems) {
    super("invalid configuration:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem, {@code path: what (expected: ...)}. */
  public List<String> problems() {
    return problems;
  }
}
