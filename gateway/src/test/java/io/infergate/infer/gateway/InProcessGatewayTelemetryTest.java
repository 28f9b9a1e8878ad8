package io.infergate.infer.gateway;

import io.infergate.infer.gateway.testing.Transport;

/** {@link GatewayTelemetryContract} in one process. */
class InProcessGatewayTelemetryTest extends GatewayTelemetryContract {
  @Override
  Transport transport() {
    return Transport.inProcess();
  }
}
