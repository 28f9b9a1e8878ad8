package io.infergate.infer.observability.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.concurrent.atomic.LongAdder;

/**
 * One series of a {@link TalliedCounter}: a count kept by the process and read by the SDK when
 * metrics are collected. Adding here is one uncontended atomic add; a synchronous SDK instrument
 * looks its series up in each reader's storage on every record (a hash lookup and an aggregator
 * update per reader, about 100 ns a record with the Prometheus and OTLP readers). Like the SDK's
 * own series, it is reported from its first update on and never forgotten.
 */
public final class Tally {
  /** The series of a counter whose meter has no reader: adds nothing. */
  static final Tally OFF = new Tally(false);

  private final boolean on;
  private final LongAdder count = new LongAdder();

  /** Set after the first add: the add happens-before a report that sees it. */
  private volatile boolean updated;

  Tally(boolean on) {
    this.on = on;
  }

  public void add(long delta) {
    if (on) {
      count.add(delta);
      if (!updated) {
        updated = true;
      }
    }
  }

  /** The count so far. */
  public long sum() {
    return count.sum();
  }

  /** Reports the count under {@code attributes} once it has been updated. */
  void report(Attributes attributes, ObservableLongMeasurement into) {
    if (updated) {
      into.record(count.sum(), attributes);
    }
  }
}
