package io.infergate.infer.modelserver.grpc;

import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.backend.TensorSpec;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/** The outputs a call asks for by name, checked once for both protocols (in their own words). */
final class Outputs {
  private Outputs() {}

  /**
   * Indexes into {@code outputs} of {@code count} names, in the order asked.
   *
   * @param name the {@code i}th name asked for
   * @param unknown the message for a name the signature lacks
   * @param repeated the message for a name asked for twice
   * @throws InferenceException BAD_INPUT with one of those messages
   */
  static int[] select(
      List<TensorSpec> outputs,
      int count,
      IntFunction<String> name,
      UnaryOperator<String> unknown,
      UnaryOperator<String> repeated) {
    int[] fetch = new int[count];
    for (int i = 0; i < count; i++) {
      String wanted = name.apply(i);
      int index = TensorSpec.indexOf(outputs, wanted);
      if (index < 0) {
        throw InferenceException.badInput(unknown.apply(wanted));
      }
      for (int j = 0; j < i; j++) {
        if (fetch[j] == index) {
          throw InferenceException.badInput(repeated.apply(wanted));
        }
      }
      fetch[i] = index;
    }
    return fetch;
  }
}
