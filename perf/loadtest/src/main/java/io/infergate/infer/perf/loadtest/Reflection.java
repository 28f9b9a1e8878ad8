package io.infergate.infer.perf.loadtest;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches the descriptors of a service over gRPC server reflection: {@code grpc.reflection.v1}
 * first, {@code v1alpha} when the server answers UNIMPLEMENTED, as ghz (jhump/protoreflect) does.
 */
final class Reflection {
  /**
   * {@code v1alpha}'s method with {@code v1}'s messages: v1 is v1alpha renamed, field for field, so
   * the bytes on the wire are the same and one client serves both.
   */
  private static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> V1ALPHA =
      ServerReflectionGrpc.getServerReflectionInfoMethod().toBuilder()
          .setFullMethodName(
              io.grpc.reflection.v1alpha.ServerReflectionGrpc.getServerReflectionInfoMethod()
                  .getFullMethodName())
          .build();

  private Reflection() {}

  static List<FileDescriptorProto> filesFor(Channel channel, String service, Metadata headers) {
    Channel ch =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    try {
      return fetch(ch, service, false);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
      return fetch(ch, service, true);
    }
  }

  private static List<FileDescriptorProto> fetch(Channel ch, String service, boolean alpha) {
    Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
    Deque<String> wanted = new ArrayDeque<>();
    for (ByteString b : ask(ch, alpha, service, null)) {
      add(b, files, wanted);
    }
    while (!wanted.isEmpty()) {
      String name = wanted.pop();
      if (!files.containsKey(name)) {
        for (ByteString b : ask(ch, alpha, null, name)) {
          add(b, files, wanted);
        }
      }
    }
    return List.copyOf(files.values());
  }

  private static void add(
      ByteString bytes, Map<String, FileDescriptorProto> files, Deque<String> wanted) {
    try {
      FileDescriptorProto f = FileDescriptorProto.parseFrom(bytes);
      files.putIfAbsent(f.getName(), f);
      for (String dep : f.getDependencyList()) {
        if (!files.containsKey(dep)) {
          wanted.add(dep);
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "server reflection sent a bad descriptor: " + e.getMessage(), e);
    }
  }

  /** One request on its own stream: by symbol or by file name. */
  private static List<ByteString> ask(Channel ch, boolean alpha, String symbol, String file) {
    CompletableFuture<List<ByteString>> result = new CompletableFuture<>();
    var req = ServerReflectionRequest.newBuilder();
    if (symbol != null) {
      req.setFileContainingSymbol(symbol);
    } else {
      req.setFileByFilename(file);
    }
    StreamObserver<ServerReflectionRequest> out =
        ClientCalls.asyncBidiStreamingCall(
            ch.newCall(
                alpha ? V1ALPHA : ServerReflectionGrpc.getServerReflectionInfoMethod(),
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)),
            new Observer(result));
    out.onNext(req.build());
    out.onCompleted();
    try {
      return result.get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException) {
        throw (StatusRuntimeException) e.getCause();
      }
      if (e.getCause() instanceof UsageException) {
        throw (UsageException) e.getCause();
      }
      throw new IllegalStateException("server reflection failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("server reflection did not answer in 15 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during server reflection", e);
    }
  }

  private static final class Observer implements StreamObserver<ServerReflectionResponse> {
    private final CompletableFuture<List<ByteString>> result;

    Observer(CompletableFuture<List<ByteString>> result) {
      this.result = result;
    }

    @Override
    public void onNext(ServerReflectionResponse r) {
      if (r.hasErrorResponse()) {
        fail(r.getErrorResponse().getErrorCode(), r.getErrorResponse().getErrorMessage());
      } else {
        result.complete(r.getFileDescriptorResponse().getFileDescriptorProtoList());
      }
    }

    private void fail(int code, String message) {
      if (code == Status.Code.NOT_FOUND.value()) {
        result.completeExceptionally(
            new UsageException("server reflection: " + message + " (is --call spelled right?)"));
      } else {
        result.completeExceptionally(
            Status.fromCodeValue(code).withDescription(message).asRuntimeException());
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      result.completeExceptionally(
          new IllegalStateException("server reflection closed the stream without an answer"));
    }
  }
}
