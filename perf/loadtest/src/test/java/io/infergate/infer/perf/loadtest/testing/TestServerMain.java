package io.infergate.infer.perf.loadtest.testing;

import java.util.concurrent.CountDownLatch;

/**
 * Serves {@link TestServer} until killed, for manual runs and the h2load benchmark: prints {@code
 * test-server listening on 127.0.0.1:PORT}. Args: [--variants].
 */
public final class TestServerMain {
  private TestServerMain() {}

  public static void main(String[] args) throws InterruptedException {
    TestServer server = TestServer.start();
    for (String a : args) {
      if (a.equals("--variants")) {
        server.withVariants();
      }
    }
    System.out.println("test-server listening on " + server.target());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
