package io.infergate.infer.perf;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * Told of each call a load generator makes, as it ends: for suites that judge more than latency
 * (status codes, response headers such as {@code x-variant}, trailers such as {@code
 * grpc-retry-pushback-ms}). Called on transport threads, so implementations are thread-safe and
 * quick.
 */
public interface CallObserver {
  /** An observer that ignores everything. */
  CallObserver NONE = (startNanos, endNanos, status, headers, trailers) -> {};

  /**
   * A call ended.
   *
   * @param startNanos when it was meant to start ({@link System#nanoTime()}): the intended time of
   *     an open-loop call, the send time of a closed-loop one
   * @param headers the response headers, or null when the answer was trailers only
   */
  void ended(long startNanos, long endNanos, Status status, Metadata headers, Metadata trailers);

  /** A call due at {@code intendedNanos} was never sent: too many calls were outstanding. */
  default void notSent(long intendedNanos) {}
}
