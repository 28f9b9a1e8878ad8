package io.infergate.infer.gateway.config;

import io.infergate.infer.observability.Schedulers;
import io.infergate.infer.observability.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload: checks the config file's bytes every interval and hands a changed, valid
 * configuration to {@code apply}. The file goes through the same {@link GatewayConfigLoader} as at
 * start-up; a file it refuses, or one that fails to apply, is logged and ignored, the routes in
 * force keep serving, and the next change is checked as usual. Polling (rather than a WatchService)
 * also sees files that Kubernetes swaps in through symlinks.
 */
public final class ConfigWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

  private final GatewayConfigLoader loader;
  private final Consumer<GatewayConfig> apply;
  private final ScheduledExecutorService timer;
  private final AtomicLong rejected = new AtomicLong();
  private byte[] lastSeen;

  private ConfigWatcher(GatewayConfigLoader loader, byte[] loaded, Consumer<GatewayConfig> apply) {
    this.loader = loader;
    this.lastSeen = loaded;
    this.apply = apply;
    this.timer = Schedulers.daemon("gateway-config-watcher");
  }

  /**
   * Starts checking {@code loader}'s file every {@code interval}; {@code loaded} are the bytes of
   * the configuration in force, so that only a change is applied.
   */
  public static ConfigWatcher start(
      GatewayConfigLoader loader, byte[] loaded, Duration interval, Consumer<GatewayConfig> apply) {
    ConfigWatcher watcher = new ConfigWatcher(loader, loaded.clone(), apply);
    long millis = Math.max(1, interval.toMillis());
    watcher.timer.scheduleWithFixedDelay(watcher::check, millis, millis, TimeUnit.MILLISECONDS);
    return watcher;
  }

  /**
   * Checks once; public so a SIGHUP-style trigger or a test can force a check. Never throws: a
   * scheduled check that threw would never run again.
   */
  public synchronized void check() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(loader.file());
    } catch (IOException e) {
      log.warn(
          "Config reload: cannot read {} ({}); keeping the routes in force",
          loader.file(),
          e.toString());
      return;
    }
    if (Arrays.equals(bytes, lastSeen)) {
      return;
    }
    lastSeen = bytes;
    GatewayConfig config;
    try {
      config = loader.load().value();
    } catch (ConfigException e) {
      rejected.incrementAndGet();
      log.warn(
          "Config reload of {} rejected, keeping the routes in force: {}",
          loader.file(),
          e.getMessage());
      return;
    } catch (RuntimeException e) {
      rejected.incrementAndGet();
      log.error("Config reload of {} failed, keeping the routes in force", loader.file(), e);
      return;
    }
    try {
      apply.accept(config);
      log.info(
          "Config reloaded from {}: {} route(s)", loader.file(), config.routes().routes().size());
    } catch (RuntimeException e) {
      rejected.incrementAndGet();
      log.error("Config reload failed to apply, keeping the routes in force", e);
    }
  }

  /** How many changed files were refused or failed to apply, for operators and tests. */
  public long rejected() {
    return rejected.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
