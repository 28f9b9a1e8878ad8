package io.infergate.infer.perf.loadtest;

import com.google.protobuf.Descriptors.MethodDescriptor;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Starts the calls of a streaming method ({@link StreamCall}) with each stream's messages, and
 * holds the rules that set streaming apart from the unary hot path: grpc-java only (the {@code h2}
 * fast path writes one request message per call), and the method type on the call's descriptor. A
 * unary method has none ({@link #forMethod} returns null), so its calls pay nothing for this.
 */
final class StreamCalls {
  private final StreamCall.Rules rules;
  private final Requests requests;

  private StreamCalls(StreamCall.Rules rules, Requests requests) {
    this.rules = rules;
    this.requests = requests;
  }

  /**
   * The streams of {@code method}, or null when it is unary (ghz ignores the stream flags then).
   *
   * @throws UsageException for {@code --stream-dynamic-messages} with data that has no template
   *     action (ghz fails every such call with "default message provider cannot be used with static
   *     data")
   */
  static StreamCalls forMethod(MethodDescriptor method, Streaming limits, Requests requests) {
    if (!method.isClientStreaming() && !method.isServerStreaming()) {
      return null;
    }
    if (limits.dynamicMessages() && method.isClientStreaming() && !requests.templated()) {
      throw new UsageException(
          "--stream-dynamic-messages: the data has no template action to render per message");
    }
    return new StreamCalls(
        new StreamCall.Rules(method.isClientStreaming(), method.isServerStreaming(), limits),
        requests);
  }

  /** Whether {@code method} streams in either direction. */
  static boolean streaming(MethodDescriptor method) {
    return method.isClientStreaming() || method.isServerStreaming();
  }

  /** The grpc-java method type of {@code method}. */
  static MethodType type(MethodDescriptor method) {
    if (method.isClientStreaming()) {
      return method.isServerStreaming() ? MethodType.BIDI_STREAMING : MethodType.CLIENT_STREAMING;
    }
    return method.isServerStreaming() ? MethodType.SERVER_STREAMING : MethodType.UNARY;
  }

  /**
   * The connection for {@code method}: as set for a unary one; for a streaming one through
   * grpc-java, which {@code --transport auto} picks then.
   *
   * @param transport {@code --transport} as given (null: auto)
   * @throws UsageException for a streaming method with {@code --transport h2}
   */
  static Settings.Connection connectionFor(
      Settings.Connection connection, MethodDescriptor method, String transport, String call) {
    if (method == null || !streaming(method) || connection.fastPath() == null) {
      return connection;
    }
    if (Flags.find(Settings.Transport.class, transport) == Settings.Transport.H2) {
      throw new UsageException(
          "--transport h2: --call "
              + call
              + " is a streaming method and h2 calls unary methods only (use auto or grpc-java)");
    }
    return connection.withoutFastPath();
  }

  /** Starts stream {@code n}; {@code outcome} gets its headers and status. */
  void start(
      ClientCall<byte[], byte[]> call,
      ClientCall.Listener<byte[]> outcome,
      Metadata headers,
      long n,
      String workerId,
      ScheduledExecutorService timer) {
    new StreamCall(call, outcome, rules, messages(n, workerId), timer).start(headers);
  }

  private StreamCall.Messages messages(long n, String workerId) {
    if (!rules.clientSends()) {
      byte[] one = requests.message(n, workerId); // round-robin over an array, as for unary
      return new Fixed(new byte[][] {one});
    }
    byte[][] all = requests.streamMessages(n, workerId);
    return rules.limits().dynamicMessages()
        ? new Fresh(requests, n, workerId, all)
        : new Fixed(all);
  }

  /** The data's messages, cycled. */
  private record Fixed(byte[][] all) implements StreamCall.Messages {
    @Override
    public byte[] get(long i) {
      return all[(int) (i % all.length)];
    }

    @Override
    public long inData() {
      return all.length;
    }
  }

  /** Each message rendered afresh, but the first (rendered with the stream). */
  private record Fresh(Requests requests, long n, String workerId, byte[][] first)
      implements StreamCall.Messages {
    @Override
    public byte[] get(long i) {
      return i == 0 ? first[0] : requests.freshStreamMessage(n, workerId, i);
    }

    @Override
    public long inData() {
      return first.length;
    }
  }
}
