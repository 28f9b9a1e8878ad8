package io.infergate.infer.gateway.admin.console;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.infergate.infer.gateway.proxy.CallerNames;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's three files and its bridge, and nothing else: {@code GET /}, {@code GET
 * /console.js}, {@code GET /console.css} and {@code POST /api/v1/<Method>} with a JSON body (else
 * 415); any other path is 404, another method on these paths 405. Bridged calls run on the bridge's
 * executor, never this event loop; their answer is written when it comes.
 */
final class ConsoleHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final String API_PREFIX = "/api/v1/";

  private static final Logger log = LoggerFactory.getLogger(ConsoleHttpHandler.class);

  private final ConsoleAssets assets;
  private final JsonBridge bridge;

  ConsoleHttpHandler(ConsoleAssets assets, JsonBridge bridge) {
    this.assets = requireNonNull(assets, "assets");
    this.bridge = requireNonNull(bridge, "bridge");
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      HttpReplies.sendJson(
          ctx,
          400,
          JsonBridge.error(Status.INVALID_ARGUMENT.withDescription("malformed HTTP request"))
              .json());
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    ConsoleAssets.Asset asset = assets.at(path);
    if (asset != null) {
      if (request.method().equals(HttpMethod.GET)) {
        HttpReplies.send(ctx, HttpResponseStatus.OK, asset.contentType(), asset.bytes());
      } else {
        notAllowed(ctx, request, path);
      }
      return;
    }
    if (path.startsWith(API_PREFIX) && bridge.bridges(path.substring(API_PREFIX.length()))) {
      if (!request.method().equals(HttpMethod.POST)) {
        notAllowed(ctx, request, path);
      } else if (!isJson(request)) {
        HttpReplies.sendJson(
            ctx,
            415,
            JsonBridge.error(
                    Status.INVALID_ARGUMENT.withDescription(
                        "Content-Type: "
                            + request.headers().get(HttpHeaderNames.CONTENT_TYPE)
                            + " (expected: application/json)"))
                .json());
      } else {
        bridge
            .call(
                path.substring(API_PREFIX.length()),
                request.headers().get(HttpHeaderNames.AUTHORIZATION),
                certificateNames(ctx),
                request.content().toString(UTF_8))
            .thenAccept(reply -> HttpReplies.sendJson(ctx, reply.httpStatus(), reply.json()));
      }
      return;
    }
    HttpReplies.sendJson(
        ctx,
        404,
        JsonBridge.error(Status.NOT_FOUND.withDescription(path + ": no such page")).json());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A browser that goes away mid-answer is routine; anything else is ours to look at.
    if (cause instanceof IOException) {
      log.debug("Console connection from {} failed", ctx.channel().remoteAddress(), cause);
    } else {
      log.warn(
          "Console connection from {} failed; closing it", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }

  /**
   * Whether the body is declared JSON. Required because, over mTLS, a browser presents its client
   * certificate to any page's request, as it sends cookies: another site's page may send a "simple"
   * cross-origin POST ({@code text/plain}) without asking first, but one declaring {@code
   * application/json} only after a CORS preflight, which this port never grants.
   */
  private static boolean isJson(FullHttpRequest request) {
    String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
    return type != null
        && type.strip()
            .toLowerCase(Locale.ROOT)
            .split(";", 2)[0]
            .strip()
            .equals("application/json");
  }

  /** The names of the connection's verified client certificate; empty without TLS or one. */
  private static List<String> certificateNames(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    return ssl == null ? List.of() : CallerNames.of(ssl.engine().getSession());
  }

  private static void notAllowed(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
    HttpReplies.sendJson(
        ctx,
        405,
        JsonBridge.error(
                Status.INVALID_ARGUMENT.withDescription(
                    request.method() + " " + path + ": not allowed"))
            .json());
  }
}
