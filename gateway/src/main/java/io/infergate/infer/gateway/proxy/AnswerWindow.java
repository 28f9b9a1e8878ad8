package io.infergate.infer.gateway.proxy;

import io.infergate.infer.observability.drift.DriftWindow;
import io.infergate.infer.router.CanaryDrift;
import java.util.function.LongSupplier;

/**
 * What one variant of a route answered lately, as the model server counts a version's predictions
 * ({@link DriftWindow}): per bucket, the predictions per top-1 class and per top-1 score bin. Kept
 * across table swaps while the route's window settings stay, so that release control's weight
 * changes and reloads do not empty it.
 *
 * <p>The classes are those of the first answer counted (the last dimension of its scores): the
 * window is made then, on the decoder's worker, its only writer. An answer with another number of
 * classes is not counted.
 */
final class AnswerWindow {
  /** Bins of the top-1 score: tenths of [0, 1], scores outside it in the end bins. */
  static final int SCORE_BINS = 10;

  /** Classes counted at most: a window costs {@code 8 * classes} bytes a bucket. */
  static final int MAX_CLASSES = 4096;

  private final CanaryDrift settings;
  private final LongSupplier nanoTime;

  /** Null until the first answer is counted; written by the worker, read by metric collection. */
  private volatile DriftWindow window;

  private int classes;

  AnswerWindow(CanaryDrift settings, LongSupplier nanoTime) {
    this.settings = settings;
    this.nanoTime = nanoTime;
  }

  /** Whether this window measures what {@code next} asks for, so a new table may keep it. */
  boolean fits(CanaryDrift next) {
    return next.window().equals(settings.window()) && next.bucket().equals(settings.bucket());
  }

  /**
   * Counts each row's top-1 class and score; false if {@code scores} has another number of classes
   * than the answers counted before (or too many). On the decoder's worker only.
   */
  boolean count(AnswerTensor.Scores scores) {
    DriftWindow counts = window;
    if (counts == null) {
      if (scores.classes() > MAX_CLASSES) {
        return false;
      }
      classes = scores.classes();
      counts =
          new DriftWindow(
              settings.buckets(), settings.bucket().toNanos(), SCORE_BINS, classes, nanoTime);
      window = counts;
    } else if (scores.classes() != classes) {
      return false;
    }
    DriftWindow.Bucket bucket = counts.current();
    if (bucket == null) {
      return true; // another writer recycling it; with the one worker, never
    }
    int rows = scores.rows();
    float[] values = scores.values();
    for (int row = 0; row < rows; row++) {
      int top1 = scores.top1(row);
      bucket.classes().incrementAndGet(top1);
      bucket.bins().incrementAndGet(scoreBin(values[row * classes + top1]));
    }
    bucket.classes().addAndGet(classes, rows);
    bucket.bins().addAndGet(SCORE_BINS, rows);
    return true;
  }

  /** The bin of {@code score}: NaN and scores below 0.1 in bin 0, 0.9 and above in the last. */
  static int scoreBin(float score) {
    int bin = (int) (score * SCORE_BINS); // NaN casts to 0
    return Math.max(0, Math.min(SCORE_BINS - 1, bin));
  }

  /** The window's sums now, or null before any answer was counted. */
  Counts sum() {
    DriftWindow counts = window;
    if (counts == null) {
      return null;
    }
    long[] scoreBins = new long[SCORE_BINS + 1];
    long[] classCounts = new long[classes + 1];
    counts.sum(scoreBins, classCounts);
    return new Counts(classCounts, scoreBins);
  }

  /**
   * One window's sums.
   *
   * @param classes predictions per top-1 class, then their total
   * @param scoreBins predictions per top-1 score bin, then their total
   */
  record Counts(long[] classes, long[] scoreBins) {
    int classCount() {
      return classes.length - 1;
    }

    long rows() {
      return classes[classes.length - 1];
    }
  }
}
