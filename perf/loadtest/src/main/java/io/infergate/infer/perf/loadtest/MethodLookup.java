package io.infergate.infer.perf.loadtest;

import static io.infergate.infer.perf.loadtest.Flags.notBlank;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.TypeRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * Finds the called method's descriptor: in {@code --proto}, {@code --protoset} or by reflection.
 */
final class MethodLookup {
  private MethodLookup() {}

  /** The method from the given .proto or protoset, or null when neither was given. */
  static MethodDescriptor fromFiles(Settings.Call call) {
    Collection<FileDescriptor> files;
    if (call.hasProto()) {
      files =
          Methods.link(Protoc.compile(Path.of(call.proto()), call.importPaths()).getFileList())
              .values();
    } else if (call.hasProtoset()) {
      files = Methods.link(Methods.readProtoset(Path.of(call.protoset())).getFileList()).values();
    } else {
      return null;
    }
    return Methods.find(files, call.method());
  }

  /** The method as the server describes it through reflection. */
  static MethodDescriptor byReflection(
      ManagedChannel channel, Settings.Call call, Consumer<String> debug) {
    String service = Methods.split(call.method())[0];
    Metadata headers =
        notBlank(call.reflectMetadata())
            ? Requests.headers(call.reflectMetadata())
            : new Metadata();
    List<FileDescriptorProto> files;
    try {
      files = Reflection.filesFor(channel, service, headers);
    } catch (StatusRuntimeException e) {
      throw new UsageException(
          "no --proto or --protoset given and server reflection failed: "
              + e.getStatus().getCode()
              + " "
              + e.getStatus().getDescription());
    } catch (IllegalStateException e) {
      throw new Loadtest.RunFailure(e.getMessage(), e);
    }
    debug.accept("reflection: " + files.size() + " file(s)");
    return Methods.find(Methods.link(files).values(), call.method());
  }

  /** The message types of the method's file and its dependencies, for proto-JSON. */
  static TypeRegistry typeRegistry(MethodDescriptor method) {
    TypeRegistry.Builder b = TypeRegistry.newBuilder();
    List<FileDescriptor> seen = new ArrayList<>();
    collect(method.getFile(), seen);
    for (FileDescriptor f : seen) {
      for (Descriptor d : f.getMessageTypes()) {
        b.add(d);
      }
    }
    return b.build();
  }

  private static void collect(FileDescriptor f, List<FileDescriptor> seen) {
    if (seen.contains(f)) {
      return;
    }
    seen.add(f);
    for (FileDescriptor d : f.getDependencies()) {
      collect(d, seen);
    }
  }
}
