package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Server reflection against a server that speaks only v1, and one that speaks only v1alpha. */
class ReflectionIT {
  static Stream<Arguments> servers() {
    return Stream.of(
        Arguments.of("v1", ProtoReflectionServiceV1.newInstance()),
        Arguments.of("v1alpha", legacyReflection()));
  }

  @SuppressWarnings("deprecation") // v1alpha: the version older servers speak
  private static BindableService legacyReflection() {
    return ProtoReflectionService.newInstance();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void fetchesTheServicesFileFromEitherVersion(String version, BindableService reflection)
      throws Exception {
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .addService(new HealthStatusManager().getHealthService())
            .addService(reflection)
            .build()
            .start();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      List<FileDescriptorProto> files =
          Reflection.filesFor(channel, "grpc.health.v1.Health", new Metadata());

      assertThat(files)
          .extracting(FileDescriptorProto::getName)
          .contains("grpc/health/v1/health.proto");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
