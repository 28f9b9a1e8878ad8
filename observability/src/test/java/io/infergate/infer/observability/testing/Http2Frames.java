package io.infergate.infer.observability.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameWriter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What an HTTP/2 client written on Netty's frame writer and reader must do for a gRPC server to let
 * it in and keep it: the connection preface, the HEADERS of a gRPC call, and acknowledgements of
 * the server's SETTINGS and PINGs. For clients that do what grpc-java's will not, such as the Rapid
 * Reset flood (CVE-2023-44487) that the servers' connection limits answer: the gateway's tests and
 * the perf attacker share them.
 */
public final class Http2Frames {
  private Http2Frames() {}

  /**
   * Writes the connection preface and our SETTINGS; call it from {@code channelActive}, before any
   * read. The server sends its SETTINGS at once, and an acknowledgement written before the preface
   * makes it refuse the connection with PROTOCOL_ERROR ("client preface string missing or corrupt")
   * instead of serving it.
   */
  public static void writePreface(ChannelHandlerContext ctx, Http2FrameWriter writer) {
    ctx.write(Http2CodecUtil.connectionPrefaceBuf());
    writer.writeSettings(ctx, new Http2Settings(), ctx.newPromise());
    ctx.flush();
  }

  /** The request HEADERS of a gRPC call to {@code path}, such as {@code /pkg.Service/Method}. */
  public static Http2Headers grpcRequest(String path) {
    return new DefaultHttp2Headers()
        .method("POST")
        .scheme("http")
        .authority("localhost")
        .path(path)
        .add("content-type", "application/grpc")
        .add("te", "trailers");
  }

  /**
   * A client's end of one connection: writes the preface as the connection opens, then reads the
   * server's frames into {@link #listener()}. Not validating: the server may answer a call, or send
   * frames for a stream, after the client has reset it. Not sharable (one per connection, as the
   * HPACK state of {@link #writer} is).
   */
  public abstract static class ClientConnection extends ByteToMessageDecoder {
    protected final Http2FrameWriter writer;
    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(false);

    protected ClientConnection(Http2FrameWriter writer) {
      this.writer = writer;
    }

    /** Where the frames read go; asked for each read. */
    protected abstract Http2FrameListener listener();

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      writePreface(ctx, writer);
      super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
        throws Exception {
      reader.readFrame(ctx, in, listener());
    }
  }

  /**
   * Reads frames as a connection that is to stay open must: acknowledges the server's SETTINGS and
   * PINGs (grpc-java's graceful GOAWAY waits for a PING's acknowledgement before closing) and
   * consumes DATA. A client overrides what it wants to see.
   */
  public static class Acknowledging extends Http2FrameAdapter {
    private final Http2FrameWriter writer;

    public Acknowledging(Http2FrameWriter writer) {
      this.writer = writer;
    }

    /** Passes the GOAWAY on to {@link #onGoAway}, its debug data as text. */
    @Override
    public final void onGoAwayRead(
        ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
      onGoAway(new GoAway(errorCode, debugData.toString(StandardCharsets.UTF_8)));
    }

    /** The server's GOAWAY: it takes no new streams, and will close the connection. */
    protected void onGoAway(GoAway goAway) {}

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
      writer.writeSettingsAck(ctx, ctx.newPromise());
      ctx.flush();
    }

    @Override
    public void onPingRead(ChannelHandlerContext ctx, long data) {
      writer.writePing(ctx, true, data, ctx.newPromise());
      ctx.flush();
    }

    @Override
    public int onDataRead(
        ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
      return data.readableBytes() + padding;
    }
  }

  /**
   * A GOAWAY frame as read.
   *
   * @param errorCode the HTTP/2 error code
   * @param debugData its debug data as text (grpc-java and Netty put the reason there)
   */
  public record GoAway(long errorCode, String debugData) {}
}
