package io.infergate.infer.demo.k8s;

import static io.infergate.infer.demo.k8s.RenderedManifests.K8S;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container images the build makes with Jib, as the module POMs name them ({@code
 * <image.name>}): what the manifests may run and the README must name.
 */
final class Images {
  static final String GATEWAY = "infergate/gateway";
  static final String MODEL_SERVER = "infergate/model-server";
  static final String MODEL_SERVER_GPU = "infergate/model-server-gpu";

  private static final Pattern JIB_IMAGE = Pattern.compile("<image\\.name>([^<]+)</image\\.name>");

  private Images() {}

  /** Every image name the POMs configure, in the order they appear. */
  static List<String> names() {
    List<String> names = new ArrayList<>();
    names.addAll(declaredIn(K8S.resolve("../gateway/pom.xml")));
    names.addAll(declaredIn(K8S.resolve("../model-server/pom.xml")));
    return names;
  }

  private static List<String> declaredIn(Path pom) {
    try {
      Matcher matcher = JIB_IMAGE.matcher(Files.readString(pom));
      List<String> names = new ArrayList<>();
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
