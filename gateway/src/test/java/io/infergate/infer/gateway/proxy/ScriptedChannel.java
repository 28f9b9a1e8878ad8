package io.infergate.infer.gateway.proxy;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A channel to a real (in-process) backend that can be told to fail where the gateway cannot expect
 * it: in {@code newCall}, in {@code sendMessage}, or by running a step (such as a reload) the
 * moment the gateway asks whether it is shut down.
 */
final class ScriptedChannel extends ManagedChannel {
  private final ManagedChannel delegate;
  private final AtomicInteger newCalls = new AtomicInteger();
  volatile boolean throwOnNewCall;
  volatile boolean throwOnSend;
  volatile Runnable onShutdownCheck;

  ScriptedChannel(ManagedChannel delegate) {
    this.delegate = delegate;
  }

  /** How many calls the gateway tried to make on this channel. */
  int newCalls() {
    return newCalls.get();
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> newCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions options) {
    newCalls.incrementAndGet();
    if (throwOnNewCall) {
      throw new IllegalStateException("scripted failure in newCall");
    }
    return new SimpleForwardingClientCall<>(delegate.newCall(method, options)) {
      @Override
      public void sendMessage(ReqT message) {
        if (throwOnSend) {
          throw new IllegalStateException("scripted failure in sendMessage");
        }
        super.sendMessage(message);
      }
    };
  }

  @Override
  public boolean isShutdown() {
    Runnable step = onShutdownCheck;
    if (step != null) {
      onShutdownCheck = null;
      step.run();
    }
    return delegate.isShutdown();
  }

  @Override
  public String authority() {
    return delegate.authority();
  }

  @Override
  public ManagedChannel shutdown() {
    delegate.shutdown();
    return this;
  }

  @Override
  public boolean isTerminated() {
    return delegate.isTerminated();
  }

  @Override
  public ManagedChannel shutdownNow() {
    delegate.shutdownNow();
    return this;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return delegate.awaitTermination(timeout, unit);
  }

  @Override
  public io.grpc.ConnectivityState getState(boolean requestConnection) {
    return delegate.getState(requestConnection);
  }
}
