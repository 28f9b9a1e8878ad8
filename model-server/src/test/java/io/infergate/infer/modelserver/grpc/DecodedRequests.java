package io.infergate.infer.modelserver.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.grpc.Status;
import io.infergate.infer.modelserver.backend.ElementType;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.backend.TensorSpec;
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
   * One fuzz input of a request kind: its first byte picks a signature, the rest is the request.
   * One that {@code parser} refuses is done with (grpc-java refuses it before the service sees it);
   * one that parses must {@code decode} as {@link #check} holds and select its {@code outputs} as
   * {@link #checkOutputs} holds.
   */
  static <R> void checkParsed(
      byte[] input,
      Parser<R> parser,
      BiFunction<R, List<TensorSpec>, HostTensor[]> decode,
      Function<R, int[]> outputs) {
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
    check(specs, message.length, () -> decode.apply(request, specs));
    checkOutputs(() -> outputs.apply(request));
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
}
