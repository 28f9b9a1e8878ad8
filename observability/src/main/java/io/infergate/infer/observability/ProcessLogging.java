package io.infergate.infer.observability;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Logging set-up every command of ours runs first: java.util.logging, which grpc-java and Netty
 * use, goes to SLF4J, so one backend formats and filters every line. The backend is Logback,
 * configured by {@link io.infergate.infer.observability.logging.LogbackConfigurator} (text or JSON
 * lines, {@code LOG_FORMAT} and {@code LOG_LEVEL}), which also keeps java.util.logging's levels
 * equal to Logback's.
 */
public final class ProcessLogging {
  private ProcessLogging() {}

  /** Routes java.util.logging to SLF4J; idempotent. */
  public static void install() {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }
}
