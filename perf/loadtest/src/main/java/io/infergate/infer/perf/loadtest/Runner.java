package io.infergate.infer.perf.loadtest;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs one load test. Closed loop (ghz): N workers, each with one call in flight, optionally paced
 * by a rate schedule; latency from the actual send. Open loop: one sender issues calls at the
 * schedule's intended times whether or not earlier calls have returned, and latency counts from the
 * intended time, so a stalled server shows up as the queueing it causes (no coordinated omission).
 */
final class Runner {
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private final Target target;
  private final RunPlan plan;
  private final Recorder rec;
  private final Schedule.Pacer pacer;
  private final ScheduledThreadPoolExecutor timer;
  private final Runnable closeConnections;
  private final AtomicLong issued = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger runningWorkers = new AtomicInteger();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final boolean paced;
  private volatile boolean stopping;
  private volatile boolean ignoreInFlight;
  private volatile boolean closing;
  private volatile boolean sendingDone;
  private volatile int targetWorkers;
  private volatile String endReason = "normal";
  private volatile long endNanos;
  private Worker[] workers = new Worker[0];

  /**
   * @param closeConnections closes the channels (ghz's {@code --duration-stop close}: in-flight
   *     calls fail as "the client connection is closing"); only the last run of an invocation may
   *     stop so
   */
  Runner(Target target, RunPlan plan, Runnable closeConnections) {
    this.target = target;
    this.closeConnections = closeConnections;
    this.plan = plan;
    this.paced = plan.rate() != null;
    long start = System.nanoTime();
    Instant now = Instant.now();
    boolean fromIntended = plan.openLoop();
    this.rec =
        new Recorder(
            start,
            now.getEpochSecond() * 1_000_000_000L + now.getNano(),
            plan.skipFirst(),
            fromIntended);
    this.pacer = paced ? new Schedule.Pacer(plan.rate()) : null;
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "loadtest-timer");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
  }

  /** Whether the run was stopped by {@link #cancel()}, even after it ended (a late SIGINT). */
  boolean cancelled() {
    return endReason.equals("cancel");
  }

  /**
   * Runs to the end and returns what it recorded; {@code progress} (may be null) gets a status line
   * four times a second.
   */
  Finished run(Consumer<String> progress) throws InterruptedException {
    ScheduledFuture<?> progressTask = null;
    if (progress != null) {
      progressTask =
          timer.scheduleAtFixedRate(
              () -> progress.accept(progressLine()), 250, 250, TimeUnit.MILLISECONDS);
    }
    long limit = plan.durationNanos() > 0 ? plan.durationNanos() : plan.maxDurationNanos();
    if (limit > 0) {
      timer.schedule(() -> stop("timeout"), limit, TimeUnit.NANOSECONDS);
    }
    if (plan.openLoop() || (plan.async() && paced)) {
      Thread sender = new Thread(this::sendOpenLoop, "loadtest-sender");
      sender.setDaemon(true);
      sender.start();
    } else {
      startWorkers();
    }
    done.await();
    if (progressTask != null) {
      progressTask.cancel(false);
    }
    timer.shutdownNow();
    return new Finished(rec, endReason, endNanos - rec.startNanos);
  }

  /** Stops early (SIGINT): in-flight calls are cancelled and counted, as ghz does on close. */
  void cancel() {
    stop("cancel");
  }

  private void stop(String reason) {
    if (stopping) {
      return;
    }
    endReason = reason;
    RunPlan.DurationStop mode =
        reason.equals("cancel") ? RunPlan.DurationStop.CLOSE : plan.durationStop();
    ignoreInFlight = mode == RunPlan.DurationStop.IGNORE;
    closing = mode != RunPlan.DurationStop.WAIT;
    stopping = true;
    stopSignal.countDown();
    for (Worker w : workers) {
      w.stopPending();
    }
    if (closing) {
      closeConnections.run();
    }
    maybeFinish();
  }

  private void maybeFinish() {
    boolean noMore = stopping || sendingDone || issued.get() >= plan.total();
    if (noMore && inFlight.get() == 0 && runningWorkers.get() == 0 && sendingDoneOrClosed()) {
      if (finished.compareAndSet(false, true)) {
        endNanos =
            stopping && closing ? System.nanoTime() : Math.max(rec.lastEndNanos, System.nanoTime());
        done.countDown();
      }
    }
  }

  private boolean sendingDoneOrClosed() {
    return !(plan.openLoop() || (plan.async() && paced)) || sendingDone;
  }

  // ---- closed loop ----

  private void startWorkers() {
    Schedule c = plan.concurrency();
    long max =
        c.kind() == Schedule.Kind.CONST
            ? c.start()
            : Math.max(c.start(), Math.max(c.end(), c.valueAt(Long.MAX_VALUE / 2)));
    if (c.kind() != Schedule.Kind.CONST && c.end() == 0 && c.step() > 0) {
      max = Math.max(max, 10_000);
    }
    workers = new Worker[(int) Math.min(max, 100_000)];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker(i, i % connections());
    }
    adjustWorkers(c.valueAtStep(0));
    if (c.kind() != Schedule.Kind.CONST) {
      long settled = c.settledAfterNanos();
      for (long i = 1; i * c.stepNanos() <= Math.min(settled, 24L * 3600 * Schedule.SECOND); i++) {
        long value = c.valueAtStep(i);
        timer.schedule(() -> adjustWorkers(value), i * c.stepNanos(), TimeUnit.NANOSECONDS);
      }
    }
    maybeFinish();
  }

  private void adjustWorkers(long count) {
    int n = (int) Math.min(count, workers.length);
    targetWorkers = n;
    for (int i = 0; i < n && !stopping; i++) {
      workers[i].activate();
    }
  }

  private int connections() {
    return target.h2() != null ? target.h2().connections() : target.channels().size();
  }

  private final class Worker {
    final int id;
    final String name;
    final int conn;
    final AtomicBoolean running = new AtomicBoolean();
    volatile ScheduledFuture<?> pending;

    Worker(int id, int conn) {
      this.id = id;
      this.name = "g0c" + id;
      this.conn = conn;
    }

    void activate() {
      if (running.compareAndSet(false, true)) {
        runningWorkers.incrementAndGet();
        timer.execute(this::next);
      }
    }

    void next() {
      if (stopping || id >= targetWorkers) {
        exit();
        return;
      }
      long n = issued.getAndIncrement();
      if (n >= plan.total()) {
        exit();
        return;
      }
      if (!paced) {
        fire(n, System.nanoTime());
        return;
      }
      long offset = pacer.next();
      if (offset == Long.MAX_VALUE) {
        exit();
        return;
      }
      long due = rec.startNanos + offset;
      long delay = due - System.nanoTime();
      if (delay > 0) {
        pending = timer.schedule(() -> fire(n, due), delay, TimeUnit.NANOSECONDS);
        if (stopping) {
          stopPending();
        }
      } else {
        fire(n, due);
      }
    }

    void stopPending() {
      ScheduledFuture<?> p = pending;
      if (p != null && p.cancel(false)) {
        pending = null;
        exit();
      }
    }

    private void fire(long n, long intended) {
      pending = null;
      if (stopping) {
        exit();
        return;
      }
      start(conn, name, n, intended, this);
    }

    void completed() {
      int[] depth = DEPTH.get();
      if (depth[0] > 8) {
        timer.execute(this::next); // a call that failed inline must not recurse into the next
        return;
      }
      depth[0]++;
      try {
        next();
      } finally {
        depth[0]--;
      }
    }

    private void exit() {
      if (running.compareAndSet(true, false)) {
        runningWorkers.decrementAndGet();
        maybeFinish();
      }
    }
  }

  // ---- open loop ----

  private void sendOpenLoop() {
    try {
      int conns = connections();
      for (long n = 0; n < plan.total() && !stopping; n++) {
        long offset = pacer.next();
        if (offset == Long.MAX_VALUE) {
          stopSignal.await();
          break;
        }
        long due = rec.startNanos + offset;
        for (long wait = due - System.nanoTime();
            wait > 0 && !stopping;
            wait = due - System.nanoTime()) {
          LockSupport.parkNanos(Math.min(wait, 50_000_000L));
        }
        if (stopping) {
          break;
        }
        issued.incrementAndGet();
        start((int) (n % conns), "g0c0", n, due, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sendingDone = true;
      maybeFinish();
    }
  }

  // ---- one call ----

  private void start(int conn, String workerId, long n, long intended, Worker worker) {
    if (target.h2() != null) {
      Metadata headers = target.requests().headers(n, workerId);
      byte[] body = target.requests().message(n, workerId);
      inFlight.incrementAndGet();
      Listener listener = new Listener(intended, worker);
      listener.sentNanos = System.nanoTime();
      rec.sent(listener.sentNanos);
      target.h2().call(conn, body, headers, target.timeoutNanos(), listener);
      return;
    }
    if (target.streams() != null) {
      startStream(conn, workerId, n, intended, worker);
      return;
    }
    ManagedChannel channel = target.channels().get(conn);
    CallOptions options = target.callOptions();
    if (target.timeoutNanos() > 0) {
      options = options.withDeadlineAfter(target.timeoutNanos(), TimeUnit.NANOSECONDS);
    }
    Metadata headers = target.requests().headers(n, workerId);
    byte[] body = target.requests().message(n, workerId);
    inFlight.incrementAndGet();
    ClientCall<byte[], byte[]> call = channel.newCall(target.method(), options);
    Listener listener = new Listener(intended, worker);
    listener.call = call;
    listener.sentNanos = System.nanoTime();
    rec.sent(listener.sentNanos);
    call.start(listener, headers == null ? new Metadata() : headers);
    call.request(1);
    call.sendMessage(body);
    call.halfClose();
  }

  /** A streaming method's call: one whole stream, timed from its start to its status. */
  private void startStream(int conn, String workerId, long n, long intended, Worker worker) {
    CallOptions options = target.callOptions();
    if (target.timeoutNanos() > 0) {
      options = options.withDeadlineAfter(target.timeoutNanos(), TimeUnit.NANOSECONDS);
    }
    Metadata headers = target.requests().headers(n, workerId);
    inFlight.incrementAndGet();
    ClientCall<byte[], byte[]> call = target.channels().get(conn).newCall(target.method(), options);
    Listener listener = new Listener(intended, worker);
    listener.call = call;
    listener.sentNanos = System.nanoTime();
    rec.sent(listener.sentNanos);
    target
        .streams()
        .start(call, listener, headers == null ? new Metadata() : headers, n, workerId, timer);
  }

  private final class Listener extends ClientCall.Listener<byte[]>
      implements H2Transport.Completion {
    final long intended;
    final Worker worker;
    long sentNanos;
    String variant;
    boolean headersSeen;

    /** The grpc-java call (null on the h2 transport): its addresses word transport failures. */
    ClientCall<byte[], byte[]> call;

    Listener(long intended, Worker worker) {
      this.intended = intended;
      this.worker = worker;
    }

    @Override
    public void onHeaders(Metadata headers) {
      headersSeen = true;
      variant = headers.get(target.variantHeader());
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      if (!headersSeen) { // trailers-only answer (an error): the header travels there
        variant = trailers.get(target.variantHeader());
      }
      Status st = status;
      if (status.getCause() != null && call != null) {
        Attributes a = call.getAttributes();
        st =
            GoTransportErrors.inGoWords(
                status,
                a.get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR),
                a.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
      }
      completed(st, variant);
    }

    @Override
    public void completed(Status status, String variantValue) {
      long end = System.nanoTime();
      variant = variantValue;
      if (!(stopping && ignoreInFlight && !status.isOk())) {
        Status st = status;
        if (stopping && closing && !status.isOk()) {
          st = Status.CANCELLED.withDescription("grpc: the client connection is closing");
        }
        rec.record(intended, sentNanos, end, st, variant);
      }
      inFlight.decrementAndGet();
      if (worker != null) {
        worker.completed();
      } else {
        maybeFinish();
      }
    }
  }

  private String progressLine() {
    long elapsed = System.nanoTime() - rec.startNanos;
    long count;
    long errors;
    synchronized (rec) {
      count = rec.count;
      errors = count - rec.statusCounts[0];
    }
    double secs = elapsed / 1e9;
    String total = plan.total() == Long.MAX_VALUE ? "" : "/" + plan.total();
    return String.format(
        "%8d%s calls  %8.0f calls/s  %d errors  %5.1fs  in flight %d",
        count, total, secs > 0 ? count / secs : 0.0, errors, secs, inFlight.get());
  }

  /**
   * A run that has ended.
   *
   * @param recorder its calls
   * @param endReason ghz's end reason: normal, timeout or cancel
   * @param totalNanos wall time, from the start to the last call's end
   */
  record Finished(Recorder recorder, String endReason, long totalNanos) {}
}
