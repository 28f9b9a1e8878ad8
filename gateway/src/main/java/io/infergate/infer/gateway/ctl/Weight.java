package io.infergate.infer.gateway.ctl;

/** One {@code VARIANT=WEIGHT} argument of {@code set-weights}. */
record Weight(String variant, int weight) {
  private static final String EXPECTED = "expected: VARIANT=WEIGHT with a WEIGHT of 0 or more";

  /**
   * Parses {@code v1=90}.
   *
   * @throws IllegalArgumentException naming the text and the syntax
   */
  static Weight parse(String text) {
    int equals = text.indexOf('=');
    if (equals <= 0) {
      throw new IllegalArgumentException("\"" + text + "\" (" + EXPECTED + ")");
    }
    String variant = text.substring(0, equals).strip();
    int weight;
    try {
      weight = Integer.parseInt(text.substring(equals + 1).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\" (" + EXPECTED + ")", e);
    }
    if (variant.isEmpty() || weight < 0) {
      throw new IllegalArgumentException("\"" + text + "\" (" + EXPECTED + ")");
    }
    return new Weight(variant, weight);
  }
}
