/**
 * The reliability suite: the gateway's resilience scenarios run with real processes and real faults
 * (a model server killed with SIGKILL and restarted, dead ports, a backend that never answers, a
 * flood of invalid requests, overload, config reloads under load), each judged by what the callers
 * saw: status codes per second, the variant that answered ({@code x-variant}), fallbacks ({@code
 * x-fallback}), pushback trailers, latency.
 *
 * <p>Starting points: {@link io.infergate.infer.perf.reliability.ReliabilityBench} (the command,
 * run by {@code perf/bin/reliability-bench}) and {@link
 * io.infergate.infer.perf.reliability.StalledBackend} (the stuck canary).
 */
package io.infergate.infer.perf.reliability;
