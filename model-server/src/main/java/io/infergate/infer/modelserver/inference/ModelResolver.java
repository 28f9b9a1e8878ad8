package io.infergate.infer.modelserver.inference;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.repository.ServedModel;
import io.infergate.infer.modelserver.repository.ServedVersion;
import java.util.function.Function;

/**
 * Finds the model version a call names (the newest, a number or a label), or fails {@link
 * InferenceException.Kind#NOT_FOUND} naming what was missing. Calls that run the model {@link
 * #acquire} it, so that a version swapped out meanwhile is closed only after they are answered.
 */
public final class ModelResolver {
  private final Function<String, ServedModel> models;

  /**
   * @param models the model of a name as served now, or null ({@code ModelRepository::model})
   */
  public ModelResolver(Function<String, ServedModel> models) {
    this.models = requireNonNull(models, "models");
  }

  /**
   * The model called {@code name}; a blank name is the caller's error ({@code field} is required),
   * not a missing model.
   */
  public ServedModel model(String name, String field) {
    if (name.isEmpty()) {
      throw InferenceException.badInput(field + " is required");
    }
    ServedModel model = models.apply(name);
    if (model == null) {
      throw InferenceException.notFound("model '" + name + "' not found");
    }
    return model;
  }

  /**
   * The version a call runs on, with a reference the caller must {@link ServedVersion#release}
   * exactly once when the call is answered.
   *
   * @param number 0 for the newest, or when {@code label} is given
   * @param label a version label, or null
   */
  public ServedVersion acquire(String name, String field, long number, String label) {
    while (true) {
      ServedVersion version = version(model(name, field), number, label);
      if (version.tryAcquire()) {
        return version;
      }
      // Retired between the lookup and now; the repository has already published its successor.
    }
  }

  /** OIP's spelling: {@code model_version} empty (the newest), a number, or a label. */
  public ServedVersion acquire(String name, String field, String version) {
    while (true) {
      ServedVersion found = version(model(name, field), version);
      if (found.tryAcquire()) {
        return found;
      }
    }
  }

  /** The version without a reference, for metadata and readiness that never run the model. */
  public static ServedVersion version(ServedModel model, String version) {
    if (version.isEmpty()) {
      return version(model, 0, null);
    }
    long number = parseVersion(version);
    if (number == 0) {
      throw InferenceException.notFound("model '" + model.name() + "' version '0' not found");
    }
    return number > 0 ? version(model, number, null) : version(model, 0, version);
  }

  /** A version of {@code model}: a label, else {@code number}, where 0 means the newest. */
  public static ServedVersion version(ServedModel model, long number, String label) {
    long wanted = versionNumber(model, number, label);
    ServedVersion version = wanted == 0 ? model.latest() : model.version(wanted);
    if (version == null) {
      throw InferenceException.notFound(
          "model '"
              + model.name()
              + "' version "
              + (label == null ? number : wanted + " (labelled '" + label + "')")
              + " not found (loaded: "
              + model.versions().keySet()
              + ")");
    }
    return version;
  }

  /**
   * The version number a call names: the one {@code label} stands for, else {@code number} (0 for
   * the newest), whether or not that version is loaded.
   */
  public static long versionNumber(ServedModel model, long number, String label) {
    if (label == null) {
      return number;
    }
    Long labelled = model.labelled(label);
    if (labelled == null) {
      throw InferenceException.notFound(
          "model '" + model.name() + "' has no version labelled '" + label + "'");
    }
    return labelled;
  }

  /** A decimal version, or -1 for anything else (a label). */
  private static long parseVersion(String version) {
    if (version.length() > 18) {
      return -1;
    }
    for (int i = 0; i < version.length(); i++) {
      if (!Character.isDigit(version.charAt(i))) {
        return -1;
      }
    }
    return Long.parseLong(version);
  }
}
