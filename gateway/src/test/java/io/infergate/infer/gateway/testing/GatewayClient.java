package io.infergate.infer.gateway.testing;

import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Raw-bytes calls to a gateway that report how they ended instead of throwing: status, headers,
 * messages and trailers, so a test can check each of them.
 */
public final class GatewayClient {
  public static final Metadata.Key<String> X_VARIANT = header("x-variant");

  private final ManagedChannel channel;

  public GatewayClient(ManagedChannel channel) {
    this.channel = channel;
  }

  public ManagedChannel channel() {
    return channel;
  }

  /** An OIP ModelInfer for {@code model}, any version, with {@code headers}. */
  public Reply infer(String model, Map<String, String> headers) {
    return infer(model, "", headers);
  }

  /**
   * Calls {@code model} with {@code headers} until a call is answered with {@code x-fallback:
   * fallback} (such as {@code circuit_open;from=canary}, once that breaker has opened), for at most
   * {@code patience}.
   */
  public void inferUntilFallback(
      String model, Map<String, String> headers, String fallback, Duration patience) {
    await()
        .atMost(patience)
        .until(() -> fallback.equals(infer(model, headers).header("x-fallback")));
  }

  /** {@code times} calls of {@link #infer(String, Map)}, one after another: their replies. */
  public List<Reply> infer(int times, String model, Map<String, String> headers) {
    List<Reply> replies = new ArrayList<>(times);
    for (int i = 0; i < times; i++) {
      replies.add(infer(model, headers));
    }
    return replies;
  }

  /** An OIP ModelInfer for {@code model} at {@code version}, with {@code headers}. */
  public Reply infer(String model, String version, Map<String, String> headers) {
    return unary(Requests.MODEL_INFER, Requests.oip(model, version), headers);
  }

  /** A unary call with a 20 s deadline. */
  public Reply unary(
      MethodDescriptor<byte[], byte[]> method, byte[] body, Map<String, String> headers) {
    return unary(
        method, body, headers, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS));
  }

  /** A unary call with the given options; waits up to 30 s for its end. */
  public Reply unary(
      MethodDescriptor<byte[], byte[]> method,
      byte[] body,
      Map<String, String> headers,
      CallOptions options) {
    Recorder recorder = new Recorder();
    ClientCall<byte[], byte[]> call = channel.newCall(method, options);
    call.start(recorder, metadata(headers));
    call.sendMessage(body);
    call.halfClose();
    call.request(2);
    return recorder.await();
  }

  /**
   * Starts an OIP ModelInfer for {@code model} and sends its request, half-closed or not, and
   * leaves it running.
   */
  public Pending open(
      String model, Map<String, String> headers, CallOptions options, boolean halfClose) {
    ClientCall<byte[], byte[]> call = channel.newCall(Requests.MODEL_INFER, options);
    Recorder recorder = new Recorder();
    call.start(recorder, metadata(headers));
    call.sendMessage(Requests.oip(model, ""));
    if (halfClose) {
      call.halfClose();
    }
    call.request(2);
    return new Pending(call, recorder, System.nanoTime());
  }

  /** {@code headers} and {@code name: value}. */
  public static Map<String, String> withHeader(
      Map<String, String> headers, String name, String value) {
    Map<String, String> more = new HashMap<>(headers);
    more.put(name, value);
    return more;
  }

  /** {@code headers} as request metadata. */
  public static Metadata metadata(Map<String, String> headers) {
    Metadata metadata = new Metadata();
    headers.forEach((name, value) -> metadata.put(header(name), value));
    return metadata;
  }

  public static Metadata.Key<String> header(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  /**
   * How one call ended.
   *
   * @param headers response headers, or null if none came
   */
  public record Reply(Status status, Metadata headers, List<byte[]> messages, Metadata trailers) {
    public boolean isOk() {
      return status.isOk();
    }

    public Status.Code code() {
      return status.getCode();
    }

    /** The only message. */
    public byte[] body() {
      if (messages.size() != 1) {
        throw new AssertionError("expected one message, got " + messages.size() + "; " + status);
      }
      return messages.get(0);
    }

    /** {@code x-variant} from the headers, or from the trailers of a call without headers. */
    public String variant() {
      String fromHeaders = headers == null ? null : headers.get(X_VARIANT);
      return fromHeaders != null ? fromHeaders : trailers.get(X_VARIANT);
    }

    /** The value of {@code name} in the headers, or null. */
    public String header(String name) {
      return headers == null ? null : headers.get(GatewayClient.header(name));
    }
  }

  /** A call under way, started at {@code startNanos} ({@link System#nanoTime()}). */
  public record Pending(ClientCall<byte[], byte[]> call, Recorder recorder, long startNanos) {
    public void cancel() {
      call.cancel("the test is done with it", null);
    }

    /** Waits for the call's end. */
    public Timed timed() {
      Reply reply = recorder.await();
      return new Timed(reply, Duration.ofNanos(System.nanoTime() - startNanos));
    }
  }

  /** How a call ended, and how long after it started. */
  public record Timed(Reply reply, Duration took) {}

  /** Collects a call's outcome; usable for streaming calls too. */
  public static final class Recorder extends ClientCall.Listener<byte[]> {
    private final CompletableFuture<Reply> done = new CompletableFuture<>();
    private final List<byte[]> messages = new CopyOnWriteArrayList<>();
    private volatile Metadata headers;

    @Override
    public void onHeaders(Metadata received) {
      headers = received;
    }

    @Override
    public void onMessage(byte[] message) {
      messages.add(message);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      done.complete(new Reply(status, headers, List.copyOf(messages), trailers));
    }

    /** The messages received so far. */
    public List<byte[]> messages() {
      return messages;
    }

    public CompletableFuture<Reply> done() {
      return done;
    }

    /** Waits up to 30 s for the call to end. */
    public Reply await() {
      try {
        return done.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("the call did not end", e);
      }
    }
  }
}
