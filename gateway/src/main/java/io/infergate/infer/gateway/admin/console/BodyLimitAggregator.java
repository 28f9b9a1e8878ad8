package io.infergate.infer.gateway.admin.console;

import io.grpc.Status;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * Netty's aggregator with the console's answer to an over-long body: a 413 in the console's JSON
 * and headers rather than Netty's bare one. The rest of the body is read and dropped (the
 * aggregator does that) and the connection's output is shut once the answer is out, so the client
 * reads the 413 rather than a reset from a close with its bytes unread; a client that keeps sending
 * is closed by the admin port's handshake timeout.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {
  private final int maxBodyBytes;

  BodyLimitAggregator(int maxBodyBytes) {
    super(maxBodyBytes);
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    JsonBridge.Reply reply =
        JsonBridge.error(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "request body over " + maxBodyBytes + " bytes"));
    HttpReplies.sendJsonWithoutClosing(ctx, 413, reply.json())
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (written.channel() instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput();
                  } else {
                    written.channel().close();
                  }
                });
  }
}
