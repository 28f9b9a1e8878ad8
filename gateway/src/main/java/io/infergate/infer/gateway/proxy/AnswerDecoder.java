package io.infergate.infer.gateway.proxy;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes answers on one worker thread of its own, off every call's path: shadow pairs compared
 * with their primaries ({@link ShadowPair}) and canary answers counted into their variant's window
 * ({@link CanaryWatch}). Work is queued without a lock (a slot counter bounds the queue) and, when
 * the queue is full, dropped and counted, as a shadow copy is when too many are in flight. Parsing
 * answers costs far more than forwarding them, so it must never run on an event loop nor grow
 * without bound under load; one queue for both kinds bounds their sum.
 */
final class AnswerDecoder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AnswerDecoder.class);

  /** The {@code reason} of work whose answers held no scores this could read. */
  static final int NOT_DECODABLE = 0;

  /** The {@code reason} of work dropped because the worker was behind. */
  static final int QUEUE_FULL = 1;

  /** Work waiting at most: at ~50 µs per digits pair, under a second of work. */
  static final int DEFAULT_CAPACITY = 4096;

  private final int capacity;
  private final Queue<AnswerWork> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Thread worker;
  private volatile boolean closed;

  AnswerDecoder(int capacity) {
    this.capacity = capacity;
    this.worker = new Thread(this::work, "gateway-answer-decoder");
    worker.setDaemon(true);
    worker.start();
  }

  /** Queues {@code work}, or drops it when the queue is full; never blocks. */
  void offer(AnswerWork work) {
    if (closed || queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      work.notDecoded(QUEUE_FULL);
      return;
    }
    queue.offer(work);
    LockSupport.unpark(worker);
  }

  private void work() {
    while (!closed) {
      AnswerWork work = queue.poll();
      if (work == null) {
        // An offer between the poll and here left a permit: park returns at once.
        LockSupport.park(this);
        continue;
      }
      queued.decrementAndGet();
      try {
        work.decode();
      } catch (RuntimeException e) {
        // A bad answer must never end the worker; its work counts as not decodable.
        log.debug("answers could not be decoded", e);
        work.notDecoded(NOT_DECODABLE);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(worker);
  }

  /** Answers to decode on the worker, and what to count when that cannot be done. */
  interface AnswerWork {
    /** Decodes the answers and records what they say; on the worker only. */
    void decode();

    /** Counts the work as not done, for {@link #NOT_DECODABLE} or {@link #QUEUE_FULL}. */
    void notDecoded(int reason);
  }
}
