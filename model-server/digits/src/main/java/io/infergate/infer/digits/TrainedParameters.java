package io.infergate.infer.digits;

import java.time.Duration;
import java.util.List;

/**
 * What a training run produced: the parameter values, in {@link
 * DigitsArchitecture#parameterShapes()} order and row-major, plus how the run went.
 *
 * <p>The values are plain arrays rather than a live session so that training and export each own
 * (and close) their own graph, and the exported graph holds nothing but the serving path.
 */
record TrainedParameters(
    List<float[]> values, int epochs, int steps, Duration trainingTime, float finalTrainingLoss) {

  TrainedParameters {
    values = List.copyOf(values);
  }
}
