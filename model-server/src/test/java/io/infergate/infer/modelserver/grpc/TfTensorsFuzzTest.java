package io.infergate.infer.modelserver.grpc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.proto.tfserving.PredictRequest;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the TF Serving request decoding (PredictRequest's TensorProtos to tensors): the first byte
 * picks a signature from {@link DecodedRequests#SIGNATURES}, the rest is the request. A request
 * that parses either decodes into tensors that fit, or is refused as BAD_INPUT (INVALID_ARGUMENT),
 * allocating in proportion to its size however large its shapes claim to be.
 *
 * <p>Regression mode (every build) runs the committed inputs in {@code
 * TfTensorsFuzzTestInputs/decodesOrRefusesEveryParsedRequest}; {@code JAZZER_FUZZ=1} fuzzes (see
 * docs/security.md).
 */
class TfTensorsFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void decodesOrRefusesEveryParsedRequest(byte[] input) {
    if (input.length == 0) {
      return;
    }
    List<TensorSpec> specs = DecodedRequests.signature(input[0]);
    byte[] message = Arrays.copyOfRange(input, 1, input.length);
    PredictRequest request;
    try {
      request = PredictRequest.parseFrom(message);
    } catch (InvalidProtocolBufferException e) {
      return; // grpc-java refuses it before the service sees it.
    }
    DecodedRequests.check(
        specs, message.length, () -> TfTensors.decodeInputs(request.getInputsMap(), specs));
    DecodedRequests.checkOutputs(() -> TfTensors.outputFilter(request, DecodedRequests.OUTPUTS));
  }
}
