package io.infergate.infer.modelserver.backend;

import java.util.List;
import org.tensorflow.proto.SignatureDef;

/**
 * One model version loaded and ready to run: its {@code serving_default} signature and a run that
 * any number of threads may call at once. {@link TensorFlowModel} is the one implementation; tests
 * of the call path use fakes.
 */
public interface LoadedModel extends AutoCloseable {

  /** Inputs of the signature, ordered by alias. */
  List<TensorSpec> inputs();

  /** Outputs of the signature, ordered by alias. */
  List<TensorSpec> outputs();

  /** The signature as TensorFlow stores it (a wire proto), for TF Serving's GetModelMetadata. */
  SignatureDef signatureDef();

  /**
   * Runs the model once.
   *
   * @param feeds one tensor per input, in the order of {@link #inputs()}, already checked against
   *     it
   * @param fetch indexes into {@link #outputs()} of the outputs to return, in the order wanted
   * @return the fetched outputs, in the order of {@code fetch}
   * @throws InferenceException when the model refuses the inputs or fails
   */
  HostTensor[] run(HostTensor[] feeds, int[] fetch);

  /** Frees the model; no call may be running. */
  @Override
  void close();
}
