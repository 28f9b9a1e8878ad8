package io.infergate.infer.modelserver.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.proto.oip.v2.InferTensorContents;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferRequest.InferInputTensor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The decoding bounds the fuzz tests hold, shown on purpose: a shape that claims a billion elements
 * with four values is refused before anything of its claimed size is allocated, and the seed
 * corpus's real requests (named {@code sig*}) decode, so the fuzzers start from the paths that
 * succeed.
 */
class RequestDecodingBoundsTest {
  private static final List<TensorSpec> PIXELS = DecodedRequests.SIGNATURES.get(0);

  private static final long ONE_MIB = 1 << 20;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void anOipShapeClaimingAGibibyteWithFourValuesIsRefusedWithoutAllocatingIt() {
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .addInputs(
                InferInputTensor.newBuilder()
                    .setName("pixels")
                    .setDatatype("FP32")
                    .addShape(1 << 26)
                    .addShape(4)
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addAllFp32Contents(List.of(0f, 1f, 2f, 3f))))
            .build();
    OipTensors.decodeInputs(oneOf(request), "m", PIXELS); // warm: classes load once

    long before = THREADS.getCurrentThreadAllocatedBytes();
    InferenceException refused = refusal(() -> OipTensors.decodeInputs(request, "m", PIXELS));
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

    assertThat(allocated).isLessThan(ONE_MIB);
    assertThat(refused)
        .hasMessage(
            "input 'pixels': shape [67108864,4] needs 268435456 FP32 elements in"
                + " contents.fp32_contents, got 4");
  }

  @Test
  void aTfShapeClaimingAGibibyteWithFourValuesIsRefusedWithoutAllocatingIt() {
    TensorProto claimed =
        TensorProto.newBuilder()
            .setDtype(DataType.DT_FLOAT)
            .setTensorShape(
                TensorShapeProto.newBuilder()
                    .addDim(TensorShapeProto.Dim.newBuilder().setSize(1 << 26))
                    .addDim(TensorShapeProto.Dim.newBuilder().setSize(4)))
            .addAllFloatVal(List.of(0f, 1f, 2f, 3f))
            .build();
    TfTensors.decodeInputs(
        Map.of("pixels", claimed.toBuilder().setTensorShape(shapeOf(1, 4)).build()), PIXELS);

    Map<String, TensorProto> inputs = Map.of("pixels", claimed);
    long before = THREADS.getCurrentThreadAllocatedBytes();
    InferenceException refused = refusal(() -> TfTensors.decodeInputs(inputs, PIXELS));
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

    assertThat(allocated).isLessThan(ONE_MIB);
    assertThat(refused)
        .hasMessage(
            "input 'pixels': float_val has 4 values, but shape [67108864,4] needs 268435456");
  }

  @Test
  void theSeedCorpusRealRequestsDecode() throws IOException, URISyntaxException {
    for (DecodedRequests.Protocol<?> protocol :
        List.of(DecodedRequests.OIP, DecodedRequests.TF_SERVING)) {
      for (Path seed : seeds(protocol.corpus())) {
        byte[] input = Files.readAllBytes(seed);
        assertThat(protocol.decodeSeed(input))
            .as("%s", seed)
            .hasSize(DecodedRequests.signature(input[0]).size());
      }
    }
  }

  /** What {@code decode} was refused with; plain Java, so nothing else allocates meanwhile. */
  private static InferenceException refusal(Runnable decode) {
    try {
      decode.run();
    } catch (InferenceException e) {
      return e;
    }
    throw new AssertionError("decoded, expected a refusal");
  }

  private static ModelInferRequest oneOf(ModelInferRequest request) {
    InferInputTensor input = request.getInputs(0).toBuilder().setShape(0, 1).build();
    return request.toBuilder().setInputs(0, input).build();
  }

  private static TensorShapeProto shapeOf(long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long dim : dims) {
      shape.addDimBuilder().setSize(dim);
    }
    return shape.build();
  }

  /** The corpus's real requests: the files named {@code sig*} of a fuzz test's inputs. */
  private static List<Path> seeds(String inputs) throws IOException, URISyntaxException {
    Path dir =
        Path.of(
            RequestDecodingBoundsTest.class
                .getResource(inputs + "/decodesOrRefusesEveryParsedRequest")
                .toURI());
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> seeds =
          files.filter(f -> f.getFileName().toString().startsWith("sig")).sorted().toList();
      assertThat(seeds).isNotEmpty();
      return seeds;
    }
  }
}
