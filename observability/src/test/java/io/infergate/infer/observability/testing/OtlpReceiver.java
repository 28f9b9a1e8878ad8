package io.infergate.infer.observability.testing;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.observability.transport.Shutdowns;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What an OpenTelemetry collector offers the processes: OTLP/gRPC's {@code TraceService} and {@code
 * MetricsService} on a loopback port, keeping every request, so a test sees what the processes
 * really exported, over the wire, with OpenTelemetry's own exporters. Its methods are declared here
 * from the published OTLP messages, which come without gRPC stubs.
 */
public final class OtlpReceiver implements AutoCloseable {
  private final Queue<ExportTraceServiceRequest> traces = new ConcurrentLinkedQueue<>();
  private final Queue<ExportMetricsServiceRequest> metrics = new ConcurrentLinkedQueue<>();
  private final Server server;

  private OtlpReceiver() {
    try {
      server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(
                  exportService(
                      "opentelemetry.proto.collector.trace.v1.TraceService",
                      ExportTraceServiceRequest.getDefaultInstance(),
                      ExportTraceServiceResponse.getDefaultInstance(),
                      traces))
              .addService(
                  exportService(
                      "opentelemetry.proto.collector.metrics.v1.MetricsService",
                      ExportMetricsServiceRequest.getDefaultInstance(),
                      ExportMetricsServiceResponse.getDefaultInstance(),
                      metrics))
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A receiver listening on a free loopback port. */
  public static OtlpReceiver start() {
    return new OtlpReceiver();
  }

  /** {@code http://127.0.0.1:PORT}, the OTLP/gRPC endpoint to configure. */
  public String endpoint() {
    return "http://127.0.0.1:" + ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** Every span received so far, with the {@code service.name} of the process that sent it. */
  public List<ReceivedSpan> spans() {
    List<ReceivedSpan> spans = new ArrayList<>();
    for (ExportTraceServiceRequest request : traces) {
      for (ResourceSpans resource : request.getResourceSpansList()) {
        String service = attribute(resource.getResource().getAttributesList(), "service.name");
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          for (Span span : scope.getSpansList()) {
            spans.add(new ReceivedSpan(service, span));
          }
        }
      }
    }
    return spans;
  }

  /** Every metrics export received so far. */
  public List<ExportMetricsServiceRequest> metrics() {
    return List.copyOf(metrics);
  }

  @Override
  public void close() {
    Shutdowns.closeNow(server);
  }

  /** A span as exported, and the service that exported it. */
  public record ReceivedSpan(String service, Span span) {
    /** The value of string attribute {@code key}, or null. */
    public String attribute(String key) {
      return OtlpReceiver.attribute(span.getAttributesList(), key);
    }
  }

  static String attribute(List<KeyValue> attributes, String key) {
    for (KeyValue attribute : attributes) {
      if (attribute.getKey().equals(key)) {
        return attribute.getValue().hasStringValue()
            ? attribute.getValue().getStringValue()
            : attribute.getValue().toString().strip();
      }
    }
    return null;
  }

  /**
   * An OTLP service of one unary method, {@code Export}, that adds each request to {@code received}
   * and answers {@code response}.
   */
  private static <T extends Message, R extends Message> ServerServiceDefinition exportService(
      String service, T request, R response, Queue<T> received) {
    MethodDescriptor<T, R> export =
        MethodDescriptor.<T, R>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(service, "Export"))
            .setRequestMarshaller(ProtoUtils.marshaller(request))
            .setResponseMarshaller(ProtoUtils.marshaller(response))
            .build();
    return ServerServiceDefinition.builder(service)
        .addMethod(
            export,
            ServerCalls.asyncUnaryCall(
                (T exported, StreamObserver<R> answer) -> {
                  received.add(exported);
                  answer.onNext(response);
                  answer.onCompleted();
                }))
        .build();
  }
}
