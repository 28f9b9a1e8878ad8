package io.infergate.infer.gateway.proxy;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.infergate.infer.gateway.config.Rewrite;
import io.infergate.infer.router.Endpoint;
import io.infergate.infer.router.Shadow;
import io.infergate.infer.router.Variant;
import io.infergate.infer.router.policy.EndpointBalancer;
import io.infergate.infer.router.policy.SlowStart;
import io.infergate.infer.router.resilience.CallOutcome;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What a variant of the live routing table carries: a channel per endpoint (in the variant's
 * endpoint order), the balancer of its route that spreads calls over them, its bulkhead, its {@link
 * VariantHealth} (breaker, ejections, latency), its rewrite, and, for the variant that receives its
 * route's shadow copies, their bounds and counters.
 *
 * <p>{@link #admit} takes, in order, a breaker permission, a bulkhead slot and an endpoint; {@link
 * #release} (or {@link #releaseRetried}) gives all three back and records the attempt's {@link
 * CallOutcome}, exactly once per successful admit.
 *
 * <p>The breaker counts calls the variant failed, the outlier detector attempts an endpoint failed:
 * an attempt that never reached a model and is retried on a sibling endpoint counts against its
 * endpoint only, so that one dead replica is ejected while the variant keeps serving, instead of
 * opening the variant's breaker with failures that its retries absorbed.
 */
final class VariantTarget {
  /** Breakers need a Throwable per failure; one shared, without a stack trace, allocates none. */
  private static final Exception BACKEND_FAILURE = new BackendFailure();

  final String name;
  private final List<Endpoint> endpoints;
  private final ManagedChannel[] channels;

  /** Bit i set for each endpoint i. */
  private final long allEndpoints;

  private final EndpointBalancer balancer;
  private final Bulkhead bulkhead;
  final VariantHealth health;
  private final CircuitBreaker breaker;
  private final Rewrite rewrite;

  /** The copies this variant receives as its route's shadow; null if it is not the shadow. */
  final ShadowCopies copies;

  /** Where this variant's answers are watched for canary drift; null when they are not. */
  final CanaryWatch canary;

  final VariantTelemetry telemetry;
  private final SlowStart slowStart;

  /**
   * @param shadow the route's shadow when this variant receives its copies, otherwise null
   * @param agreement where the answers to its copies are compared with the primaries'
   * @param telemetry this variant's attribute sets, made with this table
   * @param canary where its answers go to be compared with its route's reference variant's; null
   *     when the route does not compare them
   */
  VariantTarget(
      Variant variant,
      ManagedChannel[] channels,
      EndpointBalancer balancer,
      int maxInFlight,
      VariantHealth health,
      Rewrite rewrite,
      Shadow shadow,
      AnswerDecoder agreement,
      VariantTelemetry telemetry,
      CanaryWatch canary) {
    this.name = variant.name();
    this.endpoints = variant.endpoints();
    this.channels = channels.clone();
    this.allEndpoints = channels.length == 64 ? -1L : (1L << channels.length) - 1;
    this.balancer = balancer;
    this.bulkhead =
        Bulkhead.of(
            name,
            BulkheadConfig.custom()
                .maxConcurrentCalls(maxInFlight)
                .maxWaitDuration(Duration.ZERO)
                .writableStackTraceEnabled(false)
                .build());
    this.health = health;
    this.breaker = health.breaker;
    this.rewrite = rewrite.isNone() ? null : rewrite;
    this.telemetry = telemetry;
    this.copies = shadow == null ? null : new ShadowCopies(this, shadow, agreement);
    this.canary = canary;
    this.slowStart = health.slowStart;
    if (slowStart.enabled()) {
      boolean[] connected = new boolean[channels.length];
      for (int i = 0; i < channels.length; i++) {
        connected[i] = channels[i].getState(false) == ConnectivityState.READY;
      }
      health.seedSlowStart(connected);
    }
  }

  /**
   * Admits one attempt: a breaker permission, a bulkhead slot and an endpoint that is neither
   * ejected, nor failing to connect, nor in {@code excluded} (endpoints this call already failed
   * on).
   *
   * @param remainingNanos the call's remaining deadline; a variant whose median latency is longer
   *     is not tried
   * @return the endpoint's index, to {@link #release} exactly once; or, when nothing was taken, -1
   *     - the ordinal of the {@link Skip} that says why, or {@link #ONLY_EXCLUDED} if only
   *     endpoints in {@code excluded} were left
   */
  int admit(long excluded, long remainingNanos) {
    if (remainingNanos < health.latency.nanos()) {
      return skip(Skip.DEADLINE);
    }
    if (!breaker.tryAcquirePermission()) {
      return skip(Skip.CIRCUIT_OPEN);
    }
    int endpoint = admitPastBreaker(excluded);
    if (endpoint == skip(Skip.BULKHEAD_FULL)) {
      breaker.releasePermission();
    } else if (endpoint == skip(Skip.NO_ENDPOINT) || endpoint == ONLY_EXCLUDED) {
      // No endpoint can take a call, or this call already failed on each that could (those
      // attempts were retried, so they counted against their endpoints only): the variant failed.
      breaker.onError(0, TimeUnit.NANOSECONDS, BACKEND_FAILURE);
    }
    return endpoint;
  }

  /**
   * Like {@link #admit} without the breaker, for a route in panic (every variant's breaker open): a
   * bulkhead slot and an endpoint, to {@link #release} with {@code breakerPermit} false.
   */
  int admitPastBreaker(long excluded) {
    if (!bulkhead.tryAcquirePermission()) {
      return skip(Skip.BULKHEAD_FULL);
    }
    long unusable = unusable();
    int endpoint = pick(unusable | excluded);
    if (endpoint >= 0) {
      return endpoint;
    }
    bulkhead.onComplete();
    // Healthy endpoints may remain that this call already failed on: no failure of the variant.
    return (unusable & allEndpoints) != allEndpoints ? ONLY_EXCLUDED : skip(Skip.NO_ENDPOINT);
  }

  /** What {@link #admit} returns when only endpoints the call already failed on were left. */
  static final int ONLY_EXCLUDED = -1 - Skip.values().length;

  /** The {@link Skip} a negative {@link #admit} result stands for. */
  static Skip skipOf(int admitted) {
    return Skip.values()[-1 - admitted];
  }

  private static int skip(Skip why) {
    return -1 - why.ordinal();
  }

  /**
   * Ends an attempt on {@code endpoint}: gives back what {@link #admit} took and records how it
   * ended with the breaker, the ejection counters and the latency.
   */
  void release(int endpoint, CallOutcome outcome, long nanos, boolean breakerPermit) {
    balancer.release(endpoint);
    bulkhead.onComplete();
    health.window.record(outcome, nanos);
    if (!breakerPermit) {
      recordEndpoint(endpoint, outcome, nanos);
      return;
    }
    if (outcome.isSuccess()) {
      breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    } else if (outcome.isFailure()) {
      breaker.onError(nanos, TimeUnit.NANOSECONDS, BACKEND_FAILURE);
    } else {
      breaker.releasePermission();
    }
    recordEndpoint(endpoint, outcome, nanos);
  }

  private void recordEndpoint(int endpoint, CallOutcome outcome, long nanos) {
    if (outcome.isSuccess()) {
      health.outliers.onSuccess(endpoint);
      if (outcome == CallOutcome.SUCCESS) {
        health.latency.record(nanos);
      }
    } else if (outcome.isFailure()) {
      endpointFailed(endpoint);
    }
  }

  /**
   * Ends an attempt on {@code endpoint} that never reached a model ({@link
   * CallOutcome#NOT_REACHED}) and that the call retries: the endpoint failed, the variant not yet.
   * The retry comes back to this variant first, with this endpoint excluded, and {@link #admit}
   * records the variant's failure if no other endpoint is left.
   */
  void releaseRetried(int endpoint, boolean breakerPermit) {
    // What admit took goes back as after a warm-up call; only the endpoint's failure counts.
    releaseUnrecorded(endpoint, breakerPermit);
    endpointFailed(endpoint);
  }

  /**
   * Ends an attempt of a warm-up call: gives back what {@link #admit} took and records nothing, as
   * the gateway's own calls before SERVING say nothing callers should act on.
   */
  void releaseUnrecorded(int endpoint, boolean breakerPermit) {
    balancer.release(endpoint);
    bulkhead.onComplete();
    if (breakerPermit) {
      breaker.releasePermission();
    }
  }

  private void endpointFailed(int endpoint) {
    if (health.outliers.onFailure(endpoint)) {
      // The channel reconnects at once when the ejection ends, not after its own backoff.
      channels[endpoint].resetConnectBackoff();
    }
  }

  /**
   * The balancer's choice, and while an endpoint ramps up ({@link SlowStart}) its share of it: the
   * clock and a random draw are read only then, so the common case costs one volatile read.
   */
  private int pick(long excluded) {
    if (slowStart.rampingMask() == 0) {
      return balancer.pick(excluded);
    }
    return slowStart.pick(
        balancer, excluded, System.nanoTime(), ThreadLocalRandom.current().nextDouble());
  }

  /**
   * Ends finished slow-start ramps and notes what each endpoint looks like now, so that ramps start
   * and end without traffic too. Run by the routes' timer thread with the health checks; does
   * nothing while slow start is off.
   */
  void watchSlowStart(long nowNanos) {
    if (!slowStart.enabled()) {
      return;
    }
    slowStart.expire(nowNanos);
    long ejected = health.outliers.ejectedMask();
    for (int i = 0; i < channels.length; i++) {
      noteForSlowStart(i, channels[i].getState(false), (ejected & (1L << i)) != 0);
    }
  }

  /**
   * Tells slow start what endpoint {@code index} looks like: down while it fails to connect or is
   * ejected; up, which starts its ramp if it was down, once connected and not ejected.
   */
  private void noteForSlowStart(int index, ConnectivityState state, boolean ejected) {
    if (state == ConnectivityState.TRANSIENT_FAILURE || ejected) {
      slowStart.down(index);
    } else if (state == ConnectivityState.READY && slowStart.isDown(index)) {
      slowStart.up(index, System.nanoTime());
    }
  }

  /** Endpoints a call cannot use now: ejected, or whose channel fails to connect. */
  private long unusable() {
    long ejected = health.outliers.ejectedMask();
    long mask = ejected;
    boolean slow = slowStart.enabled();
    for (int i = 0; i < channels.length; i++) {
      ConnectivityState state = channels[i].getState(true);
      if (state == ConnectivityState.TRANSIENT_FAILURE) {
        mask |= 1L << i;
      }
      if (slow) {
        // On the call path, so that a ramp starts with the first call that finds the endpoint
        // back, not at the next health check: one volatile read unless its state changed.
        noteForSlowStart(i, state, (ejected & (1L << i)) != 0);
      }
    }
    return mask;
  }

  /**
   * Whether one of the variant's endpoints is connected now; asks idle channels to connect and
   * failed ones to retry at once, so that asking again soon tells more. Off the call path.
   */
  boolean anyConnected() {
    boolean connected = false;
    for (ManagedChannel channel : channels) {
      ConnectivityState state = channel.getState(true);
      if (state == ConnectivityState.TRANSIENT_FAILURE) {
        channel.resetConnectBackoff();
      }
      connected |= state == ConnectivityState.READY;
    }
    return connected;
  }

  /** Whether the variant's breaker is letting trial calls through. */
  boolean isHalfOpen() {
    return breaker.getState() == CircuitBreaker.State.HALF_OPEN;
  }

  /**
   * Whether the variant could take a call now: one of its endpoints is usable (neither ejected nor
   * failing to connect). For health reports; it takes nothing.
   */
  boolean canServe() {
    // Not the breaker: when every breaker of a route is open the route routes past them (panic).
    return (unusable() & allEndpoints) != allEndpoints;
  }

  /**
   * Asks channels that failed to connect, and whose endpoint is not ejected, to try again now
   * instead of after their growing backoff, so that a restarted model server is back within a
   * health-check interval.
   */
  void reconnectFailed() {
    for (int i = 0; i < channels.length; i++) {
      if (channels[i].getState(false) == ConnectivityState.TRANSIENT_FAILURE
          && !health.outliers.isEjected(i)) {
        channels[i].resetConnectBackoff();
      }
    }
  }

  ManagedChannel channel(int index) {
    return channels[index];
  }

  Endpoint endpoint(int index) {
    return endpoints.get(index);
  }

  /** The body to send: the caller's bytes untouched, unless this variant renames the model. */
  byte[] body(BodyFormat format, byte[] body) throws IOException {
    return rewrite == null ? body : format.rewrite(body, rewrite.model(), rewrite.version());
  }

  /** Picks an endpoint for a shadow copy, which takes no breaker permission or bulkhead slot. */
  int pickForCopy() {
    return pick(unusable());
  }

  /** Gives back an endpoint picked by {@link #pickForCopy}. */
  void releaseCopy(int endpoint) {
    balancer.release(endpoint);
  }

  @Override
  public String toString() {
    return "VariantTarget[" + name + " " + endpoints + "]";
  }

  /** What the breaker is told failed: the attempt's outcome, counted, never thrown. */
  private static final class BackendFailure extends Exception {
    BackendFailure() {
      super("backend failure", null, false, false);
    }
  }
}
