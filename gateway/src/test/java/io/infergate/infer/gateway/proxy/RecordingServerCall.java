package io.infergate.infer.gateway.proxy;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The caller's side of a forwarded call, recording what the gateway answers it. */
final class RecordingServerCall extends ServerCall<byte[], byte[]> {
  private final MethodDescriptor<byte[], byte[]> method;
  private final AtomicInteger closes = new AtomicInteger();
  private final CompletableFuture<Status> closed = new CompletableFuture<>();
  final List<byte[]> messages = new CopyOnWriteArrayList<>();
  volatile Metadata headers;
  volatile Metadata trailers;

  RecordingServerCall(MethodDescriptor<byte[], byte[]> method) {
    this.method = method;
  }

  /** The status the call was closed with, waiting up to 10 s. */
  Status status() {
    try {
      return closed.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the call was not closed", e);
    }
  }

  int closes() {
    return closes.get();
  }

  @Override
  public void request(int numMessages) {}

  @Override
  public void sendHeaders(Metadata headers) {
    this.headers = headers;
  }

  @Override
  public void sendMessage(byte[] message) {
    messages.add(message);
  }

  @Override
  public void close(Status status, Metadata trailers) {
    closes.incrementAndGet();
    this.trailers = trailers;
    closed.complete(status);
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public Attributes getAttributes() {
    return Attributes.EMPTY;
  }

  @Override
  public MethodDescriptor<byte[], byte[]> getMethodDescriptor() {
    return method;
  }
}
