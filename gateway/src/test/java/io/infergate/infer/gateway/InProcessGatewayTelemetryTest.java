package io.infergate.infer.gateway;

import io.infergate.infer.gateway.testing.Transport;

/** {@link GatewayTelemetryContract} in one process. */
class InProcessGatewayTelemetryTest extends GatewayTelemetryContract {
  InProcessGatewayTelemetryTest() {
    super(Transport.inProcess());
  }
}
