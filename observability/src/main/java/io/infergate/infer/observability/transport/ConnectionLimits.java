package io.infergate.infer.observability.transport;

import io.grpc.netty.NettyServerBuilder;
import io.infergate.infer.observability.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What one client connection may ask of a server, the same for the gateway and the model server
 * (each binds it under its config key {@code connections}): grpc-java's defaults leave each of
 * these unbounded or off, which lets one connection hold any number of calls, reset streams as fast
 * as it can write them (HTTP/2 Rapid Reset, CVE-2023-44487), ping without limit, or stay on one
 * server forever behind a Kubernetes Service. Absent values (null) take the defaults below.
 *
 * @param maxConcurrentCallsPerConnection the most calls in flight on one connection (HTTP/2
 *     MAX_CONCURRENT_STREAMS); a client queues the rest (default 1024)
 * @param maxInboundMetadataBytes the largest header or trailer list accepted, as HTTP/2 counts it
 *     (names, values and 32 bytes an entry; default 8 KiB, grpc-java's own)
 * @param maxRstFramesPerWindow the most RST_STREAM frames a client may send in one {@code
 *     rstFramesWindow} before its connection is closed; 0 turns the check off (default 10000)
 * @param rstFramesWindow the window {@code maxRstFramesPerWindow} counts in, whole seconds (default
 *     10s)
 * @param permitKeepAliveTime how often a client may ping; a client pinging more often is sent
 *     GOAWAY ENHANCE_YOUR_CALM (default 10s, the least grpc-java clients may configure)
 * @param permitKeepAliveWithoutCalls whether a client may ping while it has no call in flight
 *     (default false)
 * @param maxConnectionIdle how long a connection with no call in flight is kept; 0s keeps it
 *     forever (default 1h)
 * @param maxConnectionAge how long a connection lives before the server asks the client to move on
 *     (GOAWAY; grpc-java adds ±10% jitter), so that long-lived connections rebalance; 0s never
 *     (default 30m)
 * @param maxConnectionAgeGrace how long calls in flight on an aged connection may finish before
 *     they are cancelled (default 1m)
 * @param newPerSourcePerSecond the new connections one source address may open per second, on
 *     average: a token bucket per address; a connection over it is closed as it is accepted, before
 *     any TLS or HTTP/2 work. 0 turns the check off (default 10)
 * @param newPerSourceBurst how many new connections one source address may open at once, the
 *     bucket's size (default 100)
 */
public record ConnectionLimits(
    Integer maxConcurrentCallsPerConnection,
    Integer maxInboundMetadataBytes,
    Integer maxRstFramesPerWindow,
    Duration rstFramesWindow,
    Duration permitKeepAliveTime,
    Boolean permitKeepAliveWithoutCalls,
    Duration maxConnectionIdle,
    Duration maxConnectionAge,
    Duration maxConnectionAgeGrace,
    Integer newPerSourcePerSecond,
    Integer newPerSourceBurst) {

  /** The default {@code maxConcurrentCallsPerConnection}. */
  public static final int DEFAULT_MAX_CONCURRENT_CALLS_PER_CONNECTION = 1024;

  /** The default {@code maxInboundMetadataBytes}: grpc-java's own, made explicit. */
  public static final int DEFAULT_MAX_INBOUND_METADATA_BYTES = 8 << 10;

  /**
   * The default {@code maxRstFramesPerWindow}: 2,000 per 10 s, 200 a second on average. Ordinary
   * clients reset a stream only when they cancel a call or its deadline passes; 200 a second is 2%
   * of 10,000 calls a second on one connection, which covers the busiest connection we make, the
   * gateway's one connection to a model server that carries every caller's cancellations. A Rapid
   * Reset client gets at most 2,001 resets read per connection (about 3 ms of a server's CPU at the
   * 1.5 µs a reset measured), and with {@link #DEFAULT_NEW_PER_SOURCE_PER_SECOND} at most about
   * 20,000 a second from one address, where 10,000 per connection let one address get ~230,000 a
   * second read (docs/benchmarks.md, Rapid Reset). Netty's own HTTP/2 server default is stricter
   * (200 per 30 s) but counts no cancellations of a gateway's multiplexed connection.
   */
  public static final int DEFAULT_MAX_RST_FRAMES_PER_WINDOW = 2_000;

  /** The default {@code rstFramesWindow}. */
  public static final Duration DEFAULT_RST_FRAMES_WINDOW = Duration.ofSeconds(10);

  /**
   * The default {@code permitKeepAliveTime}: 10s, the shortest keepalive a grpc-java client may
   * set, so any such client's keepalive is permitted (the gateway's upstream keepalive is longer).
   */
  public static final Duration DEFAULT_PERMIT_KEEP_ALIVE_TIME = Duration.ofSeconds(10);

  /** The default {@code maxConnectionIdle}. */
  public static final Duration DEFAULT_MAX_CONNECTION_IDLE = Duration.ofHours(1);

  /** The default {@code maxConnectionAge}. */
  public static final Duration DEFAULT_MAX_CONNECTION_AGE = Duration.ofMinutes(30);

  /** The default {@code maxConnectionAgeGrace}. */
  public static final Duration DEFAULT_MAX_CONNECTION_AGE_GRACE = Duration.ofMinutes(1);

  /**
   * The default {@code newPerSourcePerSecond}: a gRPC client keeps its connections (reconnecting
   * with a backoff of a second and more, and once per {@code maxConnectionAge}), so 10 a second
   * from one address is far above ordinary use, and it bounds how many fresh connections, each with
   * its own {@code maxRstFramesPerWindow}, a Rapid Reset client can cycle through.
   */
  public static final int DEFAULT_NEW_PER_SOURCE_PER_SECOND = 10;

  /**
   * The default {@code newPerSourceBurst}: a client process opening a pool of a few dozen
   * connections at once, or reconnecting all of them after a deploy, stays well inside 100.
   */
  public static final int DEFAULT_NEW_PER_SOURCE_BURST = 100;

  /** Past a million a second, or a bucket of a million, the limit would be no limit. */
  private static final int NEW_PER_SOURCE_LIMIT = 1_000_000;

  /** Longer durations are typos (a unit too large), not settings. */
  private static final Duration MAX_DURATION = Duration.ofDays(1);

  /** The largest metadata that may be configured: HTTP/2 headers are not a place for payloads. */
  private static final int METADATA_BYTES_LIMIT = 1 << 20;

  /** Every limit at its default (after the constants its constructor checks against). */
  public static final ConnectionLimits DEFAULT =
      new ConnectionLimits(null, null, null, null, null, null, null, null, null, null, null);

  /**
   * Fills in the defaults and validates.
   *
   * @throws IllegalArgumentException naming each bad key, one a line
   */
  public ConnectionLimits {
    maxConcurrentCallsPerConnection =
        orDefault(maxConcurrentCallsPerConnection, DEFAULT_MAX_CONCURRENT_CALLS_PER_CONNECTION);
    maxInboundMetadataBytes =
        orDefault(maxInboundMetadataBytes, DEFAULT_MAX_INBOUND_METADATA_BYTES);
    maxRstFramesPerWindow = orDefault(maxRstFramesPerWindow, DEFAULT_MAX_RST_FRAMES_PER_WINDOW);
    rstFramesWindow = orDefault(rstFramesWindow, DEFAULT_RST_FRAMES_WINDOW);
    permitKeepAliveTime = orDefault(permitKeepAliveTime, DEFAULT_PERMIT_KEEP_ALIVE_TIME);
    permitKeepAliveWithoutCalls = orDefault(permitKeepAliveWithoutCalls, false);
    maxConnectionIdle = orDefault(maxConnectionIdle, DEFAULT_MAX_CONNECTION_IDLE);
    maxConnectionAge = orDefault(maxConnectionAge, DEFAULT_MAX_CONNECTION_AGE);
    maxConnectionAgeGrace = orDefault(maxConnectionAgeGrace, DEFAULT_MAX_CONNECTION_AGE_GRACE);
    newPerSourcePerSecond = orDefault(newPerSourcePerSecond, DEFAULT_NEW_PER_SOURCE_PER_SECOND);
    newPerSourceBurst = orDefault(newPerSourceBurst, DEFAULT_NEW_PER_SOURCE_BURST);
    List<String> problems = new ArrayList<>();
    range(
        problems,
        "maxConcurrentCallsPerConnection",
        maxConcurrentCallsPerConnection,
        1,
        Integer.MAX_VALUE);
    range(problems, "maxInboundMetadataBytes", maxInboundMetadataBytes, 1024, METADATA_BYTES_LIMIT);
    range(problems, "maxRstFramesPerWindow", maxRstFramesPerWindow, 0, Integer.MAX_VALUE);
    if (rstFramesWindow.compareTo(Duration.ofSeconds(1)) < 0
        || rstFramesWindow.compareTo(Duration.ofHours(1)) > 0
        || rstFramesWindow.getNano() != 0) {
      problems.add(
          "rstFramesWindow: "
              + Durations.format(rstFramesWindow)
              + " (expected: whole seconds in 1s..1h)");
    }
    range(problems, "permitKeepAliveTime", permitKeepAliveTime);
    range(problems, "maxConnectionIdle", maxConnectionIdle);
    range(problems, "maxConnectionAge", maxConnectionAge);
    range(problems, "maxConnectionAgeGrace", maxConnectionAgeGrace);
    range(problems, "newPerSourcePerSecond", newPerSourcePerSecond, 0, NEW_PER_SOURCE_LIMIT);
    range(problems, "newPerSourceBurst", newPerSourceBurst, 1, NEW_PER_SOURCE_LIMIT);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }

  /**
   * Sets the limits of each connection on {@code server}: one implementation for both servers, so a
   * limit means the same on each. The limit on new connections per source is set by {@link
   * NettyTransport#server(String, int, io.grpc.ServerCredentials, ConnectionLimits)}, which calls
   * this.
   */
  NettyServerBuilder applyTo(NettyServerBuilder server) {
    server
        .maxConcurrentCallsPerConnection(maxConcurrentCallsPerConnection)
        .maxInboundMetadataSize(maxInboundMetadataBytes)
        .permitKeepAliveTime(permitKeepAliveTime.toNanos(), TimeUnit.NANOSECONDS)
        .permitKeepAliveWithoutCalls(permitKeepAliveWithoutCalls)
        .maxConnectionAgeGrace(maxConnectionAgeGrace.toNanos(), TimeUnit.NANOSECONDS);
    if (maxRstFramesPerWindow > 0) {
      server.maxRstFramesPerWindow(maxRstFramesPerWindow, (int) rstFramesWindow.getSeconds());
    }
    // grpc-java takes only positive durations here; leaving them unset keeps connections forever.
    if (!maxConnectionIdle.isZero()) {
      server.maxConnectionIdle(maxConnectionIdle.toNanos(), TimeUnit.NANOSECONDS);
    }
    if (!maxConnectionAge.isZero()) {
      server.maxConnectionAge(maxConnectionAge.toNanos(), TimeUnit.NANOSECONDS);
    }
    return server;
  }

  /** Whether new connections are counted per source address ({@code newPerSourcePerSecond} > 0). */
  public boolean limitsNewConnectionsPerSource() {
    return newPerSourcePerSecond > 0;
  }

  private static <T> T orDefault(T value, T otherwise) {
    return value == null ? otherwise : value;
  }

  private static void range(List<String> problems, String key, int value, int min, int max) {
    if (value < min || value > max) {
      problems.add(key + ": " + value + " (expected: an integer in " + min + ".." + max + ")");
    }
  }

  private static void range(List<String> problems, String key, Duration value) {
    if (value.isNegative() || value.compareTo(MAX_DURATION) > 0) {
      problems.add(key + ": " + Durations.format(value) + " (expected: a duration in 0s..24h)");
    }
  }
}
