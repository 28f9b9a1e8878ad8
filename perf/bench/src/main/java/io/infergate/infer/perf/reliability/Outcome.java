package io.infergate.infer.perf.reliability;

import java.util.List;

/**
 * What a scenario found: its Markdown results and each goal with the figure that decides it.
 *
 * @param markdown the scenario's tables and events, without its heading
 */
record Outcome(String markdown, List<Goal> goals) {
  Outcome {
    goals = List.copyOf(goals);
  }

  /**
   * One goal.
   *
   * @param what the goal, e.g. {@code failed calls = 0}
   * @param measured what was measured, e.g. {@code 412}
   * @param met whether the measurement meets the goal
   */
  record Goal(String what, String measured, boolean met) {}
}
