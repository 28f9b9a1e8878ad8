package io.infergate.infer.perf.loadtest;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.List;

/**
 * What each call goes to and carries: grpc-java channels (or, for plaintext, the HTTP/2 fast path
 * {@code h2}, when not null), method, call options, payloads; {@code streams} starts the calls of a
 * streaming method (null for a unary one).
 */
record Target(
    List<ManagedChannel> channels,
    H2Transport h2,
    MethodDescriptor<byte[], byte[]> method,
    CallOptions callOptions,
    long timeoutNanos,
    Requests requests,
    Metadata.Key<String> variantHeader,
    StreamCalls streams) {}
