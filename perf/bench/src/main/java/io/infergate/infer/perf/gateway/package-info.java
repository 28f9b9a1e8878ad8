/**
 * The gateway benchmark: the gateway against nginx {@code grpc_pass} and against calling the
 * backend directly, closed loop with h2load, then end to end to the real {@code digits} model with
 * an open-loop generator and a search for the highest rate under a p99 objective.
 *
 * <p>Starting points: {@link io.infergate.infer.perf.gateway.GatewayBenchmark} (the orchestrator,
 * run by {@code perf/bin/gateway-bench}) and {@link
 * io.infergate.infer.perf.gateway.FixedResponseBackend} (the backend of the proxy-cost part).
 */
package io.infergate.infer.perf.gateway;
