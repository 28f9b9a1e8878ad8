/**
 * Dynamic batching: concurrent calls to one model version are queued, concatenated along the first
 * dimension, run once and split back to their callers. Nothing here knows gRPC; the protocol layer
 * subclasses {@link io.infergate.infer.modelserver.batching.BatchedCall} to answer its callers.
 *
 * <p>Starting point: {@link io.infergate.infer.modelserver.batching.Batcher}, one queue and
 * scheduler thread per batchable model version (the repository starts and closes them with the
 * version).
 */
package io.infergate.infer.modelserver.batching;
