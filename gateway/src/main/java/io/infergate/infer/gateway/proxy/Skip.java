package io.infergate.infer.gateway.proxy;

/**
 * Why a variant did not serve a call that was meant for it; the value of the {@code x-fallback}
 * header of the answer that another variant gave instead.
 */
enum Skip {
  /** Its breaker is open, or half-open with its trial calls taken. */
  CIRCUIT_OPEN("circuit_open"),
  /** Its bulkhead is full. */
  BULKHEAD_FULL("bulkhead_full"),
  /** Every endpoint is ejected or cannot be connected to. */
  NO_ENDPOINT("no_endpoint"),
  /** The call's remaining deadline is shorter than the variant's median latency. */
  DEADLINE("deadline"),
  /** An attempt on it never reached a model, and no other endpoint of it was left to retry on. */
  UNAVAILABLE("unavailable"),
  /** A trial call of its half-open breaker failed before answering. */
  TRIAL_FAILED("trial_failed");

  private final String header;

  Skip(String header) {
    this.header = header;
  }

  /** The value in {@code x-fallback}. */
  String header() {
    return header;
  }
}
