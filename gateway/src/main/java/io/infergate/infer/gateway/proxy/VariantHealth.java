package io.infergate.infer.gateway.proxy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.infergate.infer.router.Endpoint;
import io.infergate.infer.router.Variant;
import io.infergate.infer.router.policy.SlowStart;
import io.infergate.infer.router.policy.SlowStartPolicy;
import io.infergate.infer.router.resilience.BreakerPolicy;
import io.infergate.infer.router.resilience.LatencyMedian;
import io.infergate.infer.router.resilience.OutlierDetector;
import io.infergate.infer.router.resilience.Resilience;
import java.util.List;

/**
 * What the gateway has learnt about one variant of one model: its circuit breaker, the ejection
 * state of its endpoints, its recent median latency and the window of figures release control
 * judges (which outlives a change of endpoints or policies: it describes the variant). Kept across
 * reloads while the variant's declared endpoints and breaker policy stay the same, so that changing
 * a weight does not hand a broken canary fresh traffic.
 *
 * <p>The endpoints served may change without the declared ones changing: a {@code dns:///} name
 * that resolves to other pods. Then {@link #serving} keeps the breaker, latency and window (the
 * variant is the same) and starts the ejection state afresh, as it is indexed by endpoint.
 */
final class VariantHealth {
  // What the call path and the telemetry read and record into directly.
  final CircuitBreaker breaker;
  final LatencyMedian latency;
  final VariantWindow window;
  final OutlierDetector outliers;
  final SlowStart slowStart;

  private final Variant declared;
  private final BreakerPolicy breakerPolicy;
  private final List<Endpoint> served;
  private final SlowStartPolicy slowStartPolicy;
  private boolean seeded;

  /**
   * @param declared the variant as the routes declare it ({@code dns:///} names unresolved)
   * @param served the variant as served, one endpoint per address
   * @param policies the route's; its breaker, outlier and slow-start policies apply here
   */
  VariantHealth(
      String model, Variant declared, Variant served, Resilience policies, VariantWindow window) {
    this.declared = declared;
    this.breakerPolicy = policies.breaker();
    this.breaker = CircuitBreaker.of(model + "/" + declared.name(), breakerConfig(breakerPolicy));
    this.latency = new LatencyMedian();
    this.window = window;
    this.served = served.endpoints();
    this.outliers = new OutlierDetector(policies.outlier(), this.served.size(), System::nanoTime);
    this.slowStartPolicy = policies.slowStart();
    this.slowStart = new SlowStart(slowStartPolicy, this.served.size());
  }

  /** Health of a variant served as declared: no {@code dns:///} names. */
  VariantHealth(String model, Variant variant, Resilience policies, VariantWindow window) {
    this(model, variant, variant, policies, window);
  }

  /**
   * {@code kept}'s breaker, latency and window, with fresh ejection and slow-start state for {@code
   * served} (both are indexed by endpoint).
   */
  private VariantHealth(VariantHealth kept, Variant served, Resilience policies) {
    this.declared = kept.declared;
    this.breakerPolicy = kept.breakerPolicy;
    this.breaker = kept.breaker;
    this.latency = kept.latency;
    this.window = kept.window;
    this.served = served.endpoints();
    this.outliers = new OutlierDetector(policies.outlier(), this.served.size(), System::nanoTime);
    this.slowStartPolicy = policies.slowStart();
    this.slowStart = new SlowStart(slowStartPolicy, this.served.size());
  }

  /** Whether this health still describes the variant {@code declared} under this policy. */
  boolean fits(Variant declared, BreakerPolicy breaker) {
    return this.declared.endpoints().equals(declared.endpoints()) && breakerPolicy.equals(breaker);
  }

  /**
   * This health for the endpoints of {@code served}: itself when they and the ejection and
   * slow-start policies are unchanged, otherwise one that shares its breaker, latency and window (a
   * call of the table before records into the same ones) with fresh per-endpoint state; endpoints
   * whose channel is already connected are then seeded as up, so that only new ones ramp.
   */
  VariantHealth serving(Variant served, Resilience policies) {
    return this.served.equals(served.endpoints())
            && outliers.policy().equals(policies.outlier())
            && slowStartPolicy.equals(policies.slowStart())
        ? this
        : new VariantHealth(this, served, policies);
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
