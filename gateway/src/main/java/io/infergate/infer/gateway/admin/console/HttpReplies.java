package io.infergate.infer.gateway.admin.console;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The console's HTTP answers, each with the same security headers, and each closing its connection:
 * the console asks twice every two seconds, and a connection per request never meets grpc-java's
 * handshake timeout, which closes any connection that has not spoken HTTP/2 within 120 s.
 */
final class HttpReplies {
  /**
   * Scripts, styles and calls from the console's own origin only: no inline script, so an injected
   * string cannot run; no framing, so no click-jacking.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  static final String JSON = "application/json; charset=utf-8";

  private HttpReplies() {}

  /** Sends {@code body} with {@code status} and closes the connection once it is written. */
  static void send(
      ChannelHandlerContext ctx, HttpResponseStatus status, String contentType, byte[] body) {
    write(ctx, status, contentType, body).addListener(ChannelFutureListener.CLOSE);
  }

  /** Sends a JSON body and closes the connection once it is written. */
  static void sendJson(ChannelHandlerContext ctx, int status, String json) {
    send(ctx, HttpResponseStatus.valueOf(status), JSON, json.getBytes(UTF_8));
  }

  /**
   * Sends a JSON body, still saying {@code Connection: close}, and leaves closing to the caller.
   */
  static ChannelFuture sendJsonWithoutClosing(ChannelHandlerContext ctx, int status, String json) {
    return write(ctx, HttpResponseStatus.valueOf(status), JSON, json.getBytes(UTF_8));
  }

  private static ChannelFuture write(
      ChannelHandlerContext ctx, HttpResponseStatus status, String contentType, byte[] body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
    headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    headers.set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY");
    headers.set("Referrer-Policy", "no-referrer");
    if (status == HttpResponseStatus.METHOD_NOT_ALLOWED) {
      headers.set(HttpHeaderNames.ALLOW, "GET, POST");
    }
    return ctx.writeAndFlush(response);
  }
}
