package io.infergate.infer.demo;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.observability.HelpAndVersion;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What every demo client is: a command with help and version that sends digits to {@code --target},
 * a model server or a gateway in front of one.
 */
abstract class DigitsClient implements Callable<Integer> {
  @Mixin HelpAndVersion helpAndVersion;

  @Option(
      names = "--target",
      paramLabel = "HOST:PORT",
      required = true,
      description = "host:port of the model server or gateway")
  String target;

  /** A plaintext channel to the target. */
  ManagedChannel plaintextChannel() {
    return DigitsCalls.channel(target);
  }

  /** A channel to the target, plaintext or TLS as {@code tls} says. */
  ManagedChannel channel(TlsOptions tls) throws IOException {
    return NettyChannelBuilder.forTarget(target, tls.credentials()).build();
  }
}
