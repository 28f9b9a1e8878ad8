package io.infergate.infer.perf.loadtest.testing;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/** Where the test servers listen: 127.0.0.1, a free port, with reflection v1 served. */
final class Loopback {
  private Loopback() {}

  /** A builder for a free loopback port that already serves reflection v1; add the services. */
  static NettyServerBuilder builder() {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ProtoReflectionServiceV1.newInstance());
  }

  /** Builds and starts {@code builder}'s server; a test cannot go on without it. */
  static Server start(NettyServerBuilder builder) {
    try {
      return builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code host:port} the harness takes as its target. */
  static String target(Server server) {
    return "127.0.0.1:" + server.getPort();
  }
}
