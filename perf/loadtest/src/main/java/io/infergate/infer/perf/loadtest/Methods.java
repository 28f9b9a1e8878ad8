package io.infergate.infer.perf.loadtest;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds the called method's descriptor in a descriptor set (from protoc, a protoset or reflection).
 */
final class Methods {
  private Methods() {}

  /** The descriptors in a {@code --protoset} file. */
  static FileDescriptorSet readProtoset(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new UsageException("--protoset " + path + ": no such file");
    }
    try {
      return FileDescriptorSet.parseFrom(Files.readAllBytes(path));
    } catch (InvalidProtocolBufferException e) {
      throw new UsageException(
          "--protoset " + path + ": not a FileDescriptorSet: " + e.getMessage());
    } catch (IOException e) {
      throw new UsageException("--protoset " + path + ": " + e.getMessage());
    }
  }

  /** Links every file of {@code set} (dependencies first) and returns them by name. */
  static Map<String, FileDescriptor> link(Collection<FileDescriptorProto> set) {
    Map<String, FileDescriptorProto> protos = new HashMap<>();
    for (FileDescriptorProto p : set) {
      protos.putIfAbsent(p.getName(), p);
    }
    Map<String, FileDescriptor> built = new HashMap<>();
    for (String name : protos.keySet()) {
      build(name, protos, built);
    }
    return built;
  }

  private static FileDescriptor build(
      String name, Map<String, FileDescriptorProto> protos, Map<String, FileDescriptor> built) {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = protos.get(name);
    if (proto == null) {
      throw new UsageException("descriptor set lacks imported file " + name);
    }
    List<FileDescriptor> deps = new ArrayList<>();
    for (String dep : proto.getDependencyList()) {
      deps.add(build(dep, protos, built));
    }
    try {
      FileDescriptor fd = FileDescriptor.buildFrom(proto, deps.toArray(new FileDescriptor[0]));
      built.put(name, fd);
      return fd;
    } catch (DescriptorValidationException e) {
      throw new UsageException("invalid descriptor " + name + ": " + e.getMessage());
    }
  }

  /**
   * The method {@code call} names, in ghz's {@code package.Service/Method} or {@code
   * package.Service.Method} form.
   */
  static MethodDescriptor find(Collection<FileDescriptor> files, String call) {
    String[] parts = split(call);
    TreeSet<String> services = new TreeSet<>();
    for (FileDescriptor f : files) {
      for (ServiceDescriptor s : f.getServices()) {
        services.add(s.getFullName());
        if (s.getFullName().equals(parts[0])) {
          MethodDescriptor m = s.findMethodByName(parts[1]);
          if (m == null) {
            TreeSet<String> names = new TreeSet<>();
            s.getMethods().forEach(x -> names.add(x.getName()));
            throw new UsageException(
                "--call "
                    + call
                    + ": service "
                    + s.getFullName()
                    + " has no method "
                    + parts[1]
                    + " (it has: "
                    + String.join(", ", names)
                    + ")");
          }
          return m;
        }
      }
    }
    throw new UsageException(
        "--call "
            + call
            + ": unknown service "
            + parts[0]
            + (services.isEmpty()
                ? " (no services found)"
                : " (known: " + String.join(", ", services) + ")"));
  }

  /** [service, method] from a call name. */
  static String[] split(String call) {
    if (call == null || call.isBlank()) {
      throw new UsageException("--call is required (package.Service/Method)");
    }
    String c = call.trim();
    if (c.startsWith("/")) {
      c = c.substring(1);
    }
    int slash = c.lastIndexOf('/');
    int cut = slash >= 0 ? slash : c.lastIndexOf('.');
    if (cut <= 0 || cut == c.length() - 1) {
      throw new UsageException(
          "--call " + call + ": expected package.Service/Method or package.Service.Method");
    }
    return new String[] {c.substring(0, cut), c.substring(cut + 1)};
  }
}
