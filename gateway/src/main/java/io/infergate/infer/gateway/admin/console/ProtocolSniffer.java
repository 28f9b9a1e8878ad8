package io.infergate.infer.gateway.admin.console;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import io.grpc.netty.ProtocolNegotiationEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.function.Consumer;

/**
 * Tells an admin connection's protocol from its first bytes: the HTTP/2 client preface ({@code PRI
 * * HTTP/2.0...}, which every gRPC client sends first) hands the connection to grpc-java's own
 * negotiation handlers; anything else is a browser's HTTP/1.1, handed to the console. No HTTP/1.1
 * method starts with {@code PR}, so a browser is told apart by its second byte at the latest, and
 * gRPC by the 24 bytes of the preface.
 *
 * <p>grpc-java fires a {@link ProtocolNegotiationEvent} into the pipeline when the connection is
 * set up; this handler holds it back until the protocol is known and passes it on to the gRPC
 * branch only, so that grpc's handlers see the event and then the bytes in the order they expect.
 *
 * <p>Until it decides, the handler holds what arrived (at most one read's worth). A connection that
 * sends nothing is closed by grpc-java's handshake timeout (120 s by default), as a gRPC client
 * that never finishes its handshake is.
 */
final class ProtocolSniffer extends ChannelInboundHandlerAdapter {
  private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(US_ASCII);

  private final ChannelHandler grpcNegotiation;
  private final Consumer<ChannelHandlerContext> http1Installer;
  private ProtocolNegotiationEvent negotiation;
  private ByteBuf received;

  /**
   * @param grpcNegotiation grpc-java's handlers for this connection, installed after this one for
   *     HTTP/2
   * @param http1Installer adds the HTTP/1.1 handlers after the given context's handler
   */
  ProtocolSniffer(ChannelHandler grpcNegotiation, Consumer<ChannelHandlerContext> http1Installer) {
    this.grpcNegotiation = requireNonNull(grpcNegotiation, "grpcNegotiation");
    this.http1Installer = requireNonNull(http1Installer, "http1Installer");
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ProtocolNegotiationEvent) {
      negotiation = (ProtocolNegotiationEvent) evt;
      decide(ctx);
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    received =
        received == null
            ? (ByteBuf) msg
            : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), received, (ByteBuf) msg);
    decide(ctx);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Swallowed while undecided: nothing after this handler has read anything yet.
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseReceived();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseReceived();
    ctx.fireChannelInactive();
  }

  private void decide(ChannelHandlerContext ctx) {
    if (negotiation == null || received == null) {
      return;
    }
    int known = Math.min(received.readableBytes(), HTTP2_PREFACE.length);
    for (int i = 0; i < known; i++) {
      if (received.getByte(received.readerIndex() + i) != HTTP2_PREFACE[i]) {
        http1Installer.accept(ctx);
        handOver(ctx);
        return;
      }
    }
    if (known == HTTP2_PREFACE.length) {
      ctx.pipeline().addAfter(ctx.name(), null, grpcNegotiation);
      // grpc's handlers replace themselves with its HTTP/2 handler on this event, before any byte.
      ctx.fireUserEventTriggered(negotiation);
      handOver(ctx);
    }
  }

  /** Passes what arrived to the handlers now after this one, and leaves the pipeline. */
  private void handOver(ChannelHandlerContext ctx) {
    ByteBuf bytes = received;
    received = null;
    ctx.fireChannelRead(bytes);
    ctx.fireChannelReadComplete();
    if (ctx.pipeline().context(this) != null) {
      ctx.pipeline().remove(this);
    }
  }

  private void releaseReceived() {
    if (received != null) {
      received.release();
      received = null;
    }
  }
}
