package io.infergate.infer.observability.transport;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per source address, for new connections: each address may take {@code burst} at
 * once and {@code perSecond} a second after that. Not thread-safe: each server channel owns one and
 * asks it only from its own event loop, as it accepts, so it needs no locks.
 *
 * <p>A bucket is kept as one number, the time at which it will be full again (the "theoretical
 * arrival time" of the generic cell rate algorithm): taking a token moves it one interval later,
 * and a bucket whose time has passed is full, so it can be forgotten.
 *
 * <p>A refused attempt empties the bucket again: it sets that time to one whole burst from now, so
 * the next token comes one interval after the latest refused attempt, not after the latest admitted
 * one. An address that keeps knocking faster than {@code perSecond} (a Rapid Reset client
 * reconnecting the moment it is closed) therefore gets nothing past its burst until it pauses for
 * one interval, where otherwise it would get {@code perSecond} connections a second, each with its
 * own allowance of resets. A client that backs off before reconnecting, as gRPC clients do, never
 * notices: its attempts come further apart than an interval.
 *
 * <p>The map is bounded: each admission forgets the least recently seen address if its bucket is
 * full again, and past {@code maxSources} addresses the least recently seen one is forgotten
 * whatever its state (an attacker with that many addresses is beyond what a per-address limit can
 * stop).
 */
final class SourceRateLimiter {
  private final long intervalNanos;
  private final long burstNanos;
  private final int maxSources;
  private final Map<InetAddress, Bucket> buckets;

  SourceRateLimiter(int perSecond, int burst, int maxSources) {
    if (perSecond < 1 || burst < 1 || maxSources < 1) {
      throw new IllegalArgumentException(
          "perSecond: "
              + perSecond
              + ", burst: "
              + burst
              + ", maxSources: "
              + maxSources
              + " (expected: each at least 1)");
    }
    this.intervalNanos = 1_000_000_000L / perSecond;
    this.burstNanos = burst * intervalNanos;
    this.maxSources = maxSources;
    // Access order: the first entry is always the least recently seen address.
    this.buckets = new LinkedHashMap<>(16, 0.75f, true);
  }

  /** Takes a token from {@code source}'s bucket at {@code nowNanos}; false if it has none. */
  boolean tryAcquire(InetAddress source, long nowNanos) {
    Bucket bucket = buckets.get(source);
    if (bucket == null) {
      if (buckets.size() >= maxSources) {
        forgetLeastRecent();
      }
      bucket = new Bucket(nowNanos);
      buckets.put(source, bucket);
    }
    long fullAt = bucket.fullAtNanos - nowNanos > 0 ? bucket.fullAtNanos : nowNanos;
    boolean acquired = fullAt + intervalNanos - nowNanos <= burstNanos;
    // Refused: the bucket is empty as of now (it was nearly so), so retrying sooner than an
    // interval never succeeds.
    bucket.fullAtNanos = acquired ? fullAt + intervalNanos : nowNanos + burstNanos;
    forgetLeastRecentIfFull(nowNanos);
    return acquired;
  }

  /** Addresses whose buckets are remembered, for tests. */
  int sources() {
    return buckets.size();
  }

  private void forgetLeastRecent() {
    Iterator<Bucket> iterator = buckets.values().iterator();
    iterator.next();
    iterator.remove();
  }

  private void forgetLeastRecentIfFull(long nowNanos) {
    Iterator<Bucket> iterator = buckets.values().iterator();
    if (iterator.hasNext() && iterator.next().fullAtNanos - nowNanos <= 0) {
      iterator.remove();
    }
  }

  /** One address's bucket: the time it is full again. */
  private static final class Bucket {
    long fullAtNanos;

    Bucket(long fullAtNanos) {
      this.fullAtNanos = fullAtNanos;
    }
  }
}
