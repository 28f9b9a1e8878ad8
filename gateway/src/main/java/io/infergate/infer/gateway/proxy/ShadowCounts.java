package io.infergate.infer.gateway.proxy;

/**
 * How a route's shadow copies have fared, for operators and tests.
 *
 * @param sent copies started
 * @param dropped copies not started: too many in flight, or no endpoint of the shadow reachable
 * @param failed copies that failed to start or that the shadow did not answer OK
 * @param inFlight copies started and not yet answered
 */
public record ShadowCounts(long sent, long dropped, long failed, int inFlight) {
  /** The counts of a route without a shadow, or of no route. */
  public static final ShadowCounts NONE = new ShadowCounts(0, 0, 0, 0);
}
