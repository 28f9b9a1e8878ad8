package io.infergate.infer.modelserver.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.grpc.Status;
import io.infergate.infer.modelserver.backend.ElementType;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.tfserving.PredictRequest;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the request-decoding fuzz tests hold of every request that parses: it decodes into tensors
 * that fit the signature and hold exactly their bytes, or it is refused as BAD_INPUT, which callers
 * see as INVALID_ARGUMENT; and decoding allocates in proportion to the message, never to what its
 * shapes claim.
 */
final class DecodedRequests {
  /**
   * Signatures the fuzzers decode against; an input's first byte picks one. Between them: every
   * element type, fixed and free dimensions, a scalar and several inputs.
   */
  static final List<List<TensorSpec>> SIGNATURES =
      List.of(
          List.of(new TensorSpec("pixels", ElementType.FP32, new long[] {-1, 4})),
          List.of(
              new TensorSpec("ids", ElementType.INT64, new long[] {-1}),
              new TensorSpec("mask", ElementType.BOOL, new long[] {-1, -1})),
          List.of(new TensorSpec("image", ElementType.UINT8, new long[] {-1, 2, 3})),
          List.of(
              new TensorSpec("x", ElementType.FP64, new long[] {-1}),
              new TensorSpec("n", ElementType.INT32, new long[] {})));

  /** Outputs named like the inputs, so requested outputs can match or not. */
  static final List<TensorSpec> OUTPUTS =
      List.of(
          new TensorSpec("probs", ElementType.FP32, new long[] {-1, 10}),
          new TensorSpec("label", ElementType.INT64, new long[] {-1}));

  /** ModelInfer's decoding, fuzzed by {@link OipTensorsFuzzTest}. */
  static final Protocol<ModelInferRequest> OIP =
      new Protocol<>(
          "OipTensorsFuzzTestInputs",
          ModelInferRequest.parser(),
          (request, specs) -> OipTensors.decodeInputs(request, "m", specs),
          request -> OipTensors.requestedOutputs(request, "m", OUTPUTS));

  /** Predict's decoding, fuzzed by {@link TfTensorsFuzzTest}. */
  static final Protocol<PredictRequest> TF_SERVING =
      new Protocol<>(
          "TfTensorsFuzzTestInputs",
          PredictRequest.parser(),
          (request, specs) -> TfTensors.decodeInputs(request.getInputsMap(), specs),
          request -> TfTensors.outputFilter(request, OUTPUTS));

  /**
   * Bytes decoding may allocate per byte of message, plus a constant: a packed INT64 value of one
   * byte becomes eight in the tensor.
   */
  private static final long ALLOCATED_PER_MESSAGE_BYTE = 16;

  private static final long ALLOCATED_CONSTANT = 1 << 20;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private DecodedRequests() {}

  static List<TensorSpec> signature(byte selector) {
    return SIGNATURES.get((selector & 0xff) % SIGNATURES.size());
  }

  /**
   * Runs {@code decode}: its tensors must fit {@code specs}, or it must be refused as BAD_INPUT;
   * either way within the allocation bound for a message of {@code messageBytes}.
   */
  static void check(List<TensorSpec> specs, int messageBytes, Supplier<HostTensor[]> decode) {
    // The first decoding of a kind loads (and, fuzzing, instruments) classes and links string
    // concatenations, megabytes that say nothing of the decoder; the second allocates only what
    // decoding does. A decoder that allocated what a shape claims would run out of memory on the
    // first (also a finding) or exceed the bound on the second.
    try {
      decode.get();
    } catch (InferenceException e) {
      // The same refusal is checked below.
    }
    long before = THREADS.getCurrentThreadAllocatedBytes();
    HostTensor[] tensors = null;
    InferenceException refused = null;
    try {
      tensors = decode.get();
    } catch (InferenceException e) {
      refused = e;
    }
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated)
        .as("bytes allocated decoding a message of %d bytes", messageBytes)
        .isLessThanOrEqualTo(ALLOCATED_CONSTANT + ALLOCATED_PER_MESSAGE_BYTE * messageBytes);
    if (refused != null) {
      assertThat(refused.kind()).isEqualTo(InferenceException.Kind.BAD_INPUT);
      assertThat(Statuses.toStatus(refused, null).getCode())
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
      return;
    }
    assertThat(tensors).hasSameSizeAs(specs);
    for (int i = 0; i < tensors.length; i++) {
      HostTensor tensor = tensors[i];
      TensorSpec spec = specs.get(i);
      assertThat(tensor.type()).isEqualTo(spec.type());
      assertThat(spec.accepts(tensor.shape())).as("shape fits %s", spec).isTrue();
      assertThat((long) tensor.data().remaining())
          .isEqualTo(tensor.elementCount() * tensor.type().byteSize());
    }
  }

  /** Output selection: indexes into {@link #OUTPUTS}, or BAD_INPUT. */
  static void checkOutputs(Supplier<int[]> select) {
    try {
      for (int index : select.get()) {
        assertThat(index).isBetween(0, OUTPUTS.size() - 1);
      }
    } catch (InferenceException e) {
      assertThat(e.kind()).isEqualTo(InferenceException.Kind.BAD_INPUT);
    }
  }

  /**
   * One protocol's request decoding, as its fuzz test and the seed corpus test drive it.
   *
   * @param corpus the fuzz test's inputs directory (a test resource), whose first byte of each
   *     input picks a signature and the rest is the request
   * @param parser how a request parses
   * @param decodeInputs decodes a request's inputs against a signature
   * @param selectOutputs selects a request's outputs from {@link #OUTPUTS}
   * @param <R> the request message
   */
  record Protocol<R>(
      String corpus,
      Parser<R> parser,
      BiFunction<R, List<TensorSpec>, HostTensor[]> decodeInputs,
      Function<R, int[]> selectOutputs) {

    /**
     * One fuzz input. One that {@link #parser} refuses is done with (grpc-java refuses it before
     * the service sees it); one that parses must decode as {@link DecodedRequests#check} holds and
     * select its outputs as {@link DecodedRequests#checkOutputs} holds.
     */
    void check(byte[] input) {
      if (input.length == 0) {
        return;
      }
      List<TensorSpec> specs = signature(input[0]);
      byte[] message = Arrays.copyOfRange(input, 1, input.length);
      R request;
      try {
        request = parser.parseFrom(message);
      } catch (InvalidProtocolBufferException e) {
        return;
      }
      DecodedRequests.check(specs, message.length, () -> decodeInputs.apply(request, specs));
      checkOutputs(() -> selectOutputs.apply(request));
    }

    /** The inputs of an input of {@link #corpus} that must parse, decoded. */
    HostTensor[] decodeSeed(byte[] input) throws InvalidProtocolBufferException {
      return decodeInputs.apply(parser.parseFrom(input, 1, input.length - 1), signature(input[0]));
    }
  }
}
