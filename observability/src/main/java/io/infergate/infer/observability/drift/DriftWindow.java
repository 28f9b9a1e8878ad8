package io.infergate.infer.observability.drift;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The last few buckets of a stream of answers (a model version's traffic, a variant's answers) (a
 * ring, one bucket per {@code driftBucket} of time): per bucket, the input values counted per
 * histogram bin and the rows predicted per class. Calls count into the bucket of the present
 * without locks; the collector sums the buckets still inside the window.
 *
 * <p>A bucket is recycled by the first call that finds it stale: it marks it, zeroes it and stamps
 * it with the present. Calls that meet a bucket being recycled skip counting (for microseconds,
 * once per bucket), which costs the window a few rows rather than costing every call a lock.
 */
public final class DriftWindow {
  private static final long RECYCLING = Long.MIN_VALUE;
  private static final long NEVER = Long.MIN_VALUE + 1;

  private final long bucketNanos;
  private final Bucket[] ring;
  private final LongSupplier nanoTime;

  /**
   * @param buckets buckets in the window: the window is {@code buckets * bucketNanos} long
   * @param inputBins histogram bins (the model server: over all features)
   * @param classes predicted classes counted
   * @param nanoTime the clock, {@code System::nanoTime} outside tests
   */
  public DriftWindow(
      int buckets, long bucketNanos, int inputBins, int classes, LongSupplier nanoTime) {
    this.bucketNanos = bucketNanos;
    this.nanoTime = nanoTime;
    this.ring = new Bucket[buckets];
    for (int i = 0; i < buckets; i++) {
      ring[i] = new Bucket(inputBins, classes);
    }
  }

  /** The bucket of the present, or null while another thread recycles it. */
  public Bucket current() {
    long epoch = Math.floorDiv(nanoTime.getAsLong(), bucketNanos);
    Bucket bucket = ring[(int) Math.floorMod(epoch, (long) ring.length)];
    long stamped = bucket.epoch.get();
    if (stamped == epoch) {
      return bucket;
    }
    if (stamped != RECYCLING && stamped < epoch && bucket.epoch.compareAndSet(stamped, RECYCLING)) {
      bucket.clear();
      bucket.epoch.set(epoch);
      return bucket;
    }
    return null;
  }

  /**
   * Adds the buckets inside the window (the present one and those before it) into {@code bins}
   * (input bins, then input rows) and {@code classes} (per class, then predicted rows).
   */
  public void sum(long[] bins, long[] classes) {
    long present = Math.floorDiv(nanoTime.getAsLong(), bucketNanos);
    for (Bucket bucket : ring) {
      long epoch = bucket.epoch.get();
      if (epoch != RECYCLING && epoch > present - ring.length && epoch <= present) {
        bucket.addTo(bins, classes);
      }
    }
  }

  /** One bucket: counts, and the bucket number (time / bucket length) they belong to. */
  public static final class Bucket {
    private final AtomicLong epoch = new AtomicLong(NEVER);

    /** Per input bin; the last slot counts rows. */
    private final AtomicLongArray bins;

    /** Per class; the last slot counts predicted rows. */
    private final AtomicLongArray classes;

    Bucket(int inputBins, int classes) {
      this.bins = new AtomicLongArray(inputBins + 1);
      this.classes = new AtomicLongArray(classes + 1);
    }

    /** Counts per input bin, then the rows binned in the last slot; callers add to them. */
    public AtomicLongArray bins() {
      return bins;
    }

    /** Counts per class, then the rows counted in the last slot; callers add to them. */
    public AtomicLongArray classes() {
      return classes;
    }

    void clear() {
      for (int i = 0; i < bins.length(); i++) {
        bins.setPlain(i, 0);
      }
      for (int i = 0; i < classes.length(); i++) {
        classes.setPlain(i, 0);
      }
    }

    void addTo(long[] bins, long[] classes) {
      for (int i = 0; i < this.bins.length(); i++) {
        bins[i] += this.bins.get(i);
      }
      for (int i = 0; i < this.classes.length(); i++) {
        classes[i] += this.classes.get(i);
      }
    }
  }
}
