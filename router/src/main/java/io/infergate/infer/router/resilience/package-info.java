/**
 * What keeps a route's callers served when its backends fail: the one status taxonomy ({@link
 * io.infergate.infer.router.resilience.CallOutcome}), the per-route settings ({@link
 * io.infergate.infer.router.resilience.Resilience}) and the pure, lock-free mechanisms the gateway
 * runs on its hot path: outlier ejection per endpoint, a retry budget per route, a running median
 * of latency per variant and an in-flight limit. Clocks are passed in, so that every decision is
 * tested on simulated time. Circuit breakers and bulkheads are Resilience4j's, in the gateway,
 * configured from {@link io.infergate.infer.router.resilience.BreakerPolicy} and {@link
 * io.infergate.infer.router.resilience.Limits}.
 */
package io.infergate.infer.router.resilience;
