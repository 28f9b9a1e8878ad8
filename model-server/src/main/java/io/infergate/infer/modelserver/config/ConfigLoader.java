package io.infergate.infer.modelserver.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds a {@link ModelServerConfig} from defaults, then an optional YAML file, then flags.
 * Collects every error before failing, each naming its key ({@code port: 70000 (expected:
 * 0..65535)}), and remembers where each value came from so the server can print its effective
 * configuration once.
 */
public final class ConfigLoader {
  /** Keys of the YAML file, which are also the names of {@link ModelServerConfig}'s components. */
  public static final List<String> KEYS =
      List.of(
          "host",
          "port",
          "models",
          "workerThreads",
          "workerQueueCapacity",
          "maxInboundMessageBytes",
          "shutdownGrace",
          "batching",
          "repository",
          "tensorflow");

  /**
   * The keys that are mappings, with their own keys: the components of {@link BatchingConfig},
   * {@link RepositoryConfig} and {@link TensorFlowConfig}. Flags name them {@code <section>.<key>}.
   */
  public static final Map<String, List<String>> SECTIONS =
      Map.of(
          "batching",
          List.of(
              "enabled", "maxBatchSize", "maxQueueDelay", "preferredBatchSizes", "queueCapacity"),
          "repository",
          List.of("pollInterval", "warmupRuns"),
          "tensorflow",
          List.of(
              "interOpThreads",
              "intraOpThreads",
              "gpuAllowGrowth",
              "gpuMemoryFraction",
              "gpuVisibleDevices"));

  /** Every key a value can be set for: the scalar keys and {@code <section>.<key>}. */
  private static final List<String> FLAT_KEYS = flatKeys();

  private static final Map<String, String> DEFAULTS =
      Map.ofEntries(
          Map.entry("host", "0.0.0.0"),
          Map.entry("port", "8500"),
          Map.entry(
              "workerThreads",
              Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors()))),
          Map.entry(
              "workerQueueCapacity",
              Integer.toString(ModelServerConfig.DEFAULT_WORKER_QUEUE_CAPACITY)),
          Map.entry("maxInboundMessageBytes", Integer.toString(64 << 20)),
          Map.entry("shutdownGrace", "10s"),
          Map.entry("batching.enabled", Boolean.toString(BatchingConfig.DISABLED.enabled())),
          Map.entry(
              "batching.maxBatchSize", Integer.toString(BatchingConfig.DISABLED.maxBatchSize())),
          Map.entry(
              "batching.maxQueueDelay", BatchingConfig.DISABLED.maxQueueDelay().toMillis() + "ms"),
          Map.entry("batching.preferredBatchSizes", "[]"),
          Map.entry(
              "batching.queueCapacity", Integer.toString(BatchingConfig.DISABLED.queueCapacity())),
          Map.entry(
              "repository.pollInterval", RepositoryConfig.DEFAULT.pollInterval().toMillis() + "ms"),
          Map.entry(
              "repository.warmupRuns", Integer.toString(RepositoryConfig.DEFAULT.warmupRuns())),
          Map.entry(
              "tensorflow.interOpThreads",
              Integer.toString(TensorFlowConfig.DEFAULT.interOpThreads())),
          Map.entry(
              "tensorflow.intraOpThreads",
              Integer.toString(TensorFlowConfig.DEFAULT.intraOpThreads())),
          Map.entry(
              "tensorflow.gpuAllowGrowth",
              Boolean.toString(TensorFlowConfig.DEFAULT.gpuAllowGrowth())),
          Map.entry(
              "tensorflow.gpuMemoryFraction",
              Double.toString(TensorFlowConfig.DEFAULT.gpuMemoryFraction())),
          Map.entry("tensorflow.gpuVisibleDevices", TensorFlowConfig.DEFAULT.gpuVisibleDevices()));

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> sources = new LinkedHashMap<>();
  private final List<String> errors = new ArrayList<>();

  /** Starts from the defaults. */
  public ConfigLoader() {
    for (String key : FLAT_KEYS) {
      if (DEFAULTS.containsKey(key)) {
        set(key, DEFAULTS.get(key), "default");
      }
    }
  }

  /**
   * Reads a YAML file of {@link #KEYS}, with each of the {@link #SECTIONS} a mapping of its own
   * keys; unknown keys and unreadable files are errors.
   */
  public ConfigLoader file(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (IOException e) {
      errors.add(file + ": cannot read: " + e.getMessage());
      return this;
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return this;
    }
    if (!root.isObject()) {
      errors.add(file + ": expected a mapping of keys to values");
      return this;
    }
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      String key = entry.getKey();
      JsonNode value = entry.getValue();
      if (!KEYS.contains(key)) {
        errors.add(key + ": unknown key in " + file + " (known: " + KEYS + ")");
      } else if (SECTIONS.containsKey(key)) {
        section(key, value, file);
      } else if (!value.isValueNode()) {
        errors.add(key + ": expected a single value in " + file);
      } else {
        set(key, value.asText(), "file");
      }
    }
    return this;
  }

  /**
   * Sets a value from a command-line flag; null leaves the current value. Section keys are named
   * {@code <section>.<key>}.
   */
  public ConfigLoader flag(String key, Object value) {
    if (!FLAT_KEYS.contains(key)) {
      throw new IllegalArgumentException("unknown key " + key);
    }
    if (value != null) {
      set(key, value.toString(), "flag");
    }
    return this;
  }

  /**
   * Validates and builds the configuration.
   *
   * @throws ConfigException listing every bad key
   */
  public ModelServerConfig load() {
    String host = values.getOrDefault("host", "");
    if (host.isBlank()) {
      errors.add("host: empty (expected: an address such as 0.0.0.0 or 127.0.0.1)");
    }
    int port = intValue("port", 0, 65_535);
    Path models = null;
    String modelsText = values.get("models");
    if (modelsText == null || modelsText.isBlank()) {
      errors.add("models: missing (expected: the model repository directory, --models DIR)");
    } else {
      models = Path.of(modelsText);
      if (!Files.isDirectory(models)) {
        errors.add("models: " + modelsText + " (expected: an existing directory)");
      }
    }
    int workerThreads = intValue("workerThreads", 1, 1024);
    int workerQueueCapacity =
        intValue("workerQueueCapacity", 1, ModelServerConfig.WORKER_QUEUE_CAPACITY_LIMIT);
    int maxInbound = intValue("maxInboundMessageBytes", 1024, Integer.MAX_VALUE);
    Duration grace = durationValue("shutdownGrace");
    BatchingConfig batching = batchingValue();
    RepositoryConfig repository =
        section(
            () ->
                new RepositoryConfig(
                    durationValue("repository.pollInterval"),
                    intValue("repository.warmupRuns", 0, RepositoryConfig.WARMUP_RUNS_LIMIT)));
    TensorFlowConfig tensorFlow =
        section(
            () ->
                new TensorFlowConfig(
                    intValue("tensorflow.interOpThreads", -1, TensorFlowConfig.THREADS_LIMIT),
                    intValue("tensorflow.intraOpThreads", 0, TensorFlowConfig.THREADS_LIMIT),
                    booleanValue("tensorflow.gpuAllowGrowth"),
                    fractionValue("tensorflow.gpuMemoryFraction"),
                    deviceListValue("tensorflow.gpuVisibleDevices")));
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return new ModelServerConfig(
        host,
        port,
        models,
        workerThreads,
        workerQueueCapacity,
        maxInbound,
        grace,
        batching,
        repository,
        tensorFlow);
  }

  /** One line per key: {@code port=8500 (flag)}. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    values.forEach(
        (key, value) ->
            text.append(text.length() > 0 ? " " : "")
                .append(key)
                .append('=')
                .append(value)
                .append(" (")
                .append(sources.get(key))
                .append(')'));
    return text.toString();
  }

  private void section(String section, JsonNode node, Path file) {
    List<String> known = SECTIONS.get(section);
    if (!node.isObject()) {
      errors.add(section + ": expected a mapping of " + known + " in " + file);
      return;
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String key = section + "." + entry.getKey();
      JsonNode value = entry.getValue();
      if (!known.contains(entry.getKey())) {
        errors.add(key + ": unknown key in " + file + " (known: " + known + ")");
      } else if (value.isArray() && entry.getKey().equals("preferredBatchSizes")) {
        List<String> items = new ArrayList<>();
        value.forEach(item -> items.add(item.asText()));
        set(key, "[" + String.join(", ", items) + "]", "file");
      } else if (!value.isValueNode()) {
        errors.add(key + ": expected a single value in " + file);
      } else {
        set(key, value.asText(), "file");
      }
    }
  }

  /** Batching settings; with batching off they are still checked, so a typo never waits. */
  private BatchingConfig batchingValue() {
    int errorsBefore = errors.size();
    boolean enabled = booleanValue("batching.enabled");
    int maxBatchSize = intValue("batching.maxBatchSize", 1, BatchingConfig.MAX_BATCH_SIZE_LIMIT);
    Duration maxQueueDelay = durationValue("batching.maxQueueDelay");
    if (maxQueueDelay.compareTo(BatchingConfig.MAX_QUEUE_DELAY) > 0) {
      errors.add(
          "batching.maxQueueDelay: "
              + values.get("batching.maxQueueDelay")
              + " (expected: a duration of at most 1m)");
    }
    List<Integer> preferred = preferredBatchSizes(maxBatchSize);
    int queueCapacity = intValue("batching.queueCapacity", 1, BatchingConfig.QUEUE_CAPACITY_LIMIT);
    if (errors.size() > errorsBefore) {
      return BatchingConfig.DISABLED;
    }
    return new BatchingConfig(enabled, maxBatchSize, maxQueueDelay, preferred, queueCapacity);
  }

  /** {@code [16, 32]}, {@code 16, 32} or {@code 16}: ascending row counts in 1..maxBatchSize. */
  private List<Integer> preferredBatchSizes(int maxBatchSize) {
    String key = "batching.preferredBatchSizes";
    String text = values.get(key).trim();
    if (text.startsWith("[") && text.endsWith("]")) {
      text = text.substring(1, text.length() - 1);
    }
    List<Integer> sizes = new ArrayList<>();
    try {
      for (String item : text.split(",", -1)) {
        if (!item.isBlank()) {
          int size = Integer.parseInt(item.trim());
          if (size < 1
              || size > maxBatchSize
              || (!sizes.isEmpty() && size <= sizes.get(sizes.size() - 1))) {
            throw new NumberFormatException(item);
          }
          sizes.add(size);
        }
      }
      return sizes;
    } catch (NumberFormatException e) {
      errors.add(
          key
              + ": "
              + values.get(key)
              + " (expected: ascending integers in 1.."
              + maxBatchSize
              + ", the maxBatchSize)");
      return List.of();
    }
  }

  /** A section's record from its values; null, with the errors recorded, when any was bad. */
  private <T> T section(Supplier<T> build) {
    int errorsBefore = errors.size();
    T value;
    try {
      value = build.get();
    } catch (IllegalArgumentException e) {
      if (errors.size() == errorsBefore) {
        errors.add(e.getMessage());
      }
      return null;
    }
    return errors.size() > errorsBefore ? null : value;
  }

  private double fractionValue(String key) {
    String text = values.get(key);
    try {
      double value = Double.parseDouble(text.trim());
      if (value >= 0 && value <= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(key + ": " + text + " (expected: a number in 0..1)");
    return 0;
  }

  private String deviceListValue(String key) {
    String text = values.get(key).trim();
    if (TensorFlowConfig.DEVICE_LIST.matcher(text).matches()) {
      return text;
    }
    errors.add(key + ": " + text + " (expected: CUDA device indexes such as 0 or 0,1)");
    return "";
  }

  private boolean booleanValue(String key) {
    String text = values.get(key).trim().toLowerCase(Locale.ROOT);
    if (text.equals("true") || text.equals("false")) {
      return Boolean.parseBoolean(text);
    }
    errors.add(key + ": " + values.get(key) + " (expected: true or false)");
    return false;
  }

  private static List<String> flatKeys() {
    List<String> keys = new ArrayList<>();
    for (String key : KEYS) {
      if (SECTIONS.containsKey(key)) {
        SECTIONS.get(key).forEach(sub -> keys.add(key + "." + sub));
      } else {
        keys.add(key);
      }
    }
    return List.copyOf(keys);
  }

  private void set(String key, String value, String source) {
    values.put(key, value);
    sources.put(key, source);
  }

  private int intValue(String key, int min, int max) {
    String text = values.get(key);
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException | NullPointerException e) {
      // reported below
    }
    errors.add(key + ": " + text + " (expected: an integer in " + min + ".." + max + ")");
    return min;
  }

  /**
   * Durations as {@code 500us}, {@code 500ms}, {@code 10s}, {@code 2m}, or ISO-8601 ({@code
   * PT10S}).
   */
  private Duration durationValue(String key) {
    String text = values.get(key).trim().toLowerCase(Locale.ROOT);
    try {
      Duration value;
      if (text.endsWith("ms")) {
        value = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      } else if (text.endsWith("us")) {
        value =
            Duration.ofNanos(
                Math.multiplyExact(1000, Long.parseLong(text.substring(0, text.length() - 2))));
      } else if (text.endsWith("s")) {
        value = Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
      } else if (text.endsWith("m")) {
        value = Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
      } else {
        value = Duration.parse(text.toUpperCase(Locale.ROOT));
      }
      if (!value.isNegative()) {
        return value;
      }
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      // reported below
    }
    errors.add(
        key
            + ": "
            + values.get(key)
            + " (expected: a duration >= 0 such as 500us, 500ms, 10s, 2m)");
    return Duration.ZERO;
  }
}
