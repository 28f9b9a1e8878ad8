/**
 * The gateway: forwards OIP and TF Serving calls to model servers by model, with the router's
 * splits.
 *
 * <p>Starting points: {@link io.infergate.infer.gateway.GatewayMain} (the command line) and {@link
 * io.infergate.infer.gateway.Gateway} (start on Netty or over a given server and channels, reload,
 * close).
 */
package io.infergate.infer.gateway;
