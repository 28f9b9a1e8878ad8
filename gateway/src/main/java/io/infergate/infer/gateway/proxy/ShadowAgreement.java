package io.infergate.infer.gateway.proxy;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares primary and shadow answers on one worker thread of its own, off every call's path: a
 * pair is queued without a lock (a slot counter bounds the queue) and, when the queue is full,
 * dropped and counted, as a shadow copy is when too many are in flight. Parsing answers costs far
 * more than forwarding them, so it must never run on an event loop nor grow without bound under
 * load.
 */
final class ShadowAgreement implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ShadowAgreement.class);

  /** The {@code reason} of pairs whose answers held no scores this could compare. */
  static final int NOT_DECODABLE = 0;

  /** The {@code reason} of pairs dropped because the worker was behind. */
  static final int QUEUE_FULL = 1;

  /** Pairs waiting at most: at ~50 µs per digits pair, under a second of work. */
  static final int DEFAULT_CAPACITY = 4096;

  private final int capacity;
  private final Queue<ShadowPair> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Thread worker;
  private volatile boolean closed;

  ShadowAgreement(int capacity) {
    this.capacity = capacity;
    this.worker = new Thread(this::work, "gateway-shadow-agreement");
    worker.setDaemon(true);
    worker.start();
  }

  /** Queues {@code pair} for comparison, or drops it when the queue is full; never blocks. */
  void offer(ShadowPair pair) {
    if (closed || queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      pair.primaryVariant().shadowNotCompared(QUEUE_FULL);
      return;
    }
    queue.offer(pair);
    LockSupport.unpark(worker);
  }

  private void work() {
    while (!closed) {
      ShadowPair pair = queue.poll();
      if (pair == null) {
        // An offer between the poll and here left a permit: park returns at once.
        LockSupport.park(this);
        continue;
      }
      queued.decrementAndGet();
      try {
        pair.compare();
      } catch (RuntimeException e) {
        // A comparison must never end the worker; the pair counts as not comparable.
        log.debug("a shadow pair could not be compared", e);
        pair.primaryVariant().shadowNotCompared(NOT_DECODABLE);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(worker);
  }
}
