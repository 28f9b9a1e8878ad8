package io.infergate.infer.observability.telemetry;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Gives OpenTelemetry's {@code target_info} (the process's resource: service name, version,
 * instance) the HELP line the exporter leaves out, so {@code promtool check metrics} passes on what
 * the servers expose. Runs per scrape, not per call.
 */
final class TargetInfoHelp {
  private static final String HELP = "Target metadata: the process's OpenTelemetry resource";

  private TargetInfoHelp() {}

  static MultiCollector around(MultiCollector exporter) {
    return () -> {
      MetricSnapshots snapshots = exporter.collect();
      MetricSnapshots.Builder withHelp = MetricSnapshots.builder();
      for (MetricSnapshot snapshot : snapshots) {
        MetricMetadata metadata = snapshot.getMetadata();
        if (snapshot instanceof InfoSnapshot info
            && "target".equals(metadata.getName())
            && metadata.getHelp() == null) {
          withHelp.metricSnapshot(
              new InfoSnapshot(new MetricMetadata("target", HELP), info.getDataPoints()));
        } else {
          withHelp.metricSnapshot(snapshot);
        }
      }
      return withHelp.build();
    };
  }
}
