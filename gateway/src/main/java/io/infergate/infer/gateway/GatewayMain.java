package io.infergate.infer.gateway;

import io.infergate.infer.gateway.admin.AdminServer;
import io.infergate.infer.gateway.admin.BearerTokens;
import io.infergate.infer.gateway.admin.ReleaseControl;
import io.infergate.infer.gateway.config.ConfigWatcher;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.config.GatewayConfigLoader;
import io.infergate.infer.observability.HelpAndVersion;
import io.infergate.infer.observability.ProcessLogging;
import io.infergate.infer.observability.config.Bound;
import io.infergate.infer.observability.config.ConfigException;
import io.infergate.infer.observability.config.Durations;
import io.infergate.infer.observability.server.ExitCodes;
import io.infergate.infer.observability.server.ListeningLines;
import io.infergate.infer.observability.telemetry.Telemetry;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bin/gateway --config FILE}: binds the configuration (file, {@code GATEWAY_*} environment
 * variables, flags), starts the gateway, reloads its routes when the file changes. Exits 2 on bad
 * configuration and 3 when the address cannot be bound, each with one message on stderr.
 */
@Command(
    name = "gateway",
    description = "Routes OIP v2 and TF Serving gRPC calls to model servers by model.")
public final class GatewayMain implements Callable<Integer> {
  static {
    // First, before logging resolves a name or anything loads Netty.
    JvmDefaults.apply();
  }

  @Mixin HelpAndVersion helpAndVersion;

  private static final Logger log = LoggerFactory.getLogger(GatewayMain.class);

  @Option(
      names = "--config",
      description = "YAML file: listen address and routes (default: $GATEWAY_CONFIG)")
  Path configFile;

  @Option(names = "--host", description = "address to bind; overrides $GATEWAY_HOST and the file")
  String host;

  @Option(
      names = "--port",
      description = "port to bind, 0 for any free one; overrides $GATEWAY_PORT and the file")
  Integer port;

  @Option(
      names = "--metrics-port",
      description =
          "port of /metrics, 0 for any free one; overrides $GATEWAY_METRICS_PORT and the file"
              + " (default 9464)")
  Integer metricsPort;

  @Spec CommandSpec spec;

  private final Map<String, String> environment;

  GatewayMain(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  public static void main(String[] args) {
    ProcessLogging.install();
    System.exit(new CommandLine(new GatewayMain(System.getenv())).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    Path file =
        configFile != null
            ? configFile
            : environment.containsKey(GatewayConfigLoader.CONFIG_VARIABLE)
                ? Path.of(environment.get(GatewayConfigLoader.CONFIG_VARIABLE))
                : null;
    if (file == null) {
      err.println(
          "gateway: invalid configuration:\n  config: missing (expected: --config FILE or "
              + GatewayConfigLoader.CONFIG_VARIABLE
              + ")");
      return ExitCodes.BAD_CONFIG;
    }
    Map<String, String> flags = new LinkedHashMap<>();
    if (host != null) {
      flags.put("host", host);
    }
    if (port != null) {
      flags.put("port", port.toString());
    }
    if (metricsPort != null) {
      flags.put("telemetry.metricsPort", metricsPort.toString());
    }
    GatewayConfigLoader loader = new GatewayConfigLoader(file, environment, flags);
    byte[] loadedBytes;
    Bound<GatewayConfig> bound;
    try {
      loadedBytes = Files.readAllBytes(file);
      bound = loader.load();
    } catch (ConfigException e) {
      err.println("gateway: " + e.getMessage());
      return ExitCodes.BAD_CONFIG;
    } catch (IOException e) {
      err.println("gateway: invalid configuration:\n  " + file + ": cannot read (" + e + ")");
      return ExitCodes.BAD_CONFIG;
    }
    GatewayConfig config = bound.value();
    log.info("Effective config:\n  {}", String.join("\n  ", bound.effective()));
    BearerTokens tokens = null;
    if (config.admin() != null) {
      try {
        // Before any port is bound: a bad tokens file is a configuration error like any other.
        tokens =
            config.admin().tokensFile() == null
                ? BearerTokens.none()
                : BearerTokens.load(config.admin().tokensFile());
      } catch (IllegalArgumentException e) {
        err.println("gateway: invalid configuration:\n  admin.tokensFile: " + e.getMessage());
        return ExitCodes.BAD_CONFIG;
      }
    }
    Telemetry telemetry;
    try {
      telemetry = Telemetry.start("gateway", config.telemetry());
    } catch (UncheckedIOException e) {
      err.println("gateway: " + e.getMessage());
      return ExitCodes.CANNOT_LISTEN;
    } catch (ConfigurationException e) {
      err.println("gateway: invalid configuration:\n  OTEL_* environment: " + e.getMessage());
      return ExitCodes.BAD_CONFIG;
    }
    ReleaseControl release = null;
    if (config.admin() != null) {
      try {
        release =
            ReleaseControl.open(config.admin().stateDir(), config.routes(), Clock.systemUTC());
      } catch (UncheckedIOException | IllegalArgumentException e) {
        telemetry.close();
        err.println("gateway: invalid configuration:\n  admin.stateDir: " + e.getMessage());
        return ExitCodes.BAD_CONFIG;
      }
    }
    Gateway gateway;
    AdminServer admin = null;
    try {
      gateway =
          Gateway.start(
              config,
              release == null ? config.routes() : release.routes(),
              telemetry.openTelemetry());
      if (release != null) {
        release.attach(gateway::apply, gateway.liveVariants());
        try {
          admin = AdminServer.start(config.admin(), tokens, release);
        } catch (RuntimeException e) {
          gateway.close();
          throw e;
        }
      }
    } catch (UncheckedIOException e) {
      telemetry.close();
      err.println("gateway: " + e.getMessage());
      return ExitCodes.CANNOT_LISTEN;
    } catch (IllegalArgumentException e) {
      telemetry.close();
      // A TLS key or certificate that cannot be used: read at start, not by the config binder.
      err.println("gateway: invalid configuration:\n  " + e.getMessage());
      return ExitCodes.BAD_CONFIG;
    }
    ReleaseControl releaseControl = release;
    AdminServer adminServer = admin;
    ConfigWatcher watcher =
        config.reloadCheckInterval().isZero()
            ? null
            : ConfigWatcher.start(
                loader,
                loadedBytes,
                config.reloadCheckInterval(),
                reloaded -> reload(gateway, releaseControl, config, reloaded));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (watcher != null) {
                    watcher.close();
                  }
                  if (adminServer != null) {
                    adminServer.close();
                  }
                  gateway.close();
                  closeQuietly(releaseControl);
                  telemetry.close();
                },
                "gateway-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    ListeningLines.of(
            "gateway", config.host(), gateway.port(), config.tls(), telemetry.metricsUrl())
        .forEach(out::println);
    if (adminServer != null) {
      out.println(
          "admin API on "
              + config.admin().host()
              + ":"
              + adminServer.port()
              + (config.admin().tls() == null ? "" : " (" + config.admin().tls().describe() + ")"));
    }
    out.flush();
    log.info(
        "Gateway serving {} route(s); reload check {}",
        config.routes().routes().size(),
        watcher == null ? "off" : "every " + Durations.format(config.reloadCheckInterval()));
    gateway.awaitTermination();
    return ExitCodes.OK;
  }

  private static void closeQuietly(ReleaseControl release) {
    if (release == null) {
      return;
    }
    try {
      release.close();
    } catch (IOException e) {
      log.warn("Closing the audit log failed", e);
    }
  }

  private static void reload(
      Gateway gateway, ReleaseControl release, GatewayConfig running, GatewayConfig reloaded) {
    if (!reloaded.host().equals(running.host()) || reloaded.port() != running.port()) {
      log.warn(
          "Config reload: the listen address stays {}:{} until a restart",
          running.host(),
          running.port());
    }
    if (!Objects.equals(reloaded.tls(), running.tls())
        || !Objects.equals(reloaded.upstream().tls(), running.upstream().tls())) {
      // Rotation needs no restart: the files named are read again every refreshInterval.
      log.warn("Config reload: TLS settings stay as they were started until a restart");
    }
    if (!reloaded.discovery().equals(running.discovery())) {
      log.warn("Config reload: discovery.interval stays as it was started until a restart");
    }
    if (!Objects.equals(reloaded.admin(), running.admin())) {
      log.warn("Config reload: the admin settings stay as they were started until a restart");
    }
    if (release == null) {
      gateway.reload(reloaded);
    } else {
      // The file's weights win only where they changed; API weights stay over the rest.
      release.fileChanged(reloaded.routes(), table -> gateway.reload(reloaded, table));
    }
  }
}
