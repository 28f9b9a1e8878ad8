package io.infergate.infer.perf.batching;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The span processor's own counters, read from a model server's {@code /metrics}: at 100 % sampling
 * the batch span processor drops what its queue cannot hold, and an overhead measured while it
 * drops leaves out the export of what it dropped, so the report says how many.
 */
final class SpanProcessorScrape {
  /** What the model server prints once its metrics endpoint listens. */
  private static final String METRICS_ON = "metrics on ";

  private SpanProcessorScrape() {}

  /**
   * The {@code otel_sdk_span_processor_*} samples of the server whose log is {@code log}, joined
   * with "; "; empty when it serves no metrics or records no spans.
   */
  static String of(Path log) throws IOException, InterruptedException {
    String url = null;
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      int at = line.indexOf(METRICS_ON);
      if (at >= 0 && line.substring(at + METRICS_ON.length()).startsWith("http")) {
        url = line.substring(at + METRICS_ON.length()).trim().split("\\s+")[0];
        break;
      }
    }
    if (url == null) {
      return "";
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    List<String> samples = new ArrayList<>();
    for (String line : response.body().split("\n")) {
      if (line.startsWith("otel_sdk_span_processor_")) {
        samples.add(line.replaceAll("otel_scope_[a-z_]+=\"[^\"]*\",?", "").replace(",}", "}"));
      }
    }
    return String.join("; ", samples);
  }
}
