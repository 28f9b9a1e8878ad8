package io.infergate.infer.modelserver.grpc;

import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.proto.tfserving.ModelSpec;

/**
 * Which version a TF Serving {@code ModelSpec} names, read alike by Predict, GetModelMetadata and
 * GetModelStatus: a number, a label, or neither (the newest), with TF Serving's wording for a
 * number that cannot be a version.
 */
final class ModelSpecs {
  private ModelSpecs() {}

  /** The spec's version number; 0 (the newest) when it names none or a label. */
  static long version(ModelSpec spec, String model) {
    if (!spec.hasVersion()) {
      return 0;
    }
    long version = spec.getVersion().getValue();
    if (version <= 0) {
      throw InferenceException.notFound("model '" + model + "' version " + version + " not found");
    }
    return version;
  }

  /** The spec's version label, or null when it names none. */
  static String label(ModelSpec spec) {
    return spec.getVersionChoiceCase() == ModelSpec.VersionChoiceCase.VERSION_LABEL
        ? spec.getVersionLabel()
        : null;
  }
}
