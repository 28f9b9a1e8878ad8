package io.infergate.infer.modelserver.repository;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.modelserver.backend.ModelLoadException;
import io.infergate.infer.modelserver.config.ModelServerConfig;
import io.infergate.infer.modelserver.repository.VersionState.State;
import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;
import io.infergate.infer.observability.Schedulers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models on disk, laid out as TF Serving and Triton lay them out: {@code
 * <root>/<model>/<version>/} where each numeric version directory holds a SavedModel, with an
 * optional {@code <root>/<model>/model.yaml} ({@link ModelConfig}: version policy and labels).
 *
 * <p>At start every version the policy selects is loaded and warmed up, and any failure fails the
 * start. While watched, one thread re-scans the directory every poll interval and, per model:
 *
 * <ol>
 *   <li>re-reads {@code model.yaml} (a bad edit is logged and the previous settings kept);
 *   <li>loads and warms up each newly selected version once its directory has stopped changing for
 *       one poll (so a half-copied directory is not loaded);
 *   <li>publishes the new set of versions, and only then retires those no longer selected: each
 *       closes when its last call in flight is answered ({@link ServedVersion}).
 * </ol>
 *
 * A version that fails to load is reported ({@link VersionState.State#END} with the error, and an
 * ERROR log line) and treated as absent, so the policy keeps selecting the versions served before
 * it: the old one keeps serving. It is tried again when its directory changes.
 *
 * <p>Calls read only the published snapshot, a volatile map: no lock on the call path.
 */
public final class ModelRepository implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelRepository.class);

  /** How long close waits for calls still in flight on a version before leaving it open. */
  private static final long UNLOAD_WAIT_SECONDS = 10;

  /** Told when a model gains its first available version or loses its last one. */
  @FunctionalInterface
  public interface Listener {
    void availabilityChanged(String model, boolean available);
  }

  private final Path root;

  /** The root with every symlink resolved: what a version directory must resolve inside. */
  private final Path realRoot;

  private final boolean allowSymlinksOutside;
  private final boolean absolutePathsInStatus;
  private final Listener listener;
  private final ScheduledExecutorService thread;
  private final VersionLoader loader;

  // Owned by the repository thread (and by open() before that thread starts).
  private final Map<String, ModelState> models = new TreeMap<>();

  private volatile Map<String, ServedModel> served = Map.of();

  private ModelRepository(
      ModelServerConfig config,
      Executor completions,
      WarmupRequests warmup,
      Listener listener,
      ModelServerTelemetry telemetry) {
    this.root = config.models();
    this.realRoot = realPath(root);
    this.allowSymlinksOutside = config.repository().allowSymlinksOutside();
    this.absolutePathsInStatus = config.repository().absolutePathsInStatus();
    this.listener = listener;
    this.thread = Schedulers.daemon("model-repository");
    Executor unloader =
        task ->
            thread.execute(
                () -> {
                  task.run();
                  publish();
                });
    this.loader =
        new VersionLoader(
            config.tensorFlow(),
            config.batching(),
            config.repository().warmupRuns(),
            warmup,
            completions,
            unloader,
            telemetry,
            config.monitoring());
  }

  /**
   * Loads every model under {@code config.models()} and, when {@code config.repository()} says so,
   * starts watching it.
   *
   * @param completions where batched callers are answered (the server's workers)
   * @param warmup the recorded requests a new version replays before it is served
   * @param listener told of models becoming available or unavailable, on the repository thread
   * @throws ModelLoadException if the root holds no model, or a selected version or a {@code
   *     model.yaml} cannot be loaded
   */
  public static ModelRepository open(
      ModelServerConfig config, Executor completions, WarmupRequests warmup, Listener listener) {
    return open(config, completions, warmup, listener, ModelServerTelemetry.noop());
  }

  /**
   * As {@link #open(ModelServerConfig, Executor, WarmupRequests, Listener)}, each version recording
   * its calls, batches and runs through {@code telemetry}.
   */
  public static ModelRepository open(
      ModelServerConfig config,
      Executor completions,
      WarmupRequests warmup,
      Listener listener,
      ModelServerTelemetry telemetry) {
    requireNonNull(config, "config");
    requireNonNull(telemetry, "telemetry");
    requireNonNull(completions, "completions");
    requireNonNull(warmup, "warmup");
    requireNonNull(listener, "listener");
    ModelRepository repository =
        new ModelRepository(config, completions, warmup, listener, telemetry);
    try {
      if (!Files.isDirectory(repository.root)) {
        throw new ModelLoadException(repository.root + ": not a directory");
      }
      repository.scan(true);
      if (repository.served.values().stream().allMatch(model -> model.latest() == null)) {
        throw new ModelLoadException(
            repository.root + ": no model found (expected <root>/<model>/<version>/)");
      }
    } catch (RuntimeException e) {
      repository.close();
      throw e;
    }
    if (config.repository().watched()) {
      long pollMillis = Math.max(1, config.repository().pollInterval().toMillis());
      repository.thread.scheduleWithFixedDelay(
          repository::poll, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }
    return repository;
  }

  /** The repository directory. */
  public Path root() {
    return root;
  }

  /** A model by name, or null. */
  public ServedModel model(String name) {
    return served.get(name);
  }

  /** All models, by name. */
  public Collection<ServedModel> models() {
    return served.values();
  }

  /** Stops every batcher waiting for batches to fill; see {@code Batcher#drain()}. */
  public void drainBatchers() {
    for (ServedModel model : served.values()) {
      for (ServedVersion version : model.versions().values()) {
        if (version.batcher() != null) {
          version.batcher().drain();
        }
      }
    }
  }

  /**
   * Stops watching, retires every version and waits (a bounded time) for each to be closed once its
   * calls in flight are answered.
   */
  @Override
  public void close() {
    thread.shutdownNow();
    if (Schedulers.stillRunningAfter(thread, 30)) {
      log.warn("Model repository thread still loading a model after 30 s");
    }
    // Unpublish first, as a swap does, so no call can find a version after it is retired.
    served = Map.of();
    List<CompletableFuture<Void>> unloads = new ArrayList<>();
    for (ModelState state : models.values()) {
      for (ServedVersion version : state.loaded.values()) {
        version.retire();
      }
      state.unloading.addAll(state.loaded.values());
      state.loaded.clear();
      state.unloading.forEach(version -> unloads.add(version.unloaded()));
    }
    try {
      CompletableFuture.allOf(unloads.toArray(CompletableFuture[]::new))
          .get(UNLOAD_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      log.warn("Calls still running on a model after {} s; leaving it loaded", UNLOAD_WAIT_SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.warn("Unloading a model failed", e.getCause());
    }
  }

  /** One watch cycle; never throws, or the scheduler would stop calling it. */
  private void poll() {
    try {
      scan(false);
    } catch (RuntimeException e) {
      log.error("Scanning model repository {} failed; trying again next poll", root, e);
    }
  }

  /**
   * Brings the served models in step with the directory. On the first scan, any failure is thrown;
   * afterwards failures are reported and the previous state kept.
   */
  private void scan(boolean initial) {
    List<ServedVersion> retiring = new ArrayList<>();
    Map<String, Path> onDisk = new TreeMap<>();
    for (Path dir : directories(root)) {
      onDisk.put(dir.getFileName().toString(), dir);
    }
    for (Map.Entry<String, Path> model : onDisk.entrySet()) {
      ModelState state = models.computeIfAbsent(model.getKey(), ModelState::new);
      try {
        reconcile(state, model.getValue(), initial, retiring);
      } catch (RuntimeException e) {
        if (initial) {
          throw e;
        }
        // One model's directory vanishing mid-scan must not stop the others' swaps.
        log.error("Scanning model {} failed; trying again next poll", state.name, e);
      }
    }
    for (ModelState state : models.values()) {
      if (!onDisk.containsKey(state.name) && !state.loaded.isEmpty()) {
        log.info("Model {} removed from {}; unloading it", state.name, root);
        retiring.addAll(state.loaded.values());
        state.loaded.clear();
      }
    }
    markUnloading(retiring);
    models.values().removeIf(state -> !onDisk.containsKey(state.name) && state.isEmpty());
    publish();
    // Only now that no new call can find them.
    retiring.forEach(ServedVersion::retire);
  }

  private void markUnloading(List<ServedVersion> retiring) {
    for (ServedVersion version : retiring) {
      models.get(version.model()).unloading.add(version);
    }
  }

  private void reconcile(
      ModelState state, Path dir, boolean initial, List<ServedVersion> retiring) {
    readConfig(state, dir, initial);
    NavigableMap<Long, Path> onDisk = versionDirectories(dir);
    state.failed.keySet().retainAll(onDisk.keySet());
    state.settling.keySet().retainAll(onDisk.keySet());

    NavigableSet<Long> candidates = new TreeSet<>(onDisk.keySet());
    state.failed.forEach(
        (number, failure) -> {
          if (failure.fingerprint().equals(Fingerprints.of(onDisk.get(number)))) {
            candidates.remove(number); // unchanged since it failed
          }
        });
    // Load newest first; a version that cannot be loaded (yet) drops out of the candidates and the
    // policy picks again, so the versions it would have replaced stay.
    NavigableSet<Long> wanted;
    while (true) {
      wanted = state.config.versionPolicy().select(candidates);
      Long blocked = null;
      for (long number : wanted.descendingSet()) {
        if (state.loaded.containsKey(number)) {
          continue;
        }
        Path versionDir = onDisk.get(number);
        boolean ready = initial || settled(state, number, versionDir);
        if (!ready || !load(state, number, versionDir, initial)) {
          blocked = number;
          break;
        }
      }
      if (blocked == null) {
        break;
      }
      candidates.remove(blocked);
    }

    for (Long number : new ArrayList<>(state.loaded.keySet())) {
      if (!wanted.contains(number)) {
        log.info(
            "Model {} version {} no longer selected ({}); unloading it once its calls finish",
            state.name,
            number,
            onDisk.containsKey(number) ? state.config.versionPolicy() : "directory removed");
        retiring.add(state.loaded.remove(number));
      }
    }
  }

  /**
   * Whether a new version directory looks as it did on the previous poll, so that one still being
   * copied is not loaded half-written.
   */
  private static boolean settled(ModelState state, long number, Path dir) {
    String fingerprint = Fingerprints.of(dir);
    return fingerprint.equals(state.settling.put(number, fingerprint));
  }

  /** Loads one version; false (reported) when it fails after start. */
  private boolean load(ModelState state, long number, Path dir, boolean initial) {
    state.loading = number;
    publish();
    try {
      refuseIfOutside(dir);
      state.loaded.put(number, loader.load(state.name, number, dir));
      state.settling.remove(number);
      return true;
    } catch (RuntimeException e) {
      if (initial) {
        throw e;
      }
      String error = e.getMessage() == null ? e.toString() : e.getMessage();
      state.failed.put(number, new Failure(Fingerprints.of(dir), statusText(error)));
      state.settling.remove(number);
      log.error(
          "Model {} version {} failed to load; still serving versions {}: {}",
          state.name,
          number,
          state.loaded.keySet(),
          error);
      return false;
    } finally {
      state.loading = 0;
    }
  }

  /**
   * Refuses a version directory that resolves outside the root, unless the config allows it: a link
   * planted in the repository must not make the server read files elsewhere.
   */
  private void refuseIfOutside(Path dir) {
    if (allowSymlinksOutside || realPath(dir).startsWith(realRoot)) {
      return;
    }
    throw new ModelLoadException(
        dir
            + ": resolves outside the model repository "
            + root
            + " through a symlink (expected: inside it, or repository.allowSymlinksOutside: true)");
  }

  /**
   * A load error as callers of {@code GetModelStatus} see it: paths relative to the root (as the
   * root itself is, and its resolved form), unless the config keeps them absolute.
   */
  private String statusText(String error) {
    if (absolutePathsInStatus) {
      return error;
    }
    String text = error;
    for (Path prefix : List.of(root.toAbsolutePath(), realRoot)) {
      text = text.replace(prefix + root.getFileSystem().getSeparator(), "");
      text = text.replace(prefix.toString(), "<models>");
    }
    return text;
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      // Not there (yet): compare as written; a directory that vanished fails its load anyway.
      return path.toAbsolutePath().normalize();
    }
  }

  private void readConfig(ModelState state, Path dir, boolean initial) {
    ModelConfig config;
    try {
      config = ModelConfig.read(dir);
    } catch (ModelLoadException e) {
      if (initial) {
        throw e;
      }
      if (!e.getMessage().equals(state.configError)) {
        log.error("{}; keeping the previous settings of model {}", e.getMessage(), state.name);
        state.configError = e.getMessage();
      }
      return;
    }
    state.configError = null;
    if (!config.equals(state.config)) {
      log.info(
          "Model {}: version policy {}, labels {}",
          state.name,
          config.versionPolicy(),
          config.labels());
      state.config = config;
    }
  }

  /** Publishes what calls and status requests see, and tells the listener what changed. */
  private void publish() {
    Map<String, ServedModel> next = new TreeMap<>();
    for (ModelState state : models.values()) {
      state.unloading.removeIf(version -> version.unloaded().isDone());
      if (state.isKnown()) {
        next.put(state.name, state.served());
      }
    }
    Map<String, ServedModel> previous = served;
    served = Map.copyOf(next);
    for (ServedModel model : next.values()) {
      ServedModel before = previous.get(model.name());
      boolean was = before != null && !before.versions().isEmpty();
      if (was != !model.versions().isEmpty()) {
        listener.availabilityChanged(model.name(), !was);
      }
    }
    for (ServedModel before : previous.values()) {
      if (!next.containsKey(before.name()) && !before.versions().isEmpty()) {
        listener.availabilityChanged(before.name(), false);
      }
    }
  }

  /** Subdirectories, sorted; hidden ones (staging copies such as {@code .3.tmp}) left out. */
  private static List<Path> directories(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(Files::isDirectory)
          .filter(path -> !path.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static NavigableMap<Long, Path> versionDirectories(Path modelDir) {
    NavigableMap<Long, Path> versions = new TreeMap<>();
    for (Path dir : directories(modelDir)) {
      long number = versionNumber(dir.getFileName().toString());
      if (number > 0) {
        versions.put(number, dir);
      }
    }
    return versions;
  }

  /** A positive decimal directory name as a number; -1 for anything else. */
  static long versionNumber(String name) {
    if (name.isEmpty() || name.length() > 18) {
      return -1;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return -1;
      }
    }
    long number = Long.parseLong(name);
    return number > 0 ? number : -1;
  }

  private record Failure(String fingerprint, String error) {}

  /** What the repository thread knows of one model directory. */
  private static final class ModelState {
    final String name;
    ModelConfig config = ModelConfig.DEFAULT;
    String configError;
    final TreeMap<Long, ServedVersion> loaded = new TreeMap<>();
    final Map<Long, Failure> failed = new HashMap<>();
    final Map<Long, String> settling = new HashMap<>();
    final List<ServedVersion> unloading = new ArrayList<>();
    long loading;

    ModelState(String name) {
      this.name = name;
    }

    boolean isEmpty() {
      return loaded.isEmpty() && unloading.isEmpty();
    }

    /** Whether there is anything to report: a directory without versions is not a model. */
    boolean isKnown() {
      return !isEmpty() || !failed.isEmpty() || loading > 0;
    }

    ServedModel served() {
      TreeMap<Long, VersionState> states = new TreeMap<>();
      failed.forEach((number, failure) -> states.put(number, end(number, failure.error())));
      for (ServedVersion version : unloading) {
        states.put(version.number(), new VersionState(version.number(), State.UNLOADING, ""));
      }
      loaded.keySet().forEach(number -> states.put(number, available(number)));
      if (loading > 0) {
        states.put(loading, new VersionState(loading, State.LOADING, ""));
      }
      return new ServedModel(name, loaded, config.labels(), List.copyOf(states.values()));
    }

    private static VersionState available(long number) {
      return new VersionState(number, State.AVAILABLE, "");
    }

    private static VersionState end(long number, String error) {
      return new VersionState(number, State.END, error);
    }
  }
}
