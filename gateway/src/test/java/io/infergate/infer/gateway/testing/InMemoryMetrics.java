package io.infergate.infer.gateway.testing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.Collection;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An OpenTelemetry SDK that records metrics only, read in memory; a gateway started with {@link
 * #openTelemetry()} records into it. Closed after each test as a registered extension field
 * (declared after the test bed, so that it closes first, as an after-each method would), or by
 * try-with-resources.
 */
public final class InMemoryMetrics implements AfterEachCallback, AutoCloseable {
  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
          .build();

  public OpenTelemetry openTelemetry() {
    return sdk;
  }

  /** Every metric recorded so far. */
  public Collection<MetricData> collect() {
    return reader.collectAllMetrics();
  }

  @Override
  public void close() {
    sdk.close();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }
}
