package io.infergate.infer.modelserver.grpc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the OIP request decoding (ModelInferRequest to tensors): the first byte picks a signature
 * from {@link DecodedRequests#SIGNATURES}, the rest is the request. A request that parses either
 * decodes into tensors that fit, or is refused as BAD_INPUT (INVALID_ARGUMENT), allocating in
 * proportion to its size however large its shapes claim to be.
 *
 * <p>Regression mode (every build) runs the committed inputs in {@code
 * OipTensorsFuzzTestInputs/decodesOrRefusesEveryParsedRequest}; {@code JAZZER_FUZZ=1} fuzzes (see
 * docs/security.md).
 */
class OipTensorsFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void decodesOrRefusesEveryParsedRequest(byte[] input) {
    if (input.length == 0) {
      return;
    }
    List<TensorSpec> specs = DecodedRequests.signature(input[0]);
    byte[] message = Arrays.copyOfRange(input, 1, input.length);
    ModelInferRequest request;
    try {
      request = ModelInferRequest.parseFrom(message);
    } catch (InvalidProtocolBufferException e) {
      return; // grpc-java refuses it before the service sees it.
    }
    DecodedRequests.check(
        specs, message.length, () -> OipTensors.decodeInputs(request, "m", specs));
    DecodedRequests.checkOutputs(
        () -> OipTensors.requestedOutputs(request, "m", DecodedRequests.OUTPUTS));
  }
}
