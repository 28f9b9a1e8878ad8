package io.infergate.infer.router.release;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gates' judgement of a canary at one instant.
 *
 * @param why in words, with the figures that decided it
 * @param figures what was compared, by name (canary_failure_rate, stable_p99_ms, ...), for the
 *     audit log
 */
public record Verdict(Kind kind, String why, Map<String, Double> figures) {
  public Verdict {
    figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
  }

  public enum Kind {
    /** Every gate holds on enough calls: the ramp may go on. */
    HOLDING,
    /** Too few canary calls to judge: the ramp waits, nothing is rolled back. */
    TOO_FEW_CALLS,
    /** A gate is breached: the canary is rolled back. */
    BREACHED
  }
}
