package io.infergate.infer.modelserver.batching;

import io.infergate.infer.modelserver.backend.ElementType;
import io.infergate.infer.modelserver.backend.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A call whose outcome lands in futures; {@link #gone} makes it abandoned. */
final class TestCall extends BatchedCall {
  final CompletableFuture<HostTensor[]> outputs = new CompletableFuture<>();
  final CompletableFuture<NotRun> notRun = new CompletableFuture<>();
  final AtomicBoolean gone = new AtomicBoolean();
  final AtomicInteger answers = new AtomicInteger();

  TestCall(HostTensor... feeds) {
    super(feeds, new int[] {0, 1});
  }

  /** One FP32 input of {@code rows} rows of {@code width} values, starting at {@code first}. */
  static TestCall rows(int rows, int width, float first) {
    return new TestCall(matrix(rows, width, first));
  }

  static HostTensor matrix(int rows, int width, float first) {
    ByteBuffer data = ByteBuffer.allocate(rows * width * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < rows * width; i++) {
      data.putFloat(first + i);
    }
    return new HostTensor(ElementType.FP32, new long[] {rows, width}, data.flip());
  }

  static float[] floats(HostTensor tensor) {
    ByteBuffer data = tensor.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[data.remaining() / 4];
    for (int i = 0; i < values.length; i++) {
      values[i] = data.getFloat(i * 4);
    }
    return values;
  }

  @Override
  protected boolean abandoned() {
    return gone.get();
  }

  @Override
  protected void succeeded(HostTensor[] result) {
    answers.incrementAndGet();
    outputs.complete(result);
  }

  @Override
  protected void failed(Throwable failure) {
    answers.incrementAndGet();
    outputs.completeExceptionally(failure);
  }

  @Override
  protected void notRun(NotRun reason) {
    answers.incrementAndGet();
    notRun.complete(reason);
    outputs.cancel(false);
  }
}
