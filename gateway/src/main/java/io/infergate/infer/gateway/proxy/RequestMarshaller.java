package io.infergate.infer.gateway.proxy;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.infergate.infer.observability.transport.RawMarshaller;
import java.io.InputStream;

/**
 * Reads callers' requests as {@link RawMarshaller} does, except one that inflates past the server's
 * {@code maxInboundMessageSize}: grpc-java counts a compressed message as the marshaller reads it,
 * and answers the exception it throws there with UNKNOWN ("Application error processing RPC"). This
 * reads such a message as {@link #TOO_LARGE}, so the forwarding call refuses it with
 * RESOURCE_EXHAUSTED, as grpc-java refuses an uncompressed one; what was read stays bounded by the
 * limit.
 */
final class RequestMarshaller implements MethodDescriptor.Marshaller<byte[]> {
  /** Stands for a request larger than the limit once decompressed; compared by identity. */
  static final byte[] TOO_LARGE = new byte[0];

  static final RequestMarshaller INSTANCE = new RequestMarshaller();

  private RequestMarshaller() {}

  /** {@code forwarded} as the gateway's server reads it: requests through this marshaller. */
  static MethodDescriptor<byte[], byte[]> served(MethodDescriptor<byte[], byte[]> forwarded) {
    return forwarded.toBuilder(INSTANCE, RawMarshaller.INSTANCE).build();
  }

  @Override
  public InputStream stream(byte[] value) {
    return RawMarshaller.INSTANCE.stream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      return RawMarshaller.INSTANCE.parse(stream);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
        return TOO_LARGE;
      }
      throw e;
    }
  }
}
