package io.infergate.infer.perf.loadtest;

/**
 * ghz's {@code --stream-*} flags, which shape each call of a streaming method (one report "call" is
 * one whole stream). ghz's defaults are all zero and false: every message of the data once, no
 * pause, no time limit, templates rendered once per stream.
 *
 * @param intervalNanos {@code --stream-interval}: the pause between two sends (client and bidi)
 * @param callDurationNanos {@code --stream-call-duration}: client and bidi stop sending (and
 *     half-close) after this long; server streaming cancels the call (0: no limit)
 * @param callCount {@code --stream-call-count}: client and bidi send this many messages, cycling
 *     through the data; server streaming cancels after this many answers (0: no limit)
 * @param dynamicMessages {@code --stream-dynamic-messages}: render the data template afresh for
 *     every message sent
 */
record Streaming(
    long intervalNanos, long callDurationNanos, long callCount, boolean dynamicMessages) {
  static final Streaming NONE = new Streaming(0, 0, 0, false);

  /** Reads the four flags; a bad value is a problem naming its flag. */
  static Streaming read(Options o, Flags flags) {
    return new Streaming(
        flags.duration("--stream-interval", o.streamInterval == null ? "0" : o.streamInterval),
        flags.duration(
            "--stream-call-duration", o.streamCallDuration == null ? "0" : o.streamCallDuration),
        count(o.streamCallCount, flags),
        o.streamDynamicMessages);
  }

  private static long count(String text, Flags flags) {
    if (text == null) {
      return 0;
    }
    try {
      long n = Long.parseLong(text.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    flags.problem("--stream-call-count " + text + " (expected: a whole number >= 0)");
    return 0;
  }
}
