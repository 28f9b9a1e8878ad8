package io.infergate.infer.observability.config;

import java.util.List;

/**
 * A configuration bound from all its sources, with the report of its effective values.
 *
 * @param value the typed configuration
 * @param effective one line a value, {@code path=value (source)}, for the start-up log
 */
public record Bound<T>(T value, List<String> effective) {
  public Bound {
    effective = List.copyOf(effective);
  }
}
