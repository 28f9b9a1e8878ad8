package io.infergate.infer.perf.loadtest;

import com.google.protobuf.Descriptors.MethodDescriptor;
import io.grpc.CallOptions;
import io.grpc.Metadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One invocation: read the settings, resolve the method, connect, run (or search), report. Each
 * step is its own part: {@link SettingsReader}, {@link MethodLookup}, {@link Channels}, {@link
 * LoadRun}, {@link Reports} and {@link ReportWriter}.
 */
final class Loadtest {
  private final Options options;
  private final PrintStream out;
  private final PrintStream err;
  private final InputStream stdin;

  Loadtest(Options options, PrintStream out, PrintStream err, InputStream stdin) {
    this.options = options;
    this.out = out;
    this.err = err;
    this.stdin = stdin;
  }

  /** Failure to run at all (as opposed to bad usage): exit code 1. */
  static final class RunFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFailure(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /**
   * Runs the invocation and writes its report.
   *
   * @param signals whether SIGINT should stop the run and still print the report
   * @return the exit code (0: the run completed)
   * @throws UsageException bad usage (exit code 2)
   * @throws RunFailure when it could not run (exit code 1)
   */
  int execute(boolean signals) throws InterruptedException {
    Settings settings = SettingsReader.read(options, stdin);
    DebugLog debug = new DebugLog(settings.output().debugFile());
    debug.add("validated options");
    try {
      MethodDescriptor method = MethodLookup.fromFiles(settings.call());
      Settings.Load load = settings.load();
      if (load.warmupAt() != null) {
        method = warmUpElsewhere(settings, load.warmupAt(), method, debug);
      }
      if (load.startFile() != null) {
        awaitStartFile(Path.of(load.startFile()), debug);
      }
      Settings.Connection connection = connectionFor(settings, settings.connection(), method);
      Channels channels = Channels.connect(connection);
      try {
        debug.add("connected " + channels.grpc().size() + " channel(s)");
        if (method == null) {
          method = MethodLookup.byReflection(channels.grpc().get(0), settings.call(), debug::add);
          Settings.Connection found = connectionFor(settings, connection, method);
          if (found != connection) { // a streaming method: all the connections through grpc-java
            channels.shutdown();
            channels = Channels.connect(found);
          }
        }
        Target target = target(settings, method, channels, debug);
        ReportWriter writer = new ReportWriter(settings.output(), out);
        Report report = new LoadRun(settings, target, writer, err, debug).run(signals);
        if (report != null) { // null: already written on SIGINT
          writer.write(report);
        }
        return 0;
      } finally {
        channels.shutdown();
      }
    } finally {
      debug.flush(err);
    }
  }

  /** The connection for {@code method} (null: not known yet), as {@link StreamCalls} sets it. */
  private Settings.Connection connectionFor(
      Settings settings, Settings.Connection connection, MethodDescriptor method) {
    return StreamCalls.connectionFor(
        connection, method, options.transport, settings.call().method());
  }

  /**
   * Runs the warm-up against {@code at} rather than the target, so that the harness's own code is
   * compiled and its allocation settled before the target is called at all; returns the method
   * (found by reflection there when no file gave it).
   */
  private MethodDescriptor warmUpElsewhere(
      Settings settings, Settings.Connection at, MethodDescriptor method, DebugLog debug)
      throws InterruptedException {
    Settings.Connection connection = connectionFor(settings, at, method);
    Channels channels = Channels.connect(connection);
    try {
      MethodDescriptor found = method;
      if (found == null) {
        found = MethodLookup.byReflection(channels.grpc().get(0), settings.call(), debug::add);
        Settings.Connection streaming = connectionFor(settings, connection, found);
        if (streaming != connection) {
          channels.shutdown();
          channels = Channels.connect(streaming);
        }
      }
      Target target = target(settings, found, channels, debug);
      debug.add("warm-up at " + at.target() + " started");
      Settings.Load load = settings.load();
      new Runner(target, load.plan().warmUp(load.warmupNanos()), () -> {}).run(null);
      debug.add("warm-up at " + at.target() + " ended");
      return found;
    } finally {
      channels.shutdown();
    }
  }

  /** Says the harness is warm (on stderr) and waits for {@code file} to exist. */
  private void awaitStartFile(Path file, DebugLog debug) throws InterruptedException {
    err.println("loadtest: warm; waiting for " + file);
    err.flush();
    debug.add("waiting for " + file);
    Path folder = file.toAbsolutePath().getParent();
    try (WatchService watcher = folder.getFileSystem().newWatchService()) {
      // Watched before the first look, so a file made between the look and the wait still wakes it;
      // the timeout covers file systems that report nothing.
      folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
      while (!Files.exists(file)) {
        WatchKey key = watcher.poll(100, TimeUnit.MILLISECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    } catch (IOException e) {
      throw new UsageException(
          "--start-file " + file + ": cannot watch its folder: " + e.getMessage());
    }
    debug.add("found " + file);
  }

  private static Target target(
      Settings settings, MethodDescriptor method, Channels channels, DebugLog debug)
      throws InterruptedException {
    Requests requests = Requests.create(method, settings.payload());
    Settings.Connection connection = settings.connection();
    CallOptions callOptions = CallOptions.DEFAULT;
    if (connection.compression()) {
      callOptions = callOptions.withCompression("gzip");
    }
    if (connection.maxSendBytes() > 0) {
      callOptions = callOptions.withMaxOutboundMessageSize(connection.maxSendBytes());
    }
    String fullMethod =
        io.grpc.MethodDescriptor.generateFullMethodName(
            method.getService().getFullName(), method.getName());
    Settings.Load load = settings.load();
    StreamCalls streams = StreamCalls.forMethod(method, settings.streaming(), requests);
    if (streams == null) {
      channels.openFastPath(fullMethod, load.timeoutNanos(), load.variantHeader());
    }
    if (channels.h2() != null) {
      debug.add("HTTP/2 fast path: " + connection.connections() + " connection(s)");
    }
    return new Target(
        channels.grpc(),
        channels.h2(),
        streams == null
            ? PreEncodedMethod.unary(fullMethod)
            : PreEncodedMethod.of(fullMethod, StreamCalls.type(method)),
        callOptions,
        load.timeoutNanos(),
        requests,
        Metadata.Key.of(
            load.variantHeader().toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER),
        streams);
  }
}
