package io.infergate.infer.perf.gateway;

import io.infergate.infer.perf.kit.Stats;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * h2load's {@code --log-file}: one line per request of the main duration (warm-up excluded), tab
 * separated: start time in µs since the epoch, HTTP status (-1 for a failed stream), µs until the
 * end of the response. Only the first three columns are read; later h2load versions may add more.
 *
 * @param startMicros start times of the successful (2xx) requests, in file order
 * @param latencyMicros their latencies, in the same order
 * @param failed requests with a non-2xx status or a failed stream
 */
record H2LoadLog(long[] startMicros, long[] latencyMicros, long failed) {

  static H2LoadLog read(Path file) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
      return parse(reader);
    }
  }

  static H2LoadLog parse(BufferedReader reader) throws IOException {
    long[] starts = new long[1 << 16];
    long[] latencies = new long[1 << 16];
    int count = 0;
    long failed = 0;
    int lineNumber = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split("\t", 4);
      if (fields.length < 3) {
        throw new IllegalArgumentException(
            "h2load log line " + lineNumber + ": " + line + " (expected: start, status, µs)");
      }
      long start;
      int status;
      long latency;
      try {
        start = Long.parseLong(fields[0].trim());
        status = Integer.parseInt(fields[1].trim());
        latency = Long.parseLong(fields[2].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "h2load log line " + lineNumber + ": " + line + " (expected: numbers)", e);
      }
      if (status < 200 || status > 299 || latency < 0) {
        failed++;
        continue;
      }
      if (count == starts.length) {
        starts = Arrays.copyOf(starts, count * 2);
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      starts[count] = start;
      latencies[count] = latency;
      count++;
    }
    return new H2LoadLog(Arrays.copyOf(starts, count), Arrays.copyOf(latencies, count), failed);
  }

  int succeeded() {
    return latencyMicros.length;
  }

  /** Latencies sorted ascending, for {@link Stats#percentile}. */
  long[] sortedLatencies() {
    long[] sorted = latencyMicros.clone();
    Arrays.sort(sorted);
    return sorted;
  }

  /** Successful requests whose response ended in {@code [fromMicros, toMicros)}. */
  long completedBetween(long fromMicros, long toMicros) {
    long n = 0;
    for (int i = 0; i < startMicros.length; i++) {
      long end = startMicros[i] + latencyMicros[i];
      if (end >= fromMicros && end < toMicros) {
        n++;
      }
    }
    return n;
  }
}
