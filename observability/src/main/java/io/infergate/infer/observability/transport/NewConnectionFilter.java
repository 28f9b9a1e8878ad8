package io.infergate.infer.observability.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a server channel's pipeline: it sees each accepted connection before Netty
 * registers it, and closes it there when its source address is over {@code
 * connections.newPerSourcePerSecond}. A refused connection costs the accept and the close, never a
 * TLS handshake, an HTTP/2 codec or a gRPC transport, which is what a Rapid Reset client that
 * reconnects as fast as it is thrown out would otherwise make the server build each time.
 *
 * <p>Runs on the server channel's event loop only, so its limiter needs no locks. The close sends a
 * TCP reset (SO_LINGER 0): the server keeps no TIME_WAIT state for a connection it never served.
 * Refusals are counted for the metric, and logged at WARN at most once per {@link
 * #LOG_INTERVAL_NANOS}.
 */
final class NewConnectionFilter extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(NewConnectionFilter.class);

  /** The most addresses one server channel remembers buckets for (about 2 MB of heap at most). */
  static final int MAX_SOURCES = 16_384;

  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final SourceRateLimiter limiter;
  private final LongAdder refused;
  private final LongSupplier nanoTime;
  private final String limitDescription;
  private long refusedSinceLog;
  private long loggedAtNanos;
  private boolean logged;

  NewConnectionFilter(ConnectionLimits limits, LongAdder refused, LongSupplier nanoTime) {
    this.limiter =
        new SourceRateLimiter(
            limits.newPerSourcePerSecond(), limits.newPerSourceBurst(), MAX_SOURCES);
    this.refused = refused;
    this.nanoTime = nanoTime;
    this.limitDescription =
        "connections.newPerSourcePerSecond="
            + limits.newPerSourcePerSecond()
            + " (newPerSourceBurst="
            + limits.newPerSourceBurst()
            + ")";
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Channel child && !admit(child)) {
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private boolean admit(Channel child) {
    SocketAddress remote = child.remoteAddress();
    if (!(remote instanceof InetSocketAddress address) || address.getAddress() == null) {
      return true; // not an IP connection (a Unix socket): nothing to count it by
    }
    long now = nanoTime.getAsLong();
    if (limiter.tryAcquire(address.getAddress(), now)) {
      return true;
    }
    // Counted before the close, so whoever sees the connection closed sees it counted.
    refused.increment();
    refuse(child);
    logRefusal(address, now);
    return false;
  }

  /** Logs the first refusal at once, then a count of them at most every 10 s. */
  private void logRefusal(InetSocketAddress address, long now) {
    refusedSinceLog++;
    if (!logged) {
      log.warn(
          "Refused a new connection from {}: over {}; refusals are counted in the metric and"
              + " logged at most every {} s",
          address.getAddress().getHostAddress(),
          limitDescription,
          TimeUnit.NANOSECONDS.toSeconds(LOG_INTERVAL_NANOS));
    } else if (now - loggedAtNanos >= LOG_INTERVAL_NANOS) {
      log.warn(
          "Refused {} new connection(s) in the last {} s from addresses over {}; the latest from {}",
          refusedSinceLog,
          TimeUnit.NANOSECONDS.toSeconds(now - loggedAtNanos),
          limitDescription,
          address.getAddress().getHostAddress());
    } else {
      return;
    }
    logged = true;
    loggedAtNanos = now;
    refusedSinceLog = 0;
  }

  /** Closes a connection that was accepted but never registered with an event loop. */
  private static void refuse(Channel child) {
    try {
      child.config().setOption(ChannelOption.SO_LINGER, 0);
    } catch (RuntimeException e) {
      // The socket may already be gone (the client reset it); closing is all that is left to do.
      log.debug("SO_LINGER not set on a refused connection", e);
    }
    child.unsafe().closeForcibly();
  }
}
