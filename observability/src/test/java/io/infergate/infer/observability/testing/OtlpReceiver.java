package io.infergate.infer.observability.testing;

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
    MethodDescriptor<ExportTraceServiceRequest, ExportTraceServiceResponse> exportTraces =
        unary(
            "opentelemetry.proto.collector.trace.v1.TraceService",
            ExportTraceServiceRequest.getDefaultInstance(),
            ExportTraceServiceResponse.getDefaultInstance());
    MethodDescriptor<ExportMetricsServiceRequest, ExportMetricsServiceResponse> exportMetrics =
        unary(
            "opentelemetry.proto.collector.metrics.v1.MetricsService",
            ExportMetricsServiceRequest.getDefaultInstance(),
            ExportMetricsServiceResponse.getDefaultInstance());
    try {
      server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(
                  ServerServiceDefinition.builder(exportTraces.getServiceName())
                      .addMethod(
                          exportTraces,
                          ServerCalls.asyncUnaryCall(
                              (request, answer) ->
                                  keep(
                                      traces,
                                      request,
                                      answer,
                                      ExportTraceServiceResponse.getDefaultInstance())))
                      .build())
              .addService(
                  ServerServiceDefinition.builder(exportMetrics.getServiceName())
                      .addMethod(
                          exportMetrics,
                          ServerCalls.asyncUnaryCall(
                              (request, answer) ->
                                  keep(
                                      metrics,
                                      request,
                                      answer,
                                      ExportMetricsServiceResponse.getDefaultInstance())))
                      .build())
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

  private static <T, R> void keep(
      Queue<T> received, T request, StreamObserver<R> answer, R response) {
    received.add(request);
    answer.onNext(response);
    answer.onCompleted();
  }

  private static <T extends com.google.protobuf.Message, R extends com.google.protobuf.Message>
      MethodDescriptor<T, R> unary(String service, T request, R response) {
    return MethodDescriptor.<T, R>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(service, "Export"))
        .setRequestMarshaller(ProtoUtils.marshaller(request))
        .setResponseMarshaller(ProtoUtils.marshaller(response))
        .build();
  }
}
