package io.infergate.infer.observability.config;

/** Where a configuration value came from; later sources win over earlier ones. */
public enum Source {
  DEFAULT("default"),
  FILE("file"),
  ENVIRONMENT("env"),
  FLAG("flag");

  private final String label;

  Source(String label) {
    this.label = label;
  }

  /** The word the effective-configuration report prints in parentheses. */
  public String label() {
    return label;
  }
}
