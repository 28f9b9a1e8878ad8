package io.infergate.infer.gateway;

import io.infergate.infer.gateway.testing.Transport;

/** {@link GatewayTelemetryContract} over Netty on loopback sockets, as {@code bin/gateway} runs. */
class NettyGatewayTelemetryIT extends GatewayTelemetryContract {
  NettyGatewayTelemetryIT() {
    super(Transport.loopback());
  }
}
