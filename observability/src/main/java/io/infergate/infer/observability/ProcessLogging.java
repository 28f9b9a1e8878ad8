package io.infergate.infer.observability;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Logging set-up every command of ours runs first: java.util.logging, which grpc-java and Netty
 * use, goes to SLF4J, so one backend formats and filters every line.
 */
public final class ProcessLogging {
  /**
   * grpc-netty (1.81 and later) logs "Epoll available during static init of TcpMetrics" at INFO
   * once per JVM: news to nobody, and noise in every command's output. Held here because
   * java.util.logging keeps loggers weakly, and a collected logger forgets its level.
   */
  private static final Logger TCP_METRICS = Logger.getLogger("io.grpc.netty.TcpMetrics");

  private ProcessLogging() {}

  /** Routes java.util.logging to SLF4J; idempotent. */
  public static void install() {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    TCP_METRICS.setLevel(Level.WARNING);
  }
}
