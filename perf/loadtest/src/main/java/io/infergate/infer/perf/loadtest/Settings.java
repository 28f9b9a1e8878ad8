package io.infergate.infer.perf.loadtest;

import static io.infergate.infer.perf.loadtest.Flags.notBlank;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Map;

/**
 * One invocation's settings, typed and checked: built once from {@link Options} by {@link
 * SettingsReader}, which reports every problem at once (exit code 2). Strings that ghz echoes in
 * its reports ({@code host}, file names, TLS flags) are kept as given, so the echo stays exact.
 *
 * @param call what to call and where its descriptors come from
 * @param connection how to reach the target
 * @param payload what each call carries
 * @param load how calls are issued (or the SLO search that picks the rate)
 * @param output where and how the report goes
 * @param streaming ghz's {@code --stream-*} flags (used when the method streams)
 */
record Settings(
    Call call,
    Connection connection,
    Payload payload,
    Load load,
    Output output,
    Streaming streaming) {

  /**
   * @param method {@code --call} as given
   * @param proto {@code --proto} as given (null or blank: none)
   * @param protoset {@code --protoset} as given; ignored when {@code proto} is set
   * @param importPaths {@code -i}
   * @param reflectMetadata headers for the reflection call (JSON), or null
   */
  record Call(
      String method,
      String proto,
      String protoset,
      List<String> importPaths,
      String reflectMetadata) {
    Call {
      importPaths = List.copyOf(importPaths);
    }

    boolean hasProto() {
      return notBlank(proto);
    }

    boolean hasProtoset() {
      return !hasProto() && notBlank(protoset);
    }
  }

  /** {@code --transport}: which client writes the calls. */
  enum Transport implements Flags.Named {
    /** h2 when the settings allow it, else grpc-java. */
    AUTO,
    H2,
    GRPC_JAVA
  }

  /** A literal {@code host:port} (IPv6 without brackets), the HTTP/2 fast path's target. */
  record HostPort(String host, int port) {}

  /**
   * @param host the target as given (last argument)
   * @param fastPath where the HTTP/2 fast path connects, or null to call through grpc-java
   * @param connections {@code --connections}
   * @param eventLoopThreads {@code --cpus}; 0 for grpc-java's shared event loops
   * @param connectTimeoutNanos {@code --connect-timeout} (0: the default, 10 s)
   * @param keepaliveNanos {@code --keepalive} (0: off)
   * @param maxRecvBytes largest response
   * @param maxSendBytes largest request (0: grpc-java's default)
   */
  record Connection(
      String host,
      HostPort fastPath,
      int connections,
      int eventLoopThreads,
      long connectTimeoutNanos,
      long keepaliveNanos,
      boolean insecure,
      boolean skipTls,
      String cacert,
      String cert,
      String key,
      String cname,
      String authority,
      String lbStrategy,
      int maxRecvBytes,
      int maxSendBytes,
      boolean compression) {
    private static final long DEFAULT_CONNECT_TIMEOUT_NANOS = 10_000_000_000L;

    String target() {
      return host.trim();
    }

    /** How long connecting may take, with ghz's default for 0. */
    long connectWithinNanos() {
      return connectTimeoutNanos > 0 ? connectTimeoutNanos : DEFAULT_CONNECT_TIMEOUT_NANOS;
    }

    /** These settings with calls through grpc-java only (a streaming method). */
    Connection withoutFastPath() {
      return new Connection(
          host,
          null,
          connections,
          eventLoopThreads,
          connectTimeoutNanos,
          keepaliveNanos,
          insecure,
          skipTls,
          cacert,
          cert,
          key,
          cname,
          authority,
          lbStrategy,
          maxRecvBytes,
          maxSendBytes,
          compression);
    }

    /** The {@code :authority} the HTTP/2 fast path sends. */
    String fastPathAuthority() {
      return notBlank(authority) ? authority : host.trim();
    }
  }

  /**
   * @param dataJson call data as proto-JSON (template), or null
   * @param binaryData serialized message(s), or null
   * @param binary ghz's report echo: data from {@code -B}, or from {@code -b} with bytes on stdin
   * @param metadataJson request metadata as JSON (template), or null
   */
  record Payload(
      String dataJson,
      ByteString binaryData,
      boolean binary,
      String metadataJson,
      boolean templateFunctions,
      boolean templateData) {}

  /**
   * ghz's schedule flags as its report echoes them (even where the schedule is const): as given,
   * except that a line schedule's step duration is 1 s, as in ghz.
   */
  record ScheduleFlags(
      Schedule.Kind kind, long start, long end, long step, long stepNanos, long maxNanos) {
    /** ghz's defaults: const, all zero. */
    static final ScheduleFlags NONE = new ScheduleFlags(Schedule.Kind.CONST, 0, 0, 0, 0, 0);

    Schedule toSchedule() {
      return new Schedule(kind, start, end, step, stepNanos, maxNanos);
    }
  }

  /**
   * @param plan the measured run (for an SLO search: its workers and skipFirst)
   * @param warmupNanos the discarded run before it (0: none)
   * @param rps {@code --rps} as given
   * @param rateFlags {@code --load-*}
   * @param concurrency {@code -c} as given
   * @param concurrencyFlags {@code --concurrency-*}
   * @param timeoutNanos per-call deadline (0: none)
   * @param variantHeader response header whose value names the variant
   * @param slo the SLO search, or null for one run
   * @param warmupAt where the warm-up runs ({@code --warmup-target}), or null for the target
   * @param startFile the file whose existence starts the measured run, or null to start at once
   */
  record Load(
      RunPlan plan,
      long warmupNanos,
      long rps,
      ScheduleFlags rateFlags,
      long concurrency,
      ScheduleFlags concurrencyFlags,
      long timeoutNanos,
      String variantHeader,
      Slo slo,
      Connection warmupAt,
      String startFile) {}

  /** {@code --slo}: the objectives and the bounds of the search for the highest rate. */
  record Slo(
      List<SloSearch.Objective> objectives,
      long minRps,
      long maxRps,
      double precision,
      long probeNanos) {
    Slo {
      objectives = List.copyOf(objectives);
    }
  }

  /**
   * @param file report file, or null for stdout
   * @param tags report tags, or null
   * @param debugFile JSON-lines log of the run's phases, or null
   * @param progress live progress line; null: only on a terminal
   */
  record Output(
      Printers.Format format,
      String file,
      String name,
      Map<String, String> tags,
      String debugFile,
      Boolean progress,
      long skipFirst,
      boolean countErrors) {}
}
