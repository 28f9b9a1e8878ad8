package io.infergate.infer.gateway.admin.console;

import static java.util.Objects.requireNonNull;

import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.InternalProtocolNegotiators;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;
import java.util.function.Consumer;

/**
 * grpc-java's server negotiation with the console's in front, so that one port serves gRPC and the
 * console's HTTP/1.1. It plugs in through grpc-netty's {@code Internal*} hooks ({@code
 * InternalNettyServerCredentials.create}), which grpc-java may change in any release: {@code
 * ConsoleIT}, {@code AdminApiIT} and {@code AdminTlsIT} call both protocols on one port, plaintext
 * and over TLS, so an upgrade that breaks this fails the build rather than the console.
 *
 * <p>Plaintext, a {@link ProtocolSniffer} tells the protocols apart by a connection's first bytes
 * and hands gRPC to grpc's own plaintext handlers. Over TLS, browsers and gRPC clients both
 * announce their protocol by ALPN ({@code http/1.1} or {@code h2}): a {@link ConsoleTlsHandler}
 * puts a Netty {@code SslHandler} offering both in front and, on its handshake, builds grpc's
 * negotiation event with the TLS session (as grpc's {@code ServerTlsHandler} does) and continues
 * into grpc's negotiation handler for {@code h2}, the console for {@code http/1.1}, or the sniffer
 * (reading decrypted bytes) for a client that offered no ALPN. Both start behind grpc's
 * wait-until-active handler, which adds the connection's addresses to the event.
 */
final class ConsoleNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
  private static final AsciiString HTTPS = AsciiString.of("https");

  private final InternalProtocolNegotiator.ProtocolNegotiator plaintext =
      InternalProtocolNegotiators.serverPlaintext();
  private final SslContext tls;
  private final Consumer<ChannelHandlerContext> http1Installer;

  /**
   * @param tls the admin port's TLS, offering ALPN {@code h2} and {@code http/1.1}; null for
   *     plaintext
   */
  ConsoleNegotiator(SslContext tls, Consumer<ChannelHandlerContext> http1Installer) {
    this.tls = tls;
    this.http1Installer = requireNonNull(http1Installer, "http1Installer");
  }

  @Override
  public AsciiString scheme() {
    return tls == null ? plaintext.scheme() : HTTPS;
  }

  @Override
  public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
    if (tls == null) {
      return new ProtocolSniffer(plaintext.newHandler(grpcHandler), http1Installer);
    }
    return InternalProtocolNegotiators.waitUntilActiveHandler(
        new ConsoleTlsHandler(tls, grpcHandler, http1Installer),
        grpcHandler.getNegotiationLogger());
  }

  @Override
  public void close() {
    plaintext.close();
  }
}
