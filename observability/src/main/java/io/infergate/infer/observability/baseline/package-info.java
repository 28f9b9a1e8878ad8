/**
 * The training baseline file ({@code <version>/assets.extra/baseline.json}), defined once for the
 * trainers that write it and the model server that reads it, so that neither depends on the other.
 *
 * <p>Starting point: {@link io.infergate.infer.observability.baseline.Baseline}.
 */
package io.infergate.infer.observability.baseline;
