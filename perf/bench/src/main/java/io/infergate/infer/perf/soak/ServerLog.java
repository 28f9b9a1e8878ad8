package io.infergate.infer.perf.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the model server's log says about the soak: how many versions it loaded and unloaded (one of
 * each per swap, plus the first load), and every WARN or ERROR line, which a clean soak has none
 * of.
 *
 * @param loaded {@code Loaded model ... version ...} lines
 * @param unloaded {@code Unloaded model ... version ...} lines
 * @param warnings WARN, ERROR and exception lines, in log order
 */
record ServerLog(int loaded, int unloaded, List<String> warnings) {
  private static final Pattern LOADED = Pattern.compile("\\bLoaded model \\S+ version \\d+");
  private static final Pattern UNLOADED = Pattern.compile("\\bUnloaded model \\S+ version \\d+");

  /**
   * A WARN or ERROR line as Logback writes it ({@code 2026-12-06 19:03:02.440 WARN [thread] ...})
   * or as slf4j-simple did ({@code [thread] WARN ...}, older logs), or an exception.
   */
  private static final Pattern WARNING =
      Pattern.compile("^\\S+ \\S+ (WARN|ERROR) +\\[|\\] (WARN|ERROR) |Exception|FATAL");

  ServerLog {
    warnings = List.copyOf(warnings);
  }

  static ServerLog parse(List<String> lines) {
    int loaded = 0;
    int unloaded = 0;
    List<String> warnings = new ArrayList<>();
    for (String line : lines) {
      if (LOADED.matcher(line).find()) {
        loaded++;
      } else if (UNLOADED.matcher(line).find()) {
        unloaded++;
      }
      if (WARNING.matcher(line).find()) {
        warnings.add(line);
      }
    }
    return new ServerLog(loaded, unloaded, warnings);
  }
}
