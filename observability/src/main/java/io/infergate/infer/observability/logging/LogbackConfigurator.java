package io.infergate.infer.observability.logging;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.infergate.infer.observability.config.ConfigException;
import io.opentelemetry.instrumentation.logback.mdc.v1_0.OpenTelemetryAppender;
import java.util.Map;

/**
 * The log configuration of every process of ours, found by Logback through {@code
 * META-INF/services} when it starts (on the first logger asked for), so tests and every command get
 * it without a call.
 *
 * <p>A {@code logback.xml} (or {@code logback-test.xml}) on the class path, or {@code
 * -Dlogback.configurationFile=FILE}, replaces it entirely: Logback asks configurators found as
 * services before it looks for files, so this one steps aside when it sees one. Lines go to
 * standard error, as slf4j-simple's did, which leaves standard output to what the commands print
 * for their users.
 *
 * <p>Each line passes through OpenTelemetry's MDC appender first, which adds {@code trace_id},
 * {@code span_id} and {@code trace_flags} when a valid span is current on the logging thread: lines
 * logged inside a call carry the call's trace, and lines outside any carry nothing.
 */
public final class LogbackConfigurator extends ContextAwareBase implements Configurator {
  /**
   * Text lines: time, level, thread, logger, {@code trace_id=...} inside a span, then {@code - }
   * and the message (bin/demo cuts lines at the last {@code " - "}).
   */
  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36}"
          + "%replace( trace_id=%mdc{trace_id}){' trace_id=$', ''} - %msg%n";

  /**
   * Loggers held at WARN unless {@code LOG_LEVEL} names them. gRPC's Netty transport logs "Epoll
   * available during static init of TcpMetrics" at INFO once per JVM: news to nobody, and noise in
   * every command's output. {@code NettyServerTransport} logs "Transport failed" with a stack trace
   * at INFO for every client connection that ends in an error; a client that misbehaves on purpose
   * (HTTP/2 Rapid Reset: hundreds of closed connections a minute) would fill the log with them.
   */
  private static final Map<String, Level> QUIET_BY_DEFAULT =
      Map.of(
          "io.grpc.netty.TcpMetrics", Level.WARN,
          "io.grpc.netty.NettyServerTransport", Level.WARN);

  /** Called by Logback's {@code ServiceLoader}. */
  public LogbackConfigurator() {}

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (aFileIsGiven(LogbackConfigurator.class.getClassLoader())) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    LogSettings settings;
    ConfigException invalid = null;
    try {
      settings = LogSettings.fromEnvironment(System.getenv());
    } catch (ConfigException e) {
      // Logging cannot refuse to start: it starts with the defaults and says why, as its first
      // line.
      invalid = e;
      settings = LogSettings.defaults();
    }
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setTarget("System.err");
    configure(context, settings, console);
    if (invalid != null) {
      context
          .getLogger(LogbackConfigurator.class)
          .warn("Logging with the defaults (text, info): {}", invalid.getMessage());
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Whether Logback's own file lookup will find a configuration file. */
  static boolean aFileIsGiven(ClassLoader loader) {
    return System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null
        || loader.getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null
        || loader.getResource(ClassicConstants.AUTOCONFIG_FILE) != null;
  }

  /**
   * Sends every line of {@code context} to {@code output}, encoded as {@code settings} say, with
   * trace context added, at the levels {@code settings} set.
   */
  static void configure(
      LoggerContext context, LogSettings settings, OutputStreamAppender<ILoggingEvent> output) {
    // java.util.logging (grpc-java, Netty, OpenTelemetry) checks its own levels before the bridge
    // sees a record; this keeps them equal to ours, so LOG_LEVEL=io.grpc=debug shows grpc's FINE.
    LevelChangePropagator julLevels = new LevelChangePropagator();
    julLevels.setContext(context);
    julLevels.setResetJUL(true);
    julLevels.start();
    context.addListener(julLevels);

    output.setContext(context);
    output.setName("output");
    output.setEncoder(encoder(context, settings.format()));
    output.start();

    OpenTelemetryAppender traceContext = new OpenTelemetryAppender();
    traceContext.setContext(context);
    traceContext.setName("trace-context");
    traceContext.addAppender(output);
    traceContext.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(traceContext);
    root.setLevel(settings.rootLevel());
    QUIET_BY_DEFAULT.forEach((name, level) -> context.getLogger(name).setLevel(level));
    settings.loggerLevels().forEach((name, level) -> context.getLogger(name).setLevel(level));
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogSettings.Format format) {
    return switch (format) {
      case TEXT -> {
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        text.start();
        yield text;
      }
      case JSON -> {
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        // One object a line with what a log pipeline indexes: timestamp (epoch ms), level,
        // threadName, loggerName, mdc (trace_id, span_id), formattedMessage, throwable.
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithFormattedMessage(true);
        json.start();
        yield json;
      }
    };
  }
}
