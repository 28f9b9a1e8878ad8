/**
 * Batched against unbatched model server throughput, side by side in one run: two model server
 * processes on one pinned core, a closed-loop gRPC load from another.
 *
 * <p>Starting point: {@link io.infergate.infer.perf.batching.BatchingBench} ({@code
 * perf/bin/batching-bench}).
 */
package io.infergate.infer.perf.batching;
