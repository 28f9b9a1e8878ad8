package io.infergate.infer.modelserver.grpc;

import com.code_intelligence.jazzer.junit.FuzzTest;

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
    DecodedRequests.OIP.check(input);
  }
}
