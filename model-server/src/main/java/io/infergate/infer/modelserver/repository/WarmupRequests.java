package io.infergate.infer.modelserver.repository;

import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.LoadedModel;
import java.nio.file.Path;
import java.util.List;

/**
 * Recorded requests to replay on a newly loaded version before it is served, read from its
 * directory (TF Serving's {@code assets.extra/tf_serving_warmup_requests}). The protocol layer
 * implements it, since the records are protocol messages.
 */
@FunctionalInterface
public interface WarmupRequests {

  /** None: versions are warmed up with zero-filled inputs only. */
  WarmupRequests NONE = (dir, model) -> List.of();

  /**
   * The recorded requests of the version in {@code versionDir}, each as the feeds of {@code
   * model}'s inputs in signature order; empty when it has none.
   *
   * @throws io.infergate.infer.modelserver.backend.ModelLoadException if the file exists but a
   *     record cannot be read or does not fit the signature
   */
  List<HostTensor[]> read(Path versionDir, LoadedModel model);
}
