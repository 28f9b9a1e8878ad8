package io.infergate.infer.demo.k8s;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The objects {@code kubectl kustomize} renders from {@code k8s/}, each read into its fabric8 type
 * strictly: a kind this project does not ship, or a field the Kubernetes (or Prometheus Operator)
 * schema does not have, is an error. fabric8's types keep unknown fields in {@code
 * additionalProperties} rather than refusing them, so every object is walked for any it kept.
 */
final class RenderedManifests {
  /** The k8s/ tree, from the module directory Surefire runs in. */
  static final Path K8S = Path.of("../../k8s").toAbsolutePath().normalize();

  private static final Map<String, Class<? extends HasMetadata>> TYPES =
      Map.of(
          "v1/Namespace", Namespace.class,
          "v1/ConfigMap", ConfigMap.class,
          "v1/Service", Service.class,
          "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
          "apps/v1/Deployment", Deployment.class,
          "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
          "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
          "monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class);

  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private RenderedManifests() {}

  /**
   * Why the installed kubectl cannot render k8s/, or null when it can: absent, or older than
   * kubectl 1.21, whose kustomize (v2) lacks {@code labels} and {@code patches} with targets.
   */
  static String kubectlProblem() {
    String version;
    try {
      version = run(List.of("kubectl", "version", "--client", "-o", "json"));
    } catch (IOException e) {
      return "kubectl is not installed (" + e.getMessage() + "); k8s/ is not rendered";
    }
    try {
      JsonNode kustomize = JSON.readTree(version).path("kustomizeVersion");
      if (kustomize.isMissingNode() || !kustomize.asText().matches("v([4-9]|\\d\\d+)\\..*")) {
        return "kubectl's kustomize is older than v4 ("
            + version.replaceAll("\\s+", " ")
            + "); k8s/ needs kubectl 1.21 or later";
      }
    } catch (IOException e) {
      return "cannot read kubectl's version: " + e.getMessage();
    }
    return null;
  }

  /** The objects of {@code k8s/overlays/<overlay>} as {@code kubectl kustomize} renders them. */
  static List<HasMetadata> render(String overlay) throws IOException {
    return parse(
        run(List.of("kubectl", "kustomize", K8S.resolve("overlays/" + overlay).toString())));
  }

  /**
   * Every object of a multi-document YAML stream, each as its fabric8 type.
   *
   * @throws IllegalArgumentException naming the object and each field Kubernetes does not know
   */
  static List<HasMetadata> parse(String yaml) throws IOException {
    List<HasMetadata> objects = new ArrayList<>();
    for (JsonNode node : YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll()) {
      String type = node.path("apiVersion").asText() + "/" + node.path("kind").asText();
      Class<? extends HasMetadata> javaType = TYPES.get(type);
      if (javaType == null) {
        throw new IllegalArgumentException(
            "unexpected kind " + type + " (expected one of " + TYPES.keySet() + ")");
      }
      HasMetadata object = YAML.treeToValue(node, javaType);
      List<String> unknown = new ArrayList<>();
      collectUnknown(object, "", unknown);
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException(
            type + " " + object.getMetadata().getName() + ": unknown fields " + unknown);
      }
      objects.add(object);
    }
    return objects;
  }

  /** The one object of {@code type} named {@code name}. */
  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
    return all(objects, type).stream()
        .filter(object -> object.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  /** Every object of {@code type}. */
  static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Adds the path of every field fabric8 kept as unknown in {@code value} and below it. */
  private static void collectUnknown(Object value, String path, List<String> unknown) {
    if (value instanceof Map<?, ?> map) {
      map.forEach((key, entry) -> collectUnknown(entry, path + "." + key, unknown));
      return;
    }
    if (value instanceof Collection<?> list) {
      int index = 0;
      for (Object entry : list) {
        collectUnknown(entry, path + "[" + index++ + "]", unknown);
      }
      return;
    }
    if (value == null || !value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || !walked(getter.getReturnType())) {
        continue;
      }
      Object field = invoke(getter, value);
      String name =
          Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      if (name.equals("additionalProperties")) {
        String prefix = path.isEmpty() ? "" : path.substring(1) + ".";
        ((Map<?, ?>) field).keySet().forEach(key -> unknown.add(prefix + key));
      } else {
        collectUnknown(field, path + "." + name, unknown);
      }
    }
  }

  private static boolean walked(Class<?> type) {
    return Map.class.isAssignableFrom(type)
        || Collection.class.isAssignableFrom(type)
        || type.getName().startsWith("io.fabric8.");
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + getter, e);
    }
  }

  private static String run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command + " did not finish in 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(command + " interrupted", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          command
              + " exited with "
              + process.exitValue()
              + ": "
              + new String(err, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
