package io.infergate.infer.perf.loadtest.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoFileDescriptorSupplier;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.observability.transport.RawMarshaller;
import io.infergate.infer.observability.transport.Shutdowns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server on 127.0.0.1:0 for {@code loadtest.test.Streams} ({@link #PROTO}): one method of each
 * streaming kind, on raw bytes (the messages are read as unknown fields, so no generated code is
 * needed; server reflection describes the service from the same definition built by hand). It
 * records every stream it saw: the names of the items that arrived, when, and how the stream ended.
 */
public final class StreamingTestServer implements AutoCloseable {
  /** The service's .proto, relative to perf/loadtest/ (the tests' working directory). */
  public static final Path PROTO = Path.of("src", "test", "proto", "loadtest", "streams.proto");

  public static final String DOWNLOAD = "loadtest.test.Streams/Download";
  public static final String UPLOAD = "loadtest.test.Streams/Upload";
  public static final String CHAT = "loadtest.test.Streams/Chat";

  /** One stream as the server saw it. */
  public static final class Seen {
    private final List<String> names = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> arrivalNanos = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger answered = new AtomicInteger();
    private volatile boolean halfClosed;
    private volatile boolean cancelled;

    public List<String> names() {
      return List.copyOf(names);
    }

    public List<Long> arrivalNanos() {
      return List.copyOf(arrivalNanos);
    }

    /** Items the server sent on this stream. */
    public int answered() {
      return answered.get();
    }

    public boolean halfClosed() {
      return halfClosed;
    }

    public boolean cancelled() {
      return cancelled;
    }

    void arrived(byte[] item) {
      arrivalNanos.add(System.nanoTime());
      names.add(name(item));
    }
  }

  private final Server server;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final ConcurrentLinkedQueue<Seen> streams = new ConcurrentLinkedQueue<>();

  private StreamingTestServer() {
    MethodDescriptor<byte[], byte[]> download = method(DOWNLOAD, MethodType.SERVER_STREAMING);
    MethodDescriptor<byte[], byte[]> upload = method(UPLOAD, MethodType.CLIENT_STREAMING);
    MethodDescriptor<byte[], byte[]> chat = method(CHAT, MethodType.BIDI_STREAMING);
    ProtoFileDescriptorSupplier schema = StreamingTestServer::describe;
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(
                ServiceDescriptor.newBuilder("loadtest.test.Streams")
                    .setSchemaDescriptor(schema)
                    .addMethod(download)
                    .addMethod(upload)
                    .addMethod(chat)
                    .build())
            .addMethod(download, ServerCalls.asyncServerStreamingCall(this::download))
            .addMethod(upload, ServerCalls.asyncClientStreamingCall(out -> receive(out, false)))
            .addMethod(chat, ServerCalls.asyncBidiStreamingCall(out -> receive(out, true)))
            .build();
    server = Loopback.start(Loopback.builder().addService(service));
  }

  public static StreamingTestServer start() {
    return new StreamingTestServer();
  }

  public String target() {
    return Loopback.target(server);
  }

  /** Every stream seen so far, in the order they started. */
  public List<Seen> streams() {
    return List.copyOf(streams);
  }

  public void forget() {
    streams.clear();
  }

  private void download(byte[] request, StreamObserver<byte[]> out) {
    Seen seen = new Seen();
    streams.add(seen);
    seen.arrived(request);
    ServerCallStreamObserver<byte[]> call = (ServerCallStreamObserver<byte[]>) out;
    long count = count(request);
    if (count > 0) {
      for (long i = 0; i < count; i++) {
        out.onNext(item("d" + i));
        seen.answered.incrementAndGet();
      }
      out.onCompleted();
      return;
    }
    Object lock = new Object();
    ScheduledFuture<?> ticks =
        timer.scheduleAtFixedRate(
            () -> {
              synchronized (lock) {
                if (!seen.cancelled) {
                  out.onNext(item("tick"));
                  seen.answered.incrementAndGet();
                }
              }
            },
            0,
            5,
            TimeUnit.MILLISECONDS);
    call.setOnCancelHandler(
        () -> {
          synchronized (lock) {
            seen.cancelled = true;
          }
          ticks.cancel(false);
        });
  }

  private StreamObserver<byte[]> receive(StreamObserver<byte[]> out, boolean echo) {
    Seen seen = new Seen();
    streams.add(seen);
    ServerCallStreamObserver<byte[]> call = (ServerCallStreamObserver<byte[]>) out;
    call.setOnCancelHandler(() -> seen.cancelled = true);
    return new StreamObserver<>() {
      private boolean failed;

      @Override
      public void onNext(byte[] item) {
        seen.arrived(item);
        if (echo) {
          out.onNext(item);
          seen.answered.incrementAndGet();
        } else if (name(item).equals("fail") && !failed) {
          failed = true;
          out.onError(Status.INTERNAL.withDescription("boom").asRuntimeException());
        }
      }

      @Override
      public void onError(Throwable t) {
        seen.cancelled = true;
      }

      @Override
      public void onCompleted() {
        seen.halfClosed = true;
        if (failed) {
          return;
        }
        if (!echo) {
          out.onNext(item("received " + seen.names().size()));
          seen.answered.incrementAndGet();
        }
        out.onCompleted();
      }
    };
  }

  /** streams.proto, as protoc would describe it. */
  private static FileDescriptor describe() {
    FieldDescriptorProto.Builder field =
        FieldDescriptorProto.newBuilder().setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
    ServiceDescriptorProto.Builder service = ServiceDescriptorProto.newBuilder().setName("Streams");
    String[][] methods = {{"Download", "s"}, {"Upload", "c"}, {"Chat", "cs"}};
    for (String[] m : methods) {
      service.addMethod(
          MethodDescriptorProto.newBuilder()
              .setName(m[0])
              .setInputType(".loadtest.test.Item")
              .setOutputType(".loadtest.test.Item")
              .setClientStreaming(m[1].contains("c"))
              .setServerStreaming(m[1].contains("s")));
    }
    FileDescriptorProto file =
        FileDescriptorProto.newBuilder()
            .setName("loadtest/streams.proto")
            .setPackage("loadtest.test")
            .setSyntax("proto3")
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("Item")
                    .addField(
                        field
                            .clone()
                            .setName("name")
                            .setJsonName("name")
                            .setNumber(1)
                            .setType(FieldDescriptorProto.Type.TYPE_STRING))
                    .addField(
                        field
                            .clone()
                            .setName("count")
                            .setJsonName("count")
                            .setNumber(2)
                            .setType(FieldDescriptorProto.Type.TYPE_INT64)))
            .addService(service)
            .build();
    try {
      return FileDescriptor.buildFrom(file, new FileDescriptor[0]);
    } catch (DescriptorValidationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MethodDescriptor<byte[], byte[]> method(String name, MethodType type) {
    return RawMarshaller.unary(name).toBuilder().setType(type).build();
  }

  private static byte[] item(String name) {
    return UnknownFieldSet.newBuilder()
        .addField(
            1,
            UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.copyFromUtf8(name))
                .build())
        .build()
        .toByteArray();
  }

  /** Field 1 (name) of an Item; "" when unset. */
  static String name(byte[] item) {
    List<ByteString> names = fields(item).getField(1).getLengthDelimitedList();
    return names.isEmpty() ? "" : names.get(names.size() - 1).toStringUtf8();
  }

  private static long count(byte[] item) {
    List<Long> counts = fields(item).getField(2).getVarintList();
    return counts.isEmpty() ? 0 : counts.get(counts.size() - 1);
  }

  private static UnknownFieldSet fields(byte[] item) {
    try {
      return UnknownFieldSet.parseFrom(item);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not an Item", e);
    }
  }

  @Override
  public void close() {
    Shutdowns.closeNow(server);
    timer.shutdownNow();
  }
}
