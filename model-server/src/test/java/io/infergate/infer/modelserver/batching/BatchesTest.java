package io.infergate.infer.modelserver.batching;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.modelserver.backend.ElementType;
import io.infergate.infer.modelserver.backend.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchesTest {

  @Test
  void concatenatingAlongTheFirstDimensionAndSlicingBackGivesEachPartBack() {
    HostTensor a = fp64(new long[] {2, 3}, 0);
    HostTensor b = fp64(new long[] {1, 3}, 100);
    HostTensor empty = fp64(new long[] {0, 3}, 0);
    HostTensor c = fp64(new long[] {3, 3}, 200);

    HostTensor merged = Batches.concat(List.of(a, b, empty, c));

    assertThat(merged.type()).isEqualTo(ElementType.FP64);
    assertThat(merged.shape()).containsExactly(6, 3);
    assertThat(doubles(merged))
        .containsExactly(
            0, 1, 2, 3, 4, 5, 100, 101, 102, 200, 201, 202, 203, 204, 205, 206, 207, 208);
    assertThat(same(Batches.slice(merged, 0, 2), a)).isTrue();
    assertThat(same(Batches.slice(merged, 2, 1), b)).isTrue();
    assertThat(same(Batches.slice(merged, 3, 0), empty)).isTrue();
    assertThat(same(Batches.slice(merged, 3, 3), c)).isTrue();
  }

  @Test
  void slicesOfAVectorAndOfAHigherRankTensorKeepTheirTrailingDimensions() {
    HostTensor vector = fp64(new long[] {4}, 10);
    HostTensor cube = fp64(new long[] {3, 2, 2}, 0);

    assertThat(doubles(Batches.slice(vector, 1, 2))).containsExactly(11, 12);
    HostTensor middle = Batches.slice(cube, 1, 1);
    assertThat(middle.shape()).containsExactly(1, 2, 2);
    assertThat(doubles(middle)).containsExactly(4, 5, 6, 7);
  }

  @Test
  void rowsAreSharedByEveryInputOrTheCallCannotBeMerged() {
    assertThat(Batches.commonRows(new HostTensor[] {fp64(new long[] {3, 2}, 0)})).isEqualTo(3);
    assertThat(
            Batches.commonRows(
                new HostTensor[] {fp64(new long[] {3, 2}, 0), fp64(new long[] {3}, 0)}))
        .isEqualTo(3);
    assertThat(
            Batches.commonRows(
                new HostTensor[] {fp64(new long[] {3, 2}, 0), fp64(new long[] {2}, 0)}))
        .isEqualTo(-1);
    assertThat(Batches.commonRows(new HostTensor[] {fp64(new long[] {}, 0)})).isEqualTo(-1);
    assertThat(Batches.commonRows(new HostTensor[0])).isEqualTo(-1);
  }

  @Test
  void callsAreCompatibleOnlyWithTheSameShapesBeyondRowsAndTheSameOutputs() {
    TestCall twoWide = TestCall.rows(1, 2, 0);

    assertThat(Batches.compatible(twoWide, TestCall.rows(5, 2, 0))).isTrue();
    assertThat(Batches.compatible(twoWide, TestCall.rows(1, 3, 0))).isFalse();
    assertThat(Batches.compatible(twoWide, new OtherOutputs(TestCall.matrix(1, 2, 0)))).isFalse();
    assertThat(
            Batches.compatible(
                twoWide, new TestCall(TestCall.matrix(1, 2, 0), TestCall.matrix(2, 2, 0))))
        .isFalse();
  }

  @Test
  void outputsCanBeSplitOnlyWhenEachHasTheBatchRows() {
    HostTensor[] outputs = {fp64(new long[] {4, 2}, 0), fp64(new long[] {4}, 0)};

    assertThat(Batches.haveRows(outputs, 4)).isTrue();
    assertThat(Batches.haveRows(outputs, 3)).isFalse();
    assertThat(Batches.haveRows(new HostTensor[] {fp64(new long[] {}, 0)}, 1)).isFalse();
  }

  private static HostTensor fp64(long[] shape, double first) {
    long count = 1;
    for (long dim : shape) {
      count *= dim;
    }
    ByteBuffer data = ByteBuffer.allocate((int) count * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      data.putDouble(first + i);
    }
    return new HostTensor(ElementType.FP64, shape, data.flip());
  }

  private static double[] doubles(HostTensor tensor) {
    ByteBuffer data = tensor.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    double[] values = new double[data.remaining() / 8];
    for (int i = 0; i < values.length; i++) {
      values[i] = data.getDouble(i * 8);
    }
    return values;
  }

  private static boolean same(HostTensor x, HostTensor y) {
    return x.type() == y.type()
        && java.util.Arrays.equals(x.shape(), y.shape())
        && x.data().equals(y.data());
  }

  /** Wants only output 1. */
  private static final class OtherOutputs extends BatchedCall {
    OtherOutputs(HostTensor... feeds) {
      super(feeds, new int[] {1});
    }

    @Override
    protected boolean abandoned() {
      return false;
    }

    @Override
    protected void succeeded(HostTensor[] outputs) {}

    @Override
    protected void failed(Throwable failure) {}

    @Override
    protected void notRun(NotRun reason) {}
  }
}
