package io.infergate.infer.modelserver.monitoring;

import io.infergate.infer.modelserver.backend.ElementType;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.observability.baseline.Baseline;
import io.infergate.infer.observability.drift.Divergences;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The baseline's per-feature ranges and bin edges, flattened into arrays for the call path, and the
 * one pass over an input tensor that checks every value against its feature's range and counts it
 * into its bin. Values are read in place from the decoded little-endian bytes, one loop per element
 * type so that each loop stays monomorphic: no copy, no boxing, no allocation per value.
 */
final class FeatureBins {
  private final ElementType type;
  private final int features;
  private final double[] min;
  private final double[] max;

  /** Every feature's bin edges, one after another: feature f's from {@code edgeStart[f]}. */
  private final double[] edges;

  private final int[] edgeStart;

  /** Where feature f's bins start among all bins (each feature has its edges + 1 bins). */
  private final int[] binStart;

  private final double[] baselineShares;
  private final AtomicLongArray outOfRange;

  private FeatureBins(ElementType type, List<Baseline.Feature> stats) {
    this.type = type;
    this.features = stats.size();
    this.min = new double[features];
    this.max = new double[features];
    this.edgeStart = new int[features + 1];
    this.binStart = new int[features + 1];
    for (int f = 0; f < features; f++) {
      Baseline.Feature feature = stats.get(f);
      min[f] = feature.min();
      max[f] = feature.max();
      edgeStart[f + 1] = edgeStart[f] + feature.binEdges().length;
      binStart[f + 1] = binStart[f] + feature.binEdges().length + 1;
    }
    this.edges = new double[edgeStart[features]];
    this.baselineShares = new double[binStart[features]];
    for (int f = 0; f < features; f++) {
      Baseline.Feature feature = stats.get(f);
      System.arraycopy(feature.binEdges(), 0, edges, edgeStart[f], feature.binEdges().length);
      long total = Baseline.total(feature.binCounts());
      for (int b = 0; b < feature.binCounts().length; b++) {
        baselineShares[binStart[f] + b] = (double) feature.binCounts()[b] / total;
      }
    }
    this.outOfRange = new AtomicLongArray(features);
  }

  /**
   * The bins of {@code baseline}'s features, for {@code input}'s values.
   *
   * @throws IllegalArgumentException naming the baseline key that does not fit the input
   */
  static FeatureBins of(Baseline baseline, TensorSpec input) {
    if (input.type() == ElementType.BOOL) {
      throw new IllegalArgumentException(
          "input: " + baseline.input() + " is BOOL (expected: a numeric input)");
    }
    int features = baseline.features().size();
    long[] shape = input.shape();
    long last = shape.length == 0 ? 1 : shape[shape.length - 1];
    if (last != -1 && last != features) {
      throw new IllegalArgumentException(
          "features: "
              + features
              + " (expected: "
              + last
              + ", the last dimension of input '"
              + input.name()
              + "' "
              + input.shapeText()
              + ")");
    }
    return new FeatureBins(input.type(), baseline.features());
  }

  /** Features: values per row. */
  int features() {
    return features;
  }

  /** Bins over all features. */
  int bins() {
    return binStart[features];
  }

  /** Values of feature {@code f} out of range so far. */
  long outOfRange(int f) {
    return outOfRange.get(f);
  }

  /**
   * Checks {@code values} values of {@code input} against their features' ranges, counting each
   * into its bin of {@code counts} unless that is null; returns how many were out of range.
   */
  long scan(HostTensor input, int values, AtomicLongArray counts) {
    ByteBuffer data = input.data();
    return switch (type) {
      case FP32 -> scanFloats(data, values, counts);
      case FP64 -> scanDoubles(data, values, counts);
      case INT32 -> scanInts(data, values, counts);
      case INT64 -> scanLongs(data, values, counts);
      case UINT8 -> scanBytes(data, values, counts);
      case BOOL -> 0; // refused by of()
    };
  }

  /** PSI of feature {@code f}'s bins in {@code window} ({@code rows} values) to the baseline's. */
  double psi(int f, long[] window, long rows) {
    return Divergences.psi(window, binStart[f], binStart[f + 1], rows, baselineShares);
  }

  /** Jensen–Shannon divergence, as {@link #psi}. */
  double jensenShannon(int f, long[] window, long rows) {
    return Divergences.jensenShannon(window, binStart[f], binStart[f + 1], rows, baselineShares);
  }

  private long scanFloats(ByteBuffer data, int values, AtomicLongArray counts) {
    long out = 0;
    for (int i = 0, f = 0; i < values; i++) {
      out += observe(f, data.getFloat(i << 2), counts);
      if (++f == features) {
        f = 0;
      }
    }
    return out;
  }

  private long scanDoubles(ByteBuffer data, int values, AtomicLongArray counts) {
    long out = 0;
    for (int i = 0, f = 0; i < values; i++) {
      out += observe(f, data.getDouble(i << 3), counts);
      if (++f == features) {
        f = 0;
      }
    }
    return out;
  }

  private long scanInts(ByteBuffer data, int values, AtomicLongArray counts) {
    long out = 0;
    for (int i = 0, f = 0; i < values; i++) {
      out += observe(f, data.getInt(i << 2), counts);
      if (++f == features) {
        f = 0;
      }
    }
    return out;
  }

  private long scanLongs(ByteBuffer data, int values, AtomicLongArray counts) {
    long out = 0;
    for (int i = 0, f = 0; i < values; i++) {
      out += observe(f, data.getLong(i << 3), counts);
      if (++f == features) {
        f = 0;
      }
    }
    return out;
  }

  private long scanBytes(ByteBuffer data, int values, AtomicLongArray counts) {
    long out = 0;
    for (int i = 0, f = 0; i < values; i++) {
      out += observe(f, data.get(i) & 0xff, counts);
      if (++f == features) {
        f = 0;
      }
    }
    return out;
  }

  /** Checks one value of feature {@code f} and counts it into its bin; 1 if out of range. */
  private int observe(int f, double value, AtomicLongArray counts) {
    int out = 0;
    if (!(value >= min[f] && value <= max[f])) { // NaN is out of range too
      outOfRange.getAndIncrement(f);
      out = 1;
    }
    if (counts != null) {
      counts.getAndIncrement(binStart[f] + bin(f, value));
    }
    return out;
  }

  /** How many of feature {@code f}'s edges are at or below {@code value} (binary search). */
  private int bin(int f, double value) {
    int low = edgeStart[f];
    int high = edgeStart[f + 1];
    int first = low;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (edges[middle] <= value) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low - first;
  }
}
