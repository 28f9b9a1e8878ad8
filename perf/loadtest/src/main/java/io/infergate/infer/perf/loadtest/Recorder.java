package io.infergate.infer.perf.loadtest;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * Collects every call's outcome: what ghz keeps (count, latency sum, status and error
 * distributions, up to 1,000,000 details) plus HdrHistograms of the latency from the intended send
 * time and of the service time, per variant, and a per-second timeline. One lock; a call's record
 * costs well under a microsecond.
 */
final class Recorder {
  static final int MAX_DETAILS = 1_000_000;
  static final int MAX_SECONDS = 3600;
  static final int MAX_VARIANTS = 64;
  static final long HIGHEST = 3_600_000_000_000L;
  static final String[] GO_CODES = {
    "OK",
    "Canceled",
    "Unknown",
    "InvalidArgument",
    "DeadlineExceeded",
    "NotFound",
    "AlreadyExists",
    "PermissionDenied",
    "ResourceExhausted",
    "FailedPrecondition",
    "Aborted",
    "OutOfRange",
    "Unimplemented",
    "Internal",
    "Unavailable",
    "DataLoss",
    "Unauthenticated"
  };

  final long startNanos;
  final long startEpochNanos;
  final boolean fromIntended;
  private final int skipFirst;
  private int skipped;

  long count;
  double latencySumSeconds;
  final long[] statusCounts = new long[GO_CODES.length];
  final Map<String, Integer> errorCounts = new LinkedHashMap<>();
  private final Map<String, Integer> errorIndex = new HashMap<>();
  final List<String> errors = new ArrayList<>();

  int details;
  long[] latency = new long[1024];
  long[] endNanos = new long[1024];
  byte[] status = new byte[1024];
  int[] error = new int[1024];

  /** The latency ghz's fields report: from the intended send (open loop) or the send (closed). */
  final Histogram reported;

  final Histogram service = histogram();
  final Histogram intended;
  final Map<String, Variant> variants = new LinkedHashMap<>();
  final List<Second> timeline = new ArrayList<>();
  long lastEndNanos;
  long sent;

  /**
   * @param fromIntended whether the ghz fields report latency from the intended send time
   *     (open-loop) rather than from the actual send (ghz's closed loop)
   */
  Recorder(long startNanos, long startEpochNanos, int skipFirst, boolean fromIntended) {
    this.startNanos = startNanos;
    this.startEpochNanos = startEpochNanos;
    this.skipFirst = skipFirst;
    this.fromIntended = fromIntended;
    this.lastEndNanos = startNanos;
    // In the closed loop the reported latency is the service time: one histogram serves both.
    this.intended = fromIntended ? histogram() : service;
    this.reported = fromIntended ? intended : service;
  }

  static Histogram histogram() {
    return new Histogram(1, HIGHEST, 3);
  }

  /** Counts a call as sent at {@code sentNanos} (for the achieved-rate figures). */
  synchronized void sent(long sentNanos) {
    sent++;
    second(sentNanos).sent++;
  }

  synchronized void record(
      long intendedNanos, long sentNanos, long endNanos, Status st, String variant) {
    if (skipped < skipFirst) {
      skipped++;
      return;
    }
    long svc = Math.max(0, endNanos - sentNanos);
    long fromIntent = Math.max(0, endNanos - intendedNanos);
    long lat = fromIntended ? fromIntent : svc;
    int code = st.getCode().value();
    count++;
    latencySumSeconds += seconds(lat);
    statusCounts[code]++;
    int err = -1;
    if (code != 0) {
      String text = errorText(st);
      errorCounts.merge(text, 1, Integer::sum);
      Integer idx = errorIndex.get(text);
      if (idx == null) {
        idx = errors.size();
        errors.add(text);
        errorIndex.put(text, idx);
      }
      err = idx;
    }
    if (details < MAX_DETAILS) {
      if (details == latency.length) {
        int n = Math.min(MAX_DETAILS, details * 2);
        latency = Arrays.copyOf(latency, n);
        this.endNanos = Arrays.copyOf(this.endNanos, n);
        status = Arrays.copyOf(status, n);
        error = Arrays.copyOf(error, n);
      }
      latency[details] = lat;
      this.endNanos[details] = endNanos;
      status[details] = (byte) code;
      error[details] = err;
      details++;
    }
    long clamped = Math.max(1, Math.min(lat, HIGHEST));
    service.recordValue(Math.max(1, Math.min(svc, HIGHEST)));
    if (fromIntended) {
      intended.recordValue(clamped);
    }
    if (variant != null) {
      Variant v = variants.get(variant);
      if (v == null && variants.size() < MAX_VARIANTS) {
        v = new Variant(fromIntended);
        variants.put(variant, v);
      }
      if (v != null) {
        v.count++;
        v.statusCounts[code]++;
        v.service.recordValue(Math.max(1, Math.min(svc, HIGHEST)));
        if (fromIntended) {
          v.latency.recordValue(clamped);
        }
      }
    }
    Second s = second(endNanos);
    s.done++;
    if (code != 0) {
      s.errors++;
    }
    s.latency.recordValue(Math.max(1, Math.min(lat / 1000, HIGHEST / 1000)));
    if (endNanos > lastEndNanos) {
      lastEndNanos = endNanos;
    }
  }

  private Second second(long nanos) {
    int i = (int) Math.max(0, Math.min(MAX_SECONDS - 1, (nanos - startNanos) / 1_000_000_000L));
    while (timeline.size() <= i) {
      timeline.add(new Second());
    }
    return timeline.get(i);
  }

  /** Go's error string for a failed call: {@code rpc error: code = X desc = Y}. */
  static String errorText(Status st) {
    String desc = st.getDescription();
    if (st.getCode() == Status.Code.DEADLINE_EXCEEDED
        && (desc == null
            || desc.contains("deadline exceeded after")
            || desc.startsWith("ClientCall started after"))) {
      desc = "context deadline exceeded"; // grpc-java puts timings in the text; grpc-go does not
    } else if (st.getCode() == Status.Code.CANCELLED && desc == null) {
      desc = "context canceled";
    }
    if (desc == null && st.getCause() != null) {
      desc = st.getCause().toString();
    }
    return "rpc error: code = "
        + GO_CODES[st.getCode().value()]
        + " desc = "
        + (desc == null ? "" : desc);
  }

  /** Go's {@code Duration.Seconds()}. */
  static double seconds(long nanos) {
    return (double) (nanos / 1_000_000_000L) + (double) (nanos % 1_000_000_000L) / 1e9;
  }

  long epochNanos(long nanoTime) {
    return startEpochNanos + (nanoTime - startNanos);
  }

  /** What one variant (value of the variant header) saw. */
  static final class Variant {
    long count;
    final long[] statusCounts = new long[GO_CODES.length];
    final Histogram service = histogram();

    /** As reported: from the intended send in the open loop, else the service time. */
    final Histogram latency;

    Variant(boolean fromIntended) {
      latency = fromIntended ? histogram() : service;
    }
  }

  /** One second of the run. */
  static final class Second {
    long sent;
    long done;
    long errors;
    final IntCountsHistogram latency = new IntCountsHistogram(1, HIGHEST / 1000, 2); // µs
  }
}
