package io.infergate.infer.perf.loadtest;

import io.grpc.Metadata;
import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.util.AsciiString;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection (h2c, prior knowledge) that speaks only what unary gRPC calls need: a
 * HEADERS and a DATA frame out per call, header blocks and resets in, SETTINGS, PING, GOAWAY and
 * flow control as RFC 9113 requires of a client.
 *
 * <p>Why not Netty's {@code Http2ConnectionHandler}: per call it builds a stream with a property
 * map, remote flow-controller and priority-tree state, a promise and a listener per frame, and
 * HPACK-encodes the same headers again; at 4 connections x 16 streams that was most of the
 * harness's CPU per call (docs/benchmarks.md, "Load harness vs h2load"). Here a call costs one
 * {@link Pending} and one copy of the call's frames into one buffer per event-loop batch (one write
 * and flush per batch, as h2load); response header blocks go through {@link ResponseHeaderBlocks},
 * which decodes a grpc-java server's repeated blocks once. The request header block is
 * HPACK-encoded by Netty's encoder (so the server's decoder table is kept exactly), and once two
 * encodings in a row give the same bytes (every header indexed) those bytes are reused verbatim.
 *
 * <p>Everything runs on the channel's event loop.
 */
final class H2Connection extends ChannelInboundHandlerAdapter {
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0;
  private static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int PUSH_PROMISE = 5;
  private static final int PING = 6;
  private static final int GOAWAY = 7;
  private static final int WINDOW_UPDATE = 8;
  private static final int CONTINUATION = 9;
  private static final int END_STREAM = 0x1;
  private static final int ACK = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int PADDED = 0x8;
  private static final int PRIORITY = 0x20;
  private static final int DEFAULT_WINDOW = 65_535;

  /**
   * What we let the server send before we acknowledge it: per stream through SETTINGS, per
   * connection through a WINDOW_UPDATE right after the preface. Acknowledged in halves.
   */
  private static final int RECEIVE_WINDOW = 1 << 30;

  private static final Status CLOSING =
      Status.UNAVAILABLE.withDescription("grpc: the client connection is closing");

  private final Http2Headers template;
  private final ResponseHeaderBlocks responses;
  private final DefaultHttp2HeadersEncoder hpackOut =
      new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE);
  private final IntObjectHashMap<Pending> pending = new IntObjectHashMap<>();

  /** Calls waiting for a stream (the server's MAX_CONCURRENT_STREAMS is reached). */
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();

  /** Streams whose DATA waits for flow-control window, in order. */
  private final ArrayDeque<Pending> blocked = new ArrayDeque<>();

  private final ChannelFutureListener closeOnFailure =
      f -> {
        if (!f.isSuccess()) {
          failure = f.cause();
          f.channel().close();
        }
      };
  private final Runnable flushTask = this::flush;

  private ChannelHandlerContext ctx;
  private ByteBuf out;
  private ByteBuf in;
  private boolean prefaceSent;
  private boolean reading;
  private boolean flushScheduled;
  private boolean closed;
  private boolean goAway;
  private boolean settingsReceived;
  private Throwable failure;
  private int nextStreamId = 1;
  private long maxConcurrentStreams = Long.MAX_VALUE;
  private int maxFrameSize = 16_384;
  private int initialSendWindow = DEFAULT_WINDOW;
  private long sendWindow = DEFAULT_WINDOW;
  private long unacknowledged;

  /** The request header block, once HPACK encoding has reached a fixed point; else null. */
  private byte[] cachedBlock;

  private byte[] lastBlock;

  /**
   * A whole call as bytes, HEADERS frame and DATA frame, for {@link #framedBody} and {@link
   * #cachedBlock}; only the two stream ids change from call to call.
   */
  private byte[] callFrames;

  private byte[] framedBody;

  /** A header block split over HEADERS and CONTINUATION frames, while it lasts. */
  private ByteBuf fragments;

  private int fragmentsStream;
  private boolean fragmentsEndStream;

  /**
   * @param template the request headers of every call (pseudo-headers first)
   * @param variantHeader the response header that names the variant, lower case
   */
  H2Connection(Http2Headers template, AsciiString variantHeader) {
    this.template = template;
    this.responses = new ResponseHeaderBlocks(variantHeader);
  }

  /** One call, from its start to its end. */
  private static final class Pending {
    final H2Transport.Completion done;
    final byte[] body;
    final Metadata metadata;

    /** The call's deadline, after the start; 0 for none. */
    final long timeoutNanos;

    /** {@link System#nanoTime()} at the start, taken only for calls with a deadline. */
    long startNanos;

    int id;
    int sendWindow;

    /** Bytes of the gRPC message (5-byte prefix and body) written so far. */
    int sent;

    String variant;
    boolean headersSeen;
    ScheduledFuture<?> timeout;

    Pending(H2Transport.Completion done, byte[] body, Metadata metadata, long timeoutNanos) {
      this.done = done;
      this.body = body;
      this.metadata = metadata;
      this.timeoutNanos = timeoutNanos;
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive()) {
      sendPreface();
      scheduleFlush();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    sendPreface();
    scheduleFlush();
    ctx.fireChannelActive();
  }

  /** Starts a call; {@code done} is told once, on the event loop. */
  void start(byte[] body, Metadata metadata, long timeoutNanos, H2Transport.Completion done) {
    if (closed || !ctx.channel().isActive()) {
      done.completed(Status.UNAVAILABLE.withDescription("connection closed"), null);
      return;
    }
    if (goAway) {
      done.completed(Status.UNAVAILABLE.withDescription("server sent GOAWAY"), null);
      return;
    }
    Pending p = new Pending(done, body, metadata, timeoutNanos);
    if (timeoutNanos > 0) {
      p.startNanos = System.nanoTime();
      p.timeout = ctx.executor().schedule(() -> expire(p), timeoutNanos, TimeUnit.NANOSECONDS);
    }
    // Until the server's first SETTINGS, its stream limit is unknown: wait, as grpc-java does.
    if (!settingsReceived || pending.size() >= maxConcurrentStreams || !waiting.isEmpty()) {
      sendPreface();
      scheduleFlush();
      waiting.add(p);
      return;
    }
    open(p);
    scheduleFlush();
  }

  private void open(Pending p) {
    int id = nextStreamId;
    if (id < 0) {
      p.done.completed(Status.UNAVAILABLE.withDescription("stream ids exhausted"), null);
      return;
    }
    nextStreamId += 2;
    p.id = id;
    p.sendWindow = initialSendWindow;
    pending.put(id, p);
    sendPreface();
    if (writeWhole(p)) {
      return;
    }
    try {
      writeHeaders(id, p.metadata);
    } catch (Http2Exception e) {
      pending.remove(id);
      p.done.completed(
          Status.INTERNAL.withDescription("cannot encode request headers: " + e.getMessage()),
          null);
      return;
    }
    if (!blocked.isEmpty() || !writeData(p)) {
      blocked.add(p);
    }
  }

  private void expire(Pending p) {
    if (p.id != 0 && pending.get(p.id) == p) {
      writeFrameHeader(out(), 4, RST_STREAM, 0, p.id);
      out.writeInt((int) Http2Error.CANCEL.code());
      scheduleFlush();
      complete(p.id, H2Transport.DEADLINE_EXCEEDED);
    } else if (waiting.remove(p)) {
      p.done.completed(H2Transport.DEADLINE_EXCEEDED, null);
    }
  }

  /**
   * Writes the call as one copy of {@link #callFrames} when its headers and body are the constant
   * ones and the windows let the body go in one frame; false when it must be written piece by
   * piece.
   */
  private boolean writeWhole(Pending p) {
    int data = 5 + p.body.length;
    if (cachedBlock == null
        || p.metadata != null
        || !blocked.isEmpty()
        || data > maxFrameSize
        || data > sendWindow
        || data > p.sendWindow) {
      return false;
    }
    if (framedBody != p.body || callFrames == null) {
      ByteBuf b = Unpooled.buffer(18 + cachedBlock.length + data);
      writeFrameHeader(b, cachedBlock.length, HEADERS, END_HEADERS, 0);
      b.writeBytes(cachedBlock);
      writeFrameHeader(b, data, DATA, END_STREAM, 0);
      b.writeByte(0).writeInt(p.body.length).writeBytes(p.body);
      callFrames = b.array();
      framedBody = p.body;
    }
    ByteBuf o = out();
    int at = o.writerIndex();
    o.writeBytes(callFrames);
    o.setInt(at + 5, p.id);
    o.setInt(at + 9 + cachedBlock.length + 5, p.id);
    p.sent = data;
    sendWindow -= data;
    p.sendWindow -= data;
    return true;
  }

  private void writeHeaders(int id, Metadata metadata) throws Http2Exception {
    byte[] block = cachedBlock;
    if (block == null || metadata != null) {
      block = encode(metadata);
    }
    ByteBuf o = out();
    int offset = 0;
    int type = HEADERS;
    do {
      int n = Math.min(block.length - offset, maxFrameSize);
      boolean last = offset + n == block.length;
      writeFrameHeader(o, n, type, last ? END_HEADERS : 0, id);
      o.writeBytes(block, offset, n);
      offset += n;
      type = CONTINUATION;
    } while (offset < block.length);
  }

  private byte[] encode(Metadata metadata) throws Http2Exception {
    Http2Headers headers = template;
    if (metadata != null) {
      headers = new DefaultHttp2Headers(false).set(template);
      addMetadata(metadata, headers);
    }
    ByteBuf b = ctx.alloc().heapBuffer(256);
    try {
      hpackOut.encodeHeaders(0, headers, b);
      byte[] block = ByteBufUtil.getBytes(b);
      if (metadata == null) {
        // Constant headers: once an encoding repeats the last one, the encoder's table no longer
        // changes and the bytes stay valid until it does (per-call metadata, a new table size).
        if (Arrays.equals(block, lastBlock)) {
          cachedBlock = block;
          callFrames = null;
        }
        lastBlock = block;
      } else {
        lastBlock = null;
        cachedBlock = null;
      }
      return block;
    } finally {
      b.release();
    }
  }

  private static void addMetadata(Metadata metadata, Http2Headers headers) {
    for (String key : metadata.keys()) {
      if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        for (byte[] v : metadata.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER))) {
          headers.add(key, Base64.getEncoder().withoutPadding().encodeToString(v));
        }
      } else {
        for (String v : metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
          headers.add(key, v);
        }
      }
    }
  }

  /** Writes what the windows allow of {@code p}'s message; true when all of it is written. */
  private boolean writeData(Pending p) {
    int total = 5 + p.body.length;
    while (p.sent < total) {
      int n =
          (int)
              Math.min(Math.min(total - p.sent, maxFrameSize), Math.min(sendWindow, p.sendWindow));
      if (n <= 0) {
        return false;
      }
      ByteBuf o = out();
      writeFrameHeader(o, n, DATA, p.sent + n == total ? END_STREAM : 0, p.id);
      int from = p.sent;
      int to = from + n;
      for (int i = from; i < Math.min(to, 5); i++) {
        o.writeByte(i == 0 ? 0 : p.body.length >>> (8 * (4 - i)));
      }
      if (to > 5) {
        o.writeBytes(p.body, Math.max(from, 5) - 5, to - Math.max(from, 5));
      }
      p.sent = to;
      sendWindow -= n;
      p.sendWindow -= n;
    }
    return true;
  }

  private void drainBlocked() {
    while (!blocked.isEmpty()) {
      Pending p = blocked.peek();
      if (pending.get(p.id) != p) {
        blocked.poll(); // ended meanwhile (reset, deadline, early answer)
      } else if (writeData(p)) {
        blocked.poll();
      } else {
        return;
      }
    }
  }

  private void startWaiting() {
    while (!waiting.isEmpty()
        && settingsReceived
        && pending.size() < maxConcurrentStreams
        && !closed
        && !goAway) {
      open(waiting.poll());
    }
  }

  private void sendPreface() {
    if (prefaceSent) {
      return;
    }
    prefaceSent = true;
    ByteBuf o = out();
    o.writeBytes(PREFACE);
    writeFrameHeader(o, 12, SETTINGS, 0, 0);
    o.writeShort(0x2).writeInt(0); // ENABLE_PUSH: off
    o.writeShort(0x4).writeInt(RECEIVE_WINDOW); // INITIAL_WINDOW_SIZE
    writeFrameHeader(o, 4, WINDOW_UPDATE, 0, 0);
    o.writeInt(RECEIVE_WINDOW - DEFAULT_WINDOW);
  }

  private ByteBuf out() {
    if (out == null) {
      out = ctx.alloc().ioBuffer(4096);
    }
    return out;
  }

  private static void writeFrameHeader(ByteBuf o, int length, int type, int flags, int stream) {
    o.writeMedium(length).writeByte(type).writeByte(flags).writeInt(stream);
  }

  private void scheduleFlush() {
    if (!reading && !flushScheduled) {
      flushScheduled = true;
      ctx.executor().execute(flushTask);
    }
  }

  private void flush() {
    flushScheduled = false;
    if (out != null) {
      ByteBuf o = out;
      out = null;
      ctx.writeAndFlush(o).addListener(closeOnFailure);
    }
  }

  // ---- inbound ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reading = true;
    ByteBuf buf = (ByteBuf) msg;
    in = in == null ? buf : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), in, buf);
    try {
      while (in.readableBytes() >= 9 && !closed) {
        int start = in.readerIndex();
        int length = in.getUnsignedMedium(start);
        if (in.readableBytes() < 9 + length) {
          break;
        }
        int type = in.getUnsignedByte(start + 3);
        int flags = in.getUnsignedByte(start + 4);
        int stream = in.getInt(start + 5) & 0x7fff_ffff;
        in.readerIndex(start + 9 + length);
        frame(type, flags, stream, in.slice(start + 9, length));
      }
    } catch (Http2Exception | RuntimeException e) {
      failure = e;
      ctx.close();
    }
    if (in != null && !in.isReadable()) {
      in.release();
      in = null;
    } else if (in != null) {
      in.discardSomeReadBytes();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    reading = false;
    flush();
    ctx.fireChannelReadComplete();
  }

  private void frame(int type, int flags, int stream, ByteBuf payload) throws Http2Exception {
    switch (type) {
      case DATA -> data(flags, stream, payload);
      case HEADERS -> headers(flags, stream, payload);
      case CONTINUATION -> continuation(flags, stream, payload);
      case RST_STREAM -> reset(stream, payload.getUnsignedInt(payload.readerIndex()));
      case SETTINGS -> settings(flags, payload);
      case PING -> ping(flags, payload);
      case GOAWAY -> goAway(payload.getInt(payload.readerIndex()) & 0x7fff_ffff);
      case WINDOW_UPDATE ->
          windowUpdate(stream, payload.getInt(payload.readerIndex()) & 0x7fff_ffff);
      case PUSH_PROMISE ->
          throw Http2Exception.connectionError(
              Http2Error.PROTOCOL_ERROR, "PUSH_PROMISE while push is disabled");
      default -> {} // PRIORITY and unknown types: nothing to do
    }
  }

  private void data(int flags, int stream, ByteBuf payload) {
    unacknowledged += payload.readableBytes();
    if (unacknowledged >= RECEIVE_WINDOW / 2) {
      writeFrameHeader(out(), 4, WINDOW_UPDATE, 0, 0);
      out.writeInt((int) unacknowledged);
      unacknowledged = 0;
    }
    if ((flags & END_STREAM) != 0) {
      complete(
          stream, Status.INTERNAL.withDescription("server closed the stream without trailers"));
    }
  }

  private void headers(int flags, int stream, ByteBuf payload) throws Http2Exception {
    int pad = (flags & PADDED) != 0 ? payload.readUnsignedByte() : 0;
    if ((flags & PRIORITY) != 0) {
      payload.skipBytes(5);
    }
    ByteBuf block = payload.slice(payload.readerIndex(), payload.readableBytes() - pad);
    boolean endStream = (flags & END_STREAM) != 0;
    if ((flags & END_HEADERS) != 0) {
      headerBlock(stream, block, endStream);
    } else {
      fragments = ctx.alloc().heapBuffer(block.readableBytes() * 2).writeBytes(block);
      fragmentsStream = stream;
      fragmentsEndStream = endStream;
    }
  }

  private void continuation(int flags, int stream, ByteBuf payload) throws Http2Exception {
    if (fragments == null || stream != fragmentsStream) {
      throw Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR, "unexpected CONTINUATION");
    }
    fragments.writeBytes(payload);
    if ((flags & END_HEADERS) != 0) {
      ByteBuf block = fragments;
      fragments = null;
      try {
        headerBlock(stream, block, fragmentsEndStream);
      } finally {
        block.release();
      }
    }
  }

  private void headerBlock(int stream, ByteBuf block, boolean endOfStream) throws Http2Exception {
    // Decoded even for streams that have ended: the decoder's table must see every block.
    ResponseHeaderBlocks.Block headers;
    try {
      headers = responses.decode(stream, block);
    } catch (Http2Exception.StreamException e) {
      writeFrameHeader(out(), 4, RST_STREAM, 0, stream);
      out.writeInt((int) Http2Error.CANCEL.code());
      complete(stream, Status.INTERNAL.withDescription(e.getMessage()));
      return;
    }
    Pending p = pending.get(stream);
    if (p == null) {
      return;
    }
    if ((!p.headersSeen || endOfStream) && p.variant == null) {
      p.variant = headers.variant;
    }
    if (!p.headersSeen && !endOfStream) {
      p.headersSeen = true;
      if (headers.httpError != null) {
        writeFrameHeader(out(), 4, RST_STREAM, 0, stream);
        out.writeInt((int) Http2Error.CANCEL.code());
        complete(stream, headers.httpError);
      }
      return;
    }
    if (endOfStream) {
      complete(stream, headers.grpcStatus());
    }
  }

  private void reset(int stream, long errorCode) {
    Status s =
        errorCode == Http2Error.CANCEL.code()
            ? Status.CANCELLED
            : errorCode == Http2Error.REFUSED_STREAM.code() ? Status.UNAVAILABLE : Status.INTERNAL;
    complete(
        stream, s.withDescription("stream reset by the server (HTTP/2 error " + errorCode + ")"));
  }

  private void settings(int flags, ByteBuf payload) throws Http2Exception {
    if ((flags & ACK) != 0) {
      return;
    }
    while (payload.readableBytes() >= 6) {
      int id = payload.readUnsignedShort();
      long value = payload.readUnsignedInt();
      switch (id) {
        case 0x1 -> {
          // The server's HPACK table size bounds our encoder's: re-encode from here on.
          hpackOut.configuration().maxHeaderTableSize(value);
          cachedBlock = null;
          lastBlock = null;
        }
        case 0x3 -> maxConcurrentStreams = value;
        case 0x4 -> {
          if (value > Integer.MAX_VALUE) {
            throw Http2Exception.connectionError(
                Http2Error.FLOW_CONTROL_ERROR, "INITIAL_WINDOW_SIZE %d", value);
          }
          int delta = (int) value - initialSendWindow;
          initialSendWindow = (int) value;
          for (Pending p : pending.values()) {
            p.sendWindow += delta;
          }
        }
        case 0x5 -> maxFrameSize = (int) Math.min(value, 16_777_215);
        default -> {} // ENABLE_PUSH, MAX_HEADER_LIST_SIZE and unknown ones: nothing to do
      }
    }
    writeFrameHeader(out(), 0, SETTINGS, ACK, 0);
    settingsReceived = true;
    drainBlocked();
    startWaiting();
  }

  private void ping(int flags, ByteBuf payload) {
    if ((flags & ACK) == 0) {
      writeFrameHeader(out(), 8, PING, ACK, 0);
      out.writeBytes(payload, payload.readerIndex(), 8);
    }
  }

  private void goAway(int lastStreamId) {
    goAway = true;
    List<Integer> refused = new ArrayList<>();
    for (int id : pending.keySet()) {
      if (id > lastStreamId) {
        refused.add(id);
      }
    }
    for (int id : refused) {
      complete(id, Status.UNAVAILABLE.withDescription("server sent GOAWAY"));
    }
    failWaiting(Status.UNAVAILABLE.withDescription("server sent GOAWAY"));
  }

  private void windowUpdate(int stream, int increment) {
    if (stream == 0) {
      sendWindow += increment;
    } else {
      Pending p = pending.get(stream);
      if (p == null) {
        return;
      }
      p.sendWindow += increment;
    }
    drainBlocked();
  }

  private void complete(int id, Status status) {
    Pending p = pending.remove(id);
    if (p == null) {
      return;
    }
    if (p.timeout != null) {
      p.timeout.cancel(false);
    }
    Status ended =
        p.timeoutNanos > 0
            ? H2Transport.endedAs(status, p.timeoutNanos, System.nanoTime() - p.startNanos)
            : status;
    p.done.completed(ended, p.variant);
    if (!waiting.isEmpty()) {
      startWaiting();
      scheduleFlush();
    }
  }

  private void failWaiting(Status status) {
    while (!waiting.isEmpty()) {
      Pending p = waiting.poll();
      if (p.timeout != null) {
        p.timeout.cancel(false);
      }
      p.done.completed(status, null);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    failure = cause;
    ctx.close();
  }

  /** The channel went inactive: fail what is left. */
  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    if (out != null) {
      out.release();
      out = null;
    }
    if (in != null) {
      in.release();
      in = null;
    }
    if (fragments != null) {
      fragments.release();
      fragments = null;
    }
    Status status = CLOSING;
    if (failure instanceof IOException) {
      status =
          GoTransportErrors.inGoWords(
              Status.UNAVAILABLE.withDescription(String.valueOf(failure)).withCause(failure),
              ctx.channel().localAddress(),
              ctx.channel().remoteAddress());
    }
    for (int id : new ArrayList<>(pending.keySet())) {
      complete(id, status);
    }
    failWaiting(status);
    ctx.fireChannelInactive();
  }
}
