package io.infergate.infer.gateway.admin.console;

import static java.util.Objects.requireNonNull;

import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.InternalProtocolNegotiators;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AsciiString;
import java.util.function.Consumer;

/**
 * grpc-java's plaintext server negotiation with a {@link ProtocolSniffer} in front, so that one
 * port serves gRPC and the console's HTTP/1.1. It plugs in through grpc-netty's {@code Internal*}
 * hooks ({@code InternalNettyServerCredentials.create}), which grpc-java may change in any release:
 * {@code ConsoleIT} and {@code AdminApiIT} call both protocols on one port, so an upgrade that
 * breaks this fails the build rather than the console.
 *
 * <p>TLS (when the admin port gets it): browsers and gRPC clients both announce their protocol by
 * ALPN ({@code http/1.1} or {@code h2}). The negotiator then puts a Netty {@code SslHandler}
 * offering both in front; on its handshake event it builds grpc's negotiation event with the TLS
 * session (as grpc's {@code ServerTlsHandler} does, through {@code
 * InternalProtocolNegotiationEvent.withAttributes/withSecurity}) and hands it to the same sniffer,
 * whose gRPC branch is then {@code InternalProtocolNegotiators.grpcNegotiationHandler} instead of
 * the plaintext chain. The sniffer reads decrypted bytes, so it works unchanged; ALPN would let it
 * decide without waiting, and a client whose ALPN says one protocol and bytes another is refused.
 */
final class ConsoleNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
  private final InternalProtocolNegotiator.ProtocolNegotiator grpc =
      InternalProtocolNegotiators.serverPlaintext();
  private final Consumer<ChannelHandlerContext> http1Installer;

  ConsoleNegotiator(Consumer<ChannelHandlerContext> http1Installer) {
    this.http1Installer = requireNonNull(http1Installer, "http1Installer");
  }

  @Override
  public AsciiString scheme() {
    return grpc.scheme();
  }

  @Override
  public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
    return new ProtocolSniffer(grpc.newHandler(grpcHandler), http1Installer);
  }

  @Override
  public void close() {
    grpc.close();
  }
}
