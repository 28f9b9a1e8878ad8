/**
 * Benchmarks of the inference stack, run as separate processes so each can be pinned to its own
 * core. Nothing depends on this package.
 *
 * <p>Starting points: {@link io.infergate.infer.perf.ModelServerBenchmark} (model server ModelInfer
 * against an in-process {@code Session.run} loop on the same model, same run) and {@link
 * io.infergate.infer.perf.SessionRunLoop} (the in-process reference on its own).
 */
package io.infergate.infer.perf;
