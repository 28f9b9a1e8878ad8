package io.infergate.infer.observability.telemetry;

/**
 * One attribute set of a {@link CallHistogram}, taken when the attributes are built and recorded
 * into per call.
 */
public interface HistogramSeries {
  void record(double value);
}
