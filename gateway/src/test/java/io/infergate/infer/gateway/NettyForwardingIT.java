package io.infergate.infer.gateway;

import io.infergate.infer.gateway.testing.Transport;

/** The forwarding contract over Netty on loopback sockets, as {@code bin/gateway} runs. */
class NettyForwardingIT extends ForwardingContract {
  @Override
  Transport transport() {
    return Transport.loopback();
  }
}
