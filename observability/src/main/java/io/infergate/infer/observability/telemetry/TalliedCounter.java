package io.infergate.infer.observability.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A counter (or up-down counter) that every call updates, kept as one {@link Tally} per attribute
 * set and read by the SDK when it collects, through an asynchronous instrument of the same name,
 * unit and exported type as the synchronous one it stands for. Take each series once, when its
 * attributes are built (a version loads, a routing table is built), never per call.
 *
 * <p>On a meter with no reader (the API's no-op meter, which the SDK also hands out when metrics
 * are off) every series is {@link Tally#OFF} and adding costs a branch.
 */
public final class TalliedCounter implements AutoCloseable {
  /** The API's no-op meter: one instance, which the SDK also hands out when it has no reader. */
  private static final Meter NO_READER = MeterProvider.noop().get("none");

  private final Map<Attributes, Tally> series = new ConcurrentHashMap<>();
  private final boolean on;
  private final Runnable close;

  private TalliedCounter(Meter meter, String name, String unit, String description, boolean sum) {
    this.on = meter != NO_READER;
    Consumer<ObservableLongMeasurement> report =
        into -> series.forEach((attributes, tally) -> tally.report(attributes, into));
    this.close =
        sum
            ? meter
                    .counterBuilder(name)
                    .setUnit(unit)
                    .setDescription(description)
                    .buildWithCallback(report)
                ::close
            : meter
                    .upDownCounterBuilder(name)
                    .setUnit(unit)
                    .setDescription(description)
                    .buildWithCallback(report)
                ::close;
  }

  /** A monotonic counter ({@code ..._total} in Prometheus). */
  public static TalliedCounter counter(Meter meter, String name, String unit, String description) {
    return new TalliedCounter(meter, name, unit, description, true);
  }

  /** A count that goes up and down, such as calls in flight. */
  public static TalliedCounter upDownCounter(
      Meter meter, String name, String unit, String description) {
    return new TalliedCounter(meter, name, unit, description, false);
  }

  /**
   * The series at {@code attributes}, the same tally for every caller that asks for it: a version
   * reloaded, or a route in a newer table, goes on counting where the last one stopped.
   */
  public Tally series(Attributes attributes) {
    return on ? series.computeIfAbsent(attributes, a -> new Tally(true)) : Tally.OFF;
  }

  /**
   * Stops reporting: a stopped server's counts would otherwise stay reachable from the SDK and be
   * reported beside a newer server's.
   */
  @Override
  public void close() {
    close.run();
  }
}
