package io.infergate.infer.modelserver;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.modelserver.backend.ModelLoadException;
import io.infergate.infer.modelserver.config.ModelServerConfig;
import io.infergate.infer.observability.HelpAndVersion;
import io.infergate.infer.observability.ProcessLogging;
import io.infergate.infer.observability.config.Bound;
import io.infergate.infer.observability.config.ConfigBinder;
import io.infergate.infer.observability.config.ConfigException;
import io.infergate.infer.observability.config.Source;
import io.infergate.infer.observability.server.ExitCodes;
import io.infergate.infer.observability.server.ListeningLines;
import io.infergate.infer.observability.telemetry.Telemetry;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
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
 * {@code bin/model-server}: binds the configuration (defaults, YAML file, environment, flags),
 * starts the server, stops it on SIGTERM. Exit codes: 2 for bad configuration (including a model
 * that cannot be loaded at start), 3 when the port cannot be bound.
 */
@Command(
    name = "model-server",
    description = "Serves TensorFlow SavedModels over OIP v2 and TF Serving gRPC APIs.",
    footer = {
      "",
      "Environment: MODEL_SERVER_CONFIG (the --config file), MODEL_SERVER_HOST, MODEL_SERVER_PORT,"
          + " MODEL_SERVER_MODELS, MODEL_SERVER_WORKER_THREADS, MODEL_SERVER_BATCHING,"
          + " MODEL_SERVER_METRICS_PORT (one for each flag), and OpenTelemetry's OTEL_*; flags win"
          + " over them, they win over the file.",
      "Exit codes: 0 stopped, 2 bad configuration or a model that cannot be loaded, 3 cannot"
          + " listen."
    })
public final class ModelServerMain implements Callable<Integer> {
  @Mixin HelpAndVersion helpAndVersion;

  private static final Logger log = LoggerFactory.getLogger(ModelServerMain.class);

  /** The environment variable naming the configuration file, as {@code --config} does. */
  public static final String CONFIG_VARIABLE = "MODEL_SERVER_CONFIG";

  /**
   * The environment variables that set keys, and those keys: one for each flag, so that a container
   * is configured without a shell to build a command line.
   */
  public static final Map<String, String> VARIABLES =
      Map.of(
          "MODEL_SERVER_HOST", "host",
          "MODEL_SERVER_PORT", "port",
          "MODEL_SERVER_MODELS", "models",
          "MODEL_SERVER_WORKER_THREADS", "workerThreads",
          "MODEL_SERVER_BATCHING", "batching.enabled",
          "MODEL_SERVER_METRICS_PORT", "telemetry.metricsPort");

  /** Keys whose environment text is YAML as it stands (numbers, booleans); others are quoted. */
  private static final Set<String> UNQUOTED_KEYS =
      Set.of("port", "workerThreads", "batching.enabled", "telemetry.metricsPort");

  private final Map<String, String> environment;

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "YAML file of any of: host, port, models, workerThreads, workerQueueCapacity,"
              + " maxInboundMessageBytes, shutdownGrace, batching, repository, tensorflow, warmup")
  Path configFile;

  @Option(names = "--host", paramLabel = "ADDRESS", description = "address to bind (0.0.0.0)")
  String host;

  @Option(names = "--port", paramLabel = "PORT", description = "gRPC port; 0 any free one (8500)")
  String port;

  @Option(
      names = "--models",
      paramLabel = "DIR",
      description = "model repository: <DIR>/<model>/<version>/")
  String models;

  @Option(
      names = "--worker-threads",
      paramLabel = "N",
      description =
          "threads running calls; overrides $MODEL_SERVER_WORKER_THREADS (default: cores)")
  String workerThreads;

  @Option(
      names = "--batching",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "BOOLEAN",
      description =
          "batch concurrent calls per model version (batching.enabled); overrides"
              + " $MODEL_SERVER_BATCHING (default false)")
  String batching;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description = "port of /metrics; 0 any free one (9465)")
  String metricsPort;

  /** A command reading {@code environment} (the process's own, from {@link #main}). */
  ModelServerMain(Map<String, String> environment) {
    this.environment = requireNonNull(environment, "environment");
  }

  public static void main(String[] args) {
    ProcessLogging.install();
    System.exit(new CommandLine(new ModelServerMain(System.getenv())).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    ModelServerConfig config;
    try {
      Bound<ModelServerConfig> bound = bind();
      config = bound.value();
      log.info("Effective config:\n  {}", String.join("\n  ", bound.effective()));
    } catch (ConfigException e) {
      return fail(ExitCodes.BAD_CONFIG, e.getMessage());
    }
    Telemetry telemetry;
    try {
      telemetry = Telemetry.start("model-server", config.telemetry());
    } catch (UncheckedIOException e) {
      return fail(ExitCodes.CANNOT_LISTEN, e.getMessage());
    } catch (ConfigurationException e) {
      return fail(ExitCodes.BAD_CONFIG, "OTEL_* environment: " + e.getMessage());
    }
    ModelServer server;
    try {
      server = ModelServer.start(config, telemetry.openTelemetry());
    } catch (RuntimeException e) {
      telemetry.close();
      return failToStart(e);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  telemetry.close();
                },
                "model-server-shutdown"));
    ListeningLines.of(
            "model-server", config.host(), server.port(), config.tls(), telemetry.metricsUrl())
        .forEach(System.out::println);
    log.info(
        "Serving {} on port {} ({} transport, {})",
        config.models(),
        server.port(),
        server.transportKind(),
        config.tls() == null ? "plaintext" : config.tls().describe());
    server.awaitTermination();
    return ExitCodes.OK;
  }

  /** The exit code and message for a server that could not start. */
  private int failToStart(RuntimeException e) {
    if (e instanceof ModelLoadException) {
      return fail(ExitCodes.BAD_CONFIG, e.getMessage());
    }
    if (e instanceof IllegalArgumentException) {
      // Only TLS files are read at start beyond the models: a key or certificate that cannot be
      // used.
      return fail(ExitCodes.BAD_CONFIG, "tls: " + e.getMessage());
    }
    if (e instanceof UncheckedIOException) {
      return fail(ExitCodes.CANNOT_LISTEN, e.getMessage());
    }
    throw e;
  }

  /** The configuration from every source, lowest precedence first. */
  Bound<ModelServerConfig> bind() {
    ConfigBinder<ModelServerConfig> binder = ConfigBinder.of(ModelServerConfig.class);
    String fromEnvironment = environment.get(CONFIG_VARIABLE);
    if (configFile != null) {
      binder.file(configFile);
    } else if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
      binder.file(Path.of(fromEnvironment));
    }
    VARIABLES.forEach(
        (variable, key) -> {
          String text = environment.get(variable);
          if (text != null && !text.isEmpty()) {
            binder.value(
                key, UNQUOTED_KEYS.contains(key) ? text : quoted(text), Source.ENVIRONMENT);
          }
        });
    flag(binder, "host", host == null ? null : quoted(host));
    flag(binder, "port", port);
    flag(binder, "models", models == null ? null : quoted(models));
    flag(binder, "workerThreads", workerThreads);
    flag(binder, "batching.enabled", batching);
    flag(binder, "telemetry.metricsPort", metricsPort);
    return binder.bind();
  }

  private int fail(int code, String message) {
    spec.commandLine().getErr().println("model-server: " + message);
    spec.commandLine().getErr().flush();
    return code;
  }

  private static void flag(ConfigBinder<?> binder, String key, String text) {
    if (text != null) {
      binder.value(key, text, Source.FLAG);
    }
  }

  /** {@code text} as a YAML string, so that an address or a path is never read as YAML. */
  private static String quoted(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
