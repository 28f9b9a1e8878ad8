/**
 * Drift arithmetic shared by the model server (each version against its training baseline) and the
 * gateway (each canary variant against its route's reference variant): a lock-free ring of time
 * buckets counting histogram bins and classes ({@link
 * io.infergate.infer.observability.drift.DriftWindow}), and the divergences of two distributions
 * over the same bins ({@link io.infergate.infer.observability.drift.Divergences}). Pure JDK code,
 * so that neither server depends on the other.
 *
 * <p>Starting points: {@link io.infergate.infer.observability.drift.DriftWindow} and {@link
 * io.infergate.infer.observability.drift.Divergences}.
 */
package io.infergate.infer.observability.drift;
