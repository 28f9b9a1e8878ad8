package io.infergate.infer.perf.reliability;

import com.google.protobuf.ByteString;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.perf.DigitsCalls;
import io.infergate.infer.proto.oip.v2.InferParameter;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;

/**
 * The ModelInfer bodies the scenarios send to {@code digits}. None names a version, so each model
 * server answers with the one version it serves and {@code x-variant} says which server that was.
 */
final class DigitsRequests {
  private DigitsRequests() {}

  /** One held-out digit, raw FP32 [1,64]: what the model answers OK. */
  static ModelInferRequest valid() {
    return DigitsCalls.oneRow(DigitsDataset.load().split().validation().pixels(0), "");
  }

  /**
   * Valid protobuf that the model must refuse: shape [1,3] (3 raw FP32 values) where it expects
   * [-1,64]. The model server answers INVALID_ARGUMENT {@code unexpected shape for input
   * 'pixels'...}: the caller's fault, which should never count against a backend's health.
   */
  static ModelInferRequest wrongShape() {
    ModelInferRequest valid = valid();
    return valid.toBuilder()
        .setInputs(0, valid.getInputs(0).toBuilder().clearShape().addShape(1).addShape(3))
        .setRawInputContents(0, ByteString.copyFrom(new byte[3 * Float.BYTES]))
        .build();
  }

  /**
   * {@link #valid()} grown to about {@code bytes} by a string request parameter: the model server
   * reads no request parameter, so the body is large on the wire and through the gateway and the
   * answer is still OK. (ModelInfer is unary, so a large body is the way to keep a call in flight
   * longer.)
   */
  static ModelInferRequest padded(int bytes) {
    return valid().toBuilder()
        .putParameters(
            "padding", InferParameter.newBuilder().setStringParam("x".repeat(bytes)).build())
        .build();
  }
}
