package io.infergate.infer.gateway;

import io.infergate.infer.gateway.testing.Transport;

/** The forwarding contract in one process: no sockets, direct executors. */
class InProcessForwardingTest extends ForwardingContract {
  @Override
  Transport transport() {
    return Transport.inProcess();
  }
}
