package io.infergate.infer.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Lines as both servers write them: trace context inside a span, none outside, levels applied. */
class LogbackConfiguratorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoggerContext context = new LoggerContext();
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private final SdkTracerProvider tracing = SdkTracerProvider.builder().build();

  @AfterEach
  void stop() {
    context.stop();
    tracing.close();
  }

  @Test
  void jsonLineLoggedInsideASpanCarriesItsTraceAndSpanIds() throws Exception {
    configure(LogSettings.fromEnvironment(Map.of("LOG_FORMAT", "json")));
    Logger logger = context.getLogger("io.infergate.test.Calls");

    Span span = tracing.get("test").spanBuilder("call").startSpan();
    inside(span, () -> logger.info("inside {}", "the call"));
    logger.info("outside");

    List<JsonNode> lines = jsonLines();
    SpanContext ids = span.getSpanContext();
    assertThat(lines).hasSize(2);
    JsonNode inside = lines.get(0);
    assertThat(inside.path("mdc").path("trace_id").asText()).isEqualTo(ids.getTraceId());
    assertThat(inside.path("mdc").path("span_id").asText()).isEqualTo(ids.getSpanId());
    assertThat(inside.path("formattedMessage").asText()).isEqualTo("inside the call");
    assertThat(inside.path("level").asText()).isEqualTo("INFO");
    assertThat(inside.path("loggerName").asText()).isEqualTo("io.infergate.test.Calls");
    assertThat(inside.path("threadName").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(inside.path("timestamp").asLong()).isPositive();
    assertThat(lines.get(1).path("mdc").path("trace_id").isMissingNode()).isTrue();
  }

  @Test
  void textLineShowsTheTraceIdOnlyInsideASpanAndTheMessageAfterADash() {
    configure(LogSettings.defaults());
    Logger logger = context.getLogger("io.infergate.test.Calls");

    Span span = tracing.get("test").spanBuilder("call").startSpan();
    inside(span, () -> logger.warn("inside"));
    logger.info("outside");

    String[] lines = written.toString(StandardCharsets.UTF_8).split("\n");
    String thread = Thread.currentThread().getName();
    assertThat(lines).hasSize(2);
    assertThat(lines[0])
        .matches(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\["
                + thread
                + "] io\\.infergate\\.test\\.Calls trace_id="
                + span.getSpanContext().getTraceId()
                + " - inside");
    assertThat(lines[1]).endsWith("[" + thread + "] io.infergate.test.Calls - outside");
  }

  @Test
  void levelsApplyToTheRootAndToNamedLoggersAndTheirChildren() {
    configure(
        LogSettings.fromEnvironment(Map.of("LOG_LEVEL", "warn, io.infergate.debugged=debug")));

    context.getLogger("io.infergate.other").info("dropped");
    context.getLogger("io.infergate.other").warn("kept 1");
    context.getLogger("io.infergate.debugged.Child").debug("kept 2");
    context.getLogger("io.infergate.debugged.Child").trace("dropped");

    assertThat(written.toString(StandardCharsets.UTF_8))
        .contains("kept 1", "kept 2")
        .doesNotContain("dropped");
  }

  @Test
  void theProcessLoggingIsThisConfigurationFoundByLogbackItself() {
    LoggerContext process = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = process.getLogger(Logger.ROOT_LOGGER_NAME);

    assertThat(root.getAppender("trace-context")).isNotNull();
    assumeTrue(System.getenv("LOG_LEVEL") == null, "LOG_LEVEL is set: the levels are its own");
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    assertThat(process.getLogger("io.grpc.netty.TcpMetrics").getLevel()).isEqualTo(Level.WARN);
    assertThat(process.getLogger("io.grpc.netty.NettyServerTransport").getLevel())
        .isEqualTo(Level.WARN);
  }

  @Test
  void stepsAsideForALogbackFileOnTheClassPath(@TempDir Path withFile, @TempDir Path without)
      throws Exception {
    Files.writeString(withFile.resolve("logback.xml"), "<configuration/>");
    try (URLClassLoader files = new URLClassLoader(new URL[] {withFile.toUri().toURL()}, null);
        URLClassLoader none = new URLClassLoader(new URL[] {without.toUri().toURL()}, null)) {
      assertThat(LogbackConfigurator.aFileIsGiven(files)).isTrue();
      assertThat(LogbackConfigurator.aFileIsGiven(none)).isFalse();
    }
  }

  @SuppressWarnings("try") // the scope is what the body runs in
  private static void inside(Span span, Runnable body) {
    try (Scope scope = span.makeCurrent()) {
      body.run();
    } finally {
      span.end();
    }
  }

  private void configure(LogSettings settings) {
    // A context of our own (the process's is Logback's), given the MDC that Logback's SLF4J
    // provider gives the process's.
    context.setMDCAdapter(new LogbackMDCAdapter());
    OutputStreamAppender<ILoggingEvent> output = new OutputStreamAppender<>();
    output.setOutputStream(written);
    LogbackConfigurator.configure(context, settings, output);
  }

  private List<JsonNode> jsonLines() throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : written.toString(StandardCharsets.UTF_8).split("\n")) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }
}
