package io.infergate.infer.perf.gateway;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lines of h2load's standard output that we read: {@code finished in 4.00s, 11013.33 req/s,
 * 1.47MB/s} (the rate over the main duration) and {@code requests: 33040 total, 33040 started,
 * 33040 done, 33040 succeeded, 0 failed, 0 errored, 0 timeout}. "succeeded" means an HTTP 2xx or
 * 3xx status only; h2load never looks at grpc-status.
 */
record H2LoadSummary(
    double requestsPerSecond, long done, long succeeded, long failed, long errored) {
  private static final Pattern FINISHED =
      Pattern.compile("^finished in [0-9.]+m?s, ([0-9.]+) req/s", Pattern.MULTILINE);
  private static final Pattern REQUESTS =
      Pattern.compile(
          "^requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed,"
              + " (\\d+) errored",
          Pattern.MULTILINE);

  /**
   * Parses h2load's whole standard output.
   *
   * @throws IllegalArgumentException if either line is missing
   */
  static H2LoadSummary parse(String stdout) {
    Matcher finished = FINISHED.matcher(stdout);
    Matcher requests = REQUESTS.matcher(stdout);
    if (!finished.find() || !requests.find()) {
      throw new IllegalArgumentException(
          "h2load output lacks the 'finished in' or 'requests:' line:\n" + stdout);
    }
    return new H2LoadSummary(
        Double.parseDouble(finished.group(1)),
        Long.parseLong(requests.group(3)),
        Long.parseLong(requests.group(4)),
        Long.parseLong(requests.group(5)),
        Long.parseLong(requests.group(6)));
  }
}
