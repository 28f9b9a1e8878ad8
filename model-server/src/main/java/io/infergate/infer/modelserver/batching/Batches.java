package io.infergate.infer.modelserver.batching;

import io.infergate.infer.modelserver.backend.HostTensor;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Row arithmetic on row-major tensors: rows along the first dimension are contiguous byte ranges,
 * so concatenating calls is one copy per call and splitting answers back is a view, not a copy.
 */
final class Batches {

  private Batches() {}

  /**
   * The size of the first dimension that every tensor shares, or -1 when there is no tensor, one is
   * a scalar, or they disagree (such a call cannot be merged with others and runs alone).
   */
  static int commonRows(HostTensor[] tensors) {
    if (tensors.length == 0) {
      return -1;
    }
    long rows = -1;
    for (HostTensor tensor : tensors) {
      long[] shape = tensor.shape();
      if (shape.length == 0 || (rows >= 0 && shape[0] != rows)) {
        return -1;
      }
      rows = shape[0];
    }
    return rows <= Integer.MAX_VALUE ? (int) rows : -1;
  }

  /**
   * Whether two calls can share a batch: both mergeable, the same outputs wanted, and every input
   * of the same type and the same shape beyond the first dimension.
   */
  static boolean compatible(BatchedCall a, BatchedCall b) {
    if (a.rows < 0 || b.rows < 0 || a.feeds.length != b.feeds.length) {
      return false;
    }
    if (!Arrays.equals(a.fetch, b.fetch)) {
      return false;
    }
    for (int i = 0; i < a.feeds.length; i++) {
      HostTensor x = a.feeds[i];
      HostTensor y = b.feeds[i];
      if (x.type() != y.type() || !sameBeyondFirst(x.shape(), y.shape())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Concatenates tensors of one type and one shape beyond the first dimension along that dimension,
   * in order, into one new tensor.
   */
  static HostTensor concat(List<HostTensor> parts) {
    return concat(parts, ByteBuffer.allocate(byteSize(parts)));
  }

  /**
   * As {@link #concat(List)}, into {@code into} from index 0 (its capacity at least {@link
   * #byteSize} of {@code parts}): the result shares its bytes.
   */
  static HostTensor concat(List<HostTensor> parts, ByteBuffer into) {
    HostTensor first = parts.get(0);
    long rows = 0;
    int at = 0;
    for (int i = 0; i < parts.size(); i++) {
      HostTensor part = parts.get(i);
      ByteBuffer src = part.data();
      into.put(at, src, src.position(), src.remaining());
      at += src.remaining();
      rows += part.shape()[0];
    }
    long[] shape = first.shape().clone();
    shape[0] = rows;
    return new HostTensor(first.type(), shape, into.duplicate().clear().limit(at));
  }

  /** The bytes of {@code parts} together. */
  static int byteSize(List<HostTensor> parts) {
    int bytes = 0;
    for (int i = 0; i < parts.size(); i++) {
      bytes = Math.addExact(bytes, parts.get(i).data().remaining());
    }
    return bytes;
  }

  /** Whether {@code tensor}'s bytes are (part of) those of the heap buffer {@code buffer}. */
  static boolean sharesBytes(HostTensor tensor, ByteBuffer buffer) {
    ByteBuffer data = tensor.data();
    return data.hasArray() && buffer.hasArray() && data.array() == buffer.array();
  }

  /** Rows {@code [from, from + count)} of {@code tensor}, sharing its bytes. */
  static HostTensor slice(HostTensor tensor, long from, long count) {
    long[] shape = tensor.shape().clone();
    long rowBytes = rowBytes(tensor);
    shape[0] = count;
    ByteBuffer data = tensor.data().slice((int) (from * rowBytes), (int) (count * rowBytes));
    return new HostTensor(tensor.type(), shape, data);
  }

  /** Whether every output has {@code rows} rows, so it can be split back to the callers. */
  static boolean haveRows(HostTensor[] outputs, long rows) {
    for (HostTensor output : outputs) {
      long[] shape = output.shape();
      if (shape.length == 0 || shape[0] != rows) {
        return false;
      }
    }
    return true;
  }

  private static long rowBytes(HostTensor tensor) {
    long[] shape = tensor.shape();
    long elements = 1;
    for (int d = 1; d < shape.length; d++) {
      elements *= shape[d];
    }
    return elements * tensor.type().byteSize();
  }

  private static boolean sameBeyondFirst(long[] x, long[] y) {
    if (x.length != y.length) {
      return false;
    }
    for (int d = 1; d < x.length; d++) {
      if (x[d] != y[d]) {
        return false;
      }
    }
    return true;
  }
}
