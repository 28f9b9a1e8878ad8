package io.infergate.infer.perf.soak;

import java.time.Duration;

/**
 * One version swap: version {@code version} was renamed into the repository at {@code at} after the
 * load started, and first answered {@code time} later; {@code time} is null when it never answered
 * within the swap timeout.
 */
record Swap(long version, Duration at, Duration time) {
  boolean completed() {
    return time != null;
  }
}
