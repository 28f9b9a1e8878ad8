package io.infergate.infer.perf.gateway;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A collector stand-in for the telemetry-overhead runs: accepts OTLP/HTTP exports ({@code POST
 * /v1/traces}, {@code /v1/metrics}) and answers 200 at once, counting them, so the gateway's
 * exporters run their real path and nothing downstream limits them.
 */
public final class OtlpSink implements AutoCloseable {
  private final HttpServer server;
  private final AtomicLong exports = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  /** Starts a sink on a free loopback port, answering on one daemon thread. */
  public OtlpSink() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> daemon(r)));
    server.createContext(
        "/",
        exchange -> {
          try (InputStream body = exchange.getRequestBody()) {
            bytes.addAndGet(body.transferTo(OutputStreamSink.INSTANCE));
          }
          exports.incrementAndGet();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  /** Runs a sink on its own (perf/bin/gateway-side-by-side) until the process is killed. */
  public static void main(String[] args) throws IOException, InterruptedException {
    OtlpSink sink = new OtlpSink();
    System.out.println(
        "otlp sink listening on "
            + sink.server.getAddress().getHostString()
            + ":"
            + sink.server.getAddress().getPort());
    Thread.currentThread().join();
  }

  /** {@code http://127.0.0.1:PORT}, the OTLP/HTTP endpoint to configure. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** "N exports, M KiB" for the report. */
  public String received() {
    return exports.get() + " exports, " + bytes.get() / 1024 + " KiB";
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static Thread daemon(Runnable task) {
    Thread thread = new Thread(task, "otlp-sink");
    thread.setDaemon(true);
    return thread;
  }

  /** Discards what it is given. */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
