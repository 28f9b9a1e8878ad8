package io.infergate.infer.gateway.admin.console;

import static java.util.Objects.requireNonNull;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.InternalChannelz;
import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.ProtocolNegotiationEvent;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;

/**
 * TLS in front of the admin port's two protocols: puts a Netty {@link SslHandler} before itself
 * and, when the handshake succeeds, hands the connection on by the protocol ALPN chose: {@code h2}
 * to grpc-java's negotiation handler, {@code http/1.1} to the console, and a client that offered no
 * ALPN to the {@link ProtocolSniffer}, which tells them apart by the decrypted bytes. gRPC gets the
 * negotiation event grpc's own {@code ServerTlsHandler} would fire: the TLS session as {@link
 * Grpc#TRANSPORT_ATTR_SSL_SESSION} (where the admin service reads a client certificate's names) and
 * the session for channelz. (grpc's handler also sets a security level, through grpc-core's
 * internal attribute; the admin server reads none, so this one does not reach into grpc-core.)
 *
 * <p>A failed handshake (no client certificate where one is required, one from another CA) is
 * passed on as grpc's is, as an exception, and grpc's handler closes the connection.
 */
final class ConsoleTlsHandler extends ChannelInboundHandlerAdapter {
  private final SslContext sslContext;
  private final GrpcHttp2ConnectionHandler grpcHandler;
  private final Consumer<ChannelHandlerContext> http1Installer;
  private ProtocolNegotiationEvent negotiation = InternalProtocolNegotiationEvent.getDefault();

  ConsoleTlsHandler(
      SslContext sslContext,
      GrpcHttp2ConnectionHandler grpcHandler,
      Consumer<ChannelHandlerContext> http1Installer) {
    this.sslContext = requireNonNull(sslContext, "sslContext");
    this.grpcHandler = requireNonNull(grpcHandler, "grpcHandler");
    this.http1Installer = requireNonNull(http1Installer, "http1Installer");
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ctx.pipeline()
        .addBefore(ctx.name(), null, new SslHandler(sslContext.newEngine(ctx.alloc()), false));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ProtocolNegotiationEvent) {
      // Held until the handshake is done, as grpc's TLS handler does.
      negotiation = (ProtocolNegotiationEvent) evt;
    } else if (evt instanceof SslHandshakeCompletionEvent handshake) {
      if (handshake.isSuccess()) {
        handOver(ctx, requireNonNull(ctx.pipeline().get(SslHandler.class), "SslHandler"));
      } else {
        ctx.fireExceptionCaught(handshake.cause());
      }
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  private void handOver(ChannelHandlerContext ctx, SslHandler ssl) {
    String protocol = ssl.applicationProtocol();
    if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
      http1Installer.accept(ctx);
      ctx.pipeline().remove(this);
      return;
    }
    ProtocolNegotiationEvent secured = secured(ssl.engine().getSession());
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      ctx.pipeline()
          .replace(this, null, InternalProtocolNegotiators.grpcNegotiationHandler(grpcHandler));
    } else {
      ctx.pipeline()
          .replace(
              this,
              null,
              new ProtocolSniffer(
                  InternalProtocolNegotiators.grpcNegotiationHandler(grpcHandler), http1Installer));
    }
    // This context is out of the pipeline now, but still points at the handler that replaced it.
    ctx.fireUserEventTriggered(secured);
  }

  private ProtocolNegotiationEvent secured(SSLSession session) {
    Attributes attributes =
        InternalProtocolNegotiationEvent.getAttributes(negotiation).toBuilder()
            .set(Grpc.TRANSPORT_ATTR_SSL_SESSION, session)
            .build();
    return InternalProtocolNegotiationEvent.withSecurity(
        InternalProtocolNegotiationEvent.withAttributes(negotiation, attributes),
        new InternalChannelz.Security(new InternalChannelz.Tls(session)));
  }
}
