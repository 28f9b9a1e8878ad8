package io.infergate.infer.gateway.proxy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.infergate.infer.router.Variant;
import io.infergate.infer.router.policy.SlowStart;
import io.infergate.infer.router.policy.SlowStartPolicy;
import io.infergate.infer.router.resilience.BreakerPolicy;
import io.infergate.infer.router.resilience.LatencyMedian;
import io.infergate.infer.router.resilience.OutlierDetector;
import io.infergate.infer.router.resilience.OutlierPolicy;

/**
 * What the gateway has learnt about one variant of one model: its circuit breaker, the ejection
 * state of its endpoints, its recent median latency and the window of figures release control
 * judges (which outlives a change of endpoints or policies: it describes the variant). Kept across
 * reloads while the variant's endpoints and policies stay the same, so that changing a weight does
 * not hand a broken canary fresh traffic.
 */
final class VariantHealth {
  private final Variant variant;
  private final BreakerPolicy breakerPolicy;
  private final CircuitBreaker breaker;
  private final OutlierDetector outliers;
  private final LatencyMedian latency = new LatencyMedian();
  private final VariantWindow window;
  private final SlowStartPolicy slowStartPolicy;
  private final SlowStart slowStart;
  private boolean seeded;

  VariantHealth(
      String model,
      Variant variant,
      BreakerPolicy breaker,
      OutlierPolicy outlier,
      SlowStartPolicy slowStart,
      VariantWindow window) {
    this.variant = variant;
    this.window = window;
    this.breakerPolicy = breaker;
    this.breaker = CircuitBreaker.of(model + "/" + variant.name(), breakerConfig(breaker));
    this.outliers = new OutlierDetector(outlier, variant.endpoints().size(), System::nanoTime);
    this.slowStartPolicy = slowStart;
    this.slowStart = new SlowStart(slowStart, variant.endpoints().size());
  }

  /** Whether this health still describes {@code variant} under these policies. */
  boolean fits(
      Variant next, BreakerPolicy breaker, OutlierPolicy outlier, SlowStartPolicy slowStart) {
    return variant.endpoints().equals(next.endpoints())
        && breakerPolicy.equals(breaker)
        && outliers.policy().equals(outlier)
        && slowStartPolicy.equals(slowStart);
  }

  SlowStart slowStart() {
    return slowStart;
  }

  /**
   * The first time a table uses this health: endpoints whose channel is already connected (kept
   * from the table before) count as up, so that a reload adding an endpoint ramps only the new one.
   */
  synchronized void seedSlowStart(boolean[] connected) {
    if (!seeded) {
      seeded = true;
      for (int i = 0; i < connected.length; i++) {
        if (connected[i]) {
          slowStart.alreadyUp(i);
        }
      }
    }
  }

  CircuitBreaker breaker() {
    return breaker;
  }

  OutlierDetector outliers() {
    return outliers;
  }

  LatencyMedian latency() {
    return latency;
  }

  VariantWindow window() {
    return window;
  }

  private static CircuitBreakerConfig breakerConfig(BreakerPolicy policy) {
    return CircuitBreakerConfig.custom()
        // Lock-free: every call of the variant records into this window from every event loop.
        .slidingWindow(
            (int) policy.window().toSeconds(),
            policy.minimumCalls(),
            SlidingWindowType.TIME_BASED,
            SlidingWindowSynchronizationStrategy.LOCK_FREE)
        .failureRateThreshold(policy.failureRate())
        .slowCallDurationThreshold(policy.slowCall())
        .slowCallRateThreshold(policy.slowCallRate())
        .waitDurationInOpenState(policy.openFor())
        .permittedNumberOfCallsInHalfOpenState(policy.halfOpenCalls())
        .maxWaitDurationInHalfOpenState(policy.maxHalfOpen())
        // Half-open on time, not on the next call: health reports and trial calls need no traffic
        // to reach an open variant first.
        .automaticTransitionFromOpenToHalfOpenEnabled(true)
        // The gateway records failures itself from CallOutcome; what it records is always one.
        .ignoreExceptionsPrecedenceEnabled(true)
        .writableStackTraceEnabled(false)
        .build();
  }
}
