/**
 * Netty event loops and the gRPC server and channel builders on them, shared by both servers;
 * nothing else of theirs imports Netty. Starting point: {@link
 * io.infergate.infer.observability.transport.NettyTransport}.
 */
package io.infergate.infer.observability.transport;
