package io.infergate.infer.gateway.admin;

import io.infergate.infer.router.release.WindowFigures;
import java.time.Duration;

/** What the data plane saw of each variant: the figures gates judge and the admin API shows. */
@FunctionalInterface
public interface LiveVariants {
  /** Nothing seen: before the gateway is attached. */
  LiveVariants NONE = (model, variant, window) -> null;

  /**
   * {@code model}'s variant {@code variant} over the newest {@code window}, or null if the table in
   * force has no such variant.
   */
  LiveVariant of(String model, String variant, Duration window);

  /**
   * @param breaker the variant's circuit breaker state: CLOSED, OPEN, HALF_OPEN, ...
   */
  record LiveVariant(WindowFigures figures, String breaker) {}
}
