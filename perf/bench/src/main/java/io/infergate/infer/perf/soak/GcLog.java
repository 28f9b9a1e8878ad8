package io.infergate.infer.perf.soak;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's {@code -Xlog:gc} file, read for the heap left after each collection: the live set
 * plus what survived, the figure that climbs when the heap leaks. Heap in use at a random moment is
 * a sawtooth between collections and says nothing about leaks.
 *
 * @param collector from the {@code Using G1} line; a JVM pinned to one CPU picks Serial
 * @param heapAfterLastGcKb the heap after the newest young or full pause; -1 before the first
 * @param youngPauses young pauses so far
 * @param fullPauses full pauses so far: under a fixed heap, a sign that the live set crowds it
 */
record GcLog(String collector, long heapAfterLastGcKb, int youngPauses, int fullPauses) {
  private static final Pattern USING = Pattern.compile("\\[gc\\] Using (\\S+)");

  /** {@code GC(12) Pause Young (Normal) (G1 Evacuation Pause) 60M->8M(256M) 3.456ms}. */
  private static final Pattern PAUSE =
      Pattern.compile("Pause (Young|Full) .*?(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

  static GcLog read(Path file) throws IOException {
    return Files.exists(file)
        ? parse(Files.readString(file, UTF_8))
        : new GcLog("unknown", -1, 0, 0);
  }

  /**
   * Reads the young and full pauses of unified GC log text; remark and cleanup pauses free none.
   */
  static GcLog parse(String log) {
    Matcher using = USING.matcher(log);
    String collector = using.find() ? using.group(1) : "unknown";
    long after = -1;
    int young = 0;
    int full = 0;
    for (String line : log.split("\n")) {
      Matcher pause = PAUSE.matcher(line);
      if (pause.find()) {
        after = kilobytes(Long.parseLong(pause.group(4)), pause.group(5));
        if (pause.group(1).equals("Young")) {
          young++;
        } else {
          full++;
        }
      }
    }
    return new GcLog(collector, after, young, full);
  }

  private static long kilobytes(long amount, String unit) {
    return switch (unit) {
      case "K" -> amount;
      case "M" -> amount * 1024;
      default -> amount * 1024 * 1024;
    };
  }
}
