/**
 * The web console on the admin port: a page, its script and style, and a JSON bridge to the very
 * {@code GatewayAdmin} service the gRPC clients call, behind the same identity check. The port
 * tells gRPC from a browser by ALPN over TLS, or by a connection's first bytes. Starting point:
 * {@link io.infergate.infer.gateway.admin.console.Console}.
 */
package io.infergate.infer.gateway.admin.console;
