/**
 * The model repository on disk, {@code <root>/<model>/<version>/} with an optional {@code
 * model.yaml} per model, kept in step with the directory while the server runs.
 *
 * <p>Starting points: {@link io.infergate.infer.modelserver.repository.ModelRepository} (loading,
 * watching, swapping), {@link io.infergate.infer.modelserver.repository.ServedVersion} (a loaded
 * version and how it drains) and {@link io.infergate.infer.modelserver.repository.ModelConfig}
 * (version policy and labels).
 */
package io.infergate.infer.modelserver.repository;
