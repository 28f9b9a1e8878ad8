package io.infergate.infer.demo.k8s;

import static io.infergate.infer.demo.k8s.RenderedManifests.K8S;
import static io.infergate.infer.demo.k8s.RenderedManifests.all;
import static io.infergate.infer.demo.k8s.RenderedManifests.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.config.GatewayConfigLoader;
import io.infergate.infer.modelserver.ModelServerMain;
import io.infergate.infer.modelserver.config.ModelServerConfig;
import io.infergate.infer.observability.ProjectVersion;
import io.infergate.infer.observability.config.ConfigBinder;
import io.infergate.infer.observability.server.StandardServices;
import io.infergate.infer.router.Endpoint;
import io.infergate.infer.router.Route;
import io.infergate.infer.router.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * k8s/ agrees with the code it deploys. Each overlay is rendered with {@code kubectl kustomize} and
 * every object read strictly into Kubernetes' own types (fabric8); then the gateway's and the model
 * servers' ConfigMaps are bound by the servers' own loaders with the environment the Deployments
 * set, and ports, probes, mounts, metric names and images are checked against what they bind to.
 * Skipped, saying why, where kubectl (1.21 or later) is not installed.
 */
class KubernetesManifestsTest {
  private static final String NAMESPACE = "infergate";
  private static final String VARIANT_LABEL = "infergate.io/variant";

  /** Variables the containers may set besides each server's own. */
  private static final Set<String> COMMON_VARIABLES =
      Set.of(
          "LOG_FORMAT",
          "LOG_LEVEL",
          "JAVA_TOOL_OPTIONS",
          "HOME",
          "POD_NAME",
          "OTEL_RESOURCE_ATTRIBUTES");

  /** How long a server may take to close its transports after cancelling (StandardServices). */
  private static final Duration AFTER_CANCEL = Duration.ofSeconds(5);

  private static final Path SHIPPED_DASHBOARD =
      K8S.resolve("../observability/src/main/monitoring/grafana/inference-gateway.json");

  private static String kubectlProblem;

  @TempDir Path dir;

  @BeforeAll
  static void findKubectl() {
    kubectlProblem = RenderedManifests.kubectlProblem();
    if (kubectlProblem != null) {
      System.err.println(
          "KubernetesManifestsTest: skipping the rendering tests: " + kubectlProblem);
    }
  }

  @Test
  void aFieldKubernetesDoesNotKnowIsRefusedWithItsPath() {
    String deployment =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: gateway}
        spec:
          template:
            spec:
              containers:
                - name: gateway
                  readinessProbe: {grpc: {port: 8080, servce: ""}}
        """;

    assertThatThrownBy(() -> RenderedManifests.parse(deployment))
        .hasMessageContaining("spec.template.spec.containers[0].readinessProbe.grpc.servce");
    assertThatThrownBy(() -> RenderedManifests.parse("apiVersion: v1\nkind: Pod\n"))
        .hasMessageContaining("unexpected kind v1/Pod");
  }

  @Test
  void theDashboardInK8sIsACopyOfTheShippedOne() throws IOException {
    // kustomize reads no file outside k8s/, so the ConfigMap is generated from a copy; refresh it
    // with: cp observability/src/main/monitoring/grafana/inference-gateway.json
    // k8s/base/monitoring/
    assertThat(K8S.resolve("base/monitoring/inference-gateway.json"))
        .hasSameBinaryContentAs(SHIPPED_DASHBOARD);
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu", "canary"})
  void everyObjectIsOfAKnownKindInTheNamespaceWithNoFieldKubernetesLacks(String overlay)
      throws IOException {
    List<HasMetadata> objects = render(overlay);

    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .containsOnly(
            "Namespace",
            "ConfigMap",
            "Service",
            "PersistentVolumeClaim",
            "Deployment",
            "PodDisruptionBudget",
            "HorizontalPodAutoscaler",
            "ServiceMonitor");
    for (HasMetadata object : objects) {
      if (!object.getKind().equals("Namespace")) {
        assertThat(object.getMetadata().getNamespace()).as(describe(object)).isEqualTo(NAMESPACE);
      }
    }
    assertThat(all(objects, Deployment.class))
        .extracting(deployment -> deployment.getMetadata().getName())
        .containsExactlyInAnyOrder("gateway", "model-server-stable", "model-server-canary");
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu", "canary"})
  void theGatewayDeploymentAgreesWithTheGatewaysConfiguration(String overlay) throws IOException {
    List<HasMetadata> objects = render(overlay);
    Workload gateway =
        workload(
            objects,
            "gateway",
            GatewayConfigLoader.ENVIRONMENT.keySet(),
            GatewayConfigLoader.CONFIG_VARIABLE);
    Deployment deployment = gateway.deployment();
    PodSpec pod = gateway.pod();
    Container container = gateway.container();
    GatewayConfig config =
        new GatewayConfigLoader(gateway.configFile(), gateway.environment(), Map.of())
            .load()
            .value();

    Map<String, Integer> ports = ports(container);
    assertThat(ports)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "grpc", config.port(),
                "admin", config.admin().port(),
                "metrics", config.telemetry().metricsPort()));
    assertProbes(container, config.port());
    assertServiceTargets(one(objects, Service.class, "gateway"), ports);
    assertThat(
            selected(
                objects,
                one(objects, PodDisruptionBudget.class, "gateway")
                    .getSpec()
                    .getSelector()
                    .getMatchLabels()))
        .isSameAs(deployment);
    assertThat(pod.getTerminationGracePeriodSeconds())
        .isGreaterThanOrEqualTo(stopSeconds(container, config.drainTimeout()));
    assertLockedDown(pod, container);

    // The admin port answers through the Service, reads its tokens from a Secret and keeps its
    // state on a writable volume of the pod's.
    assertThat(config.admin().host()).isEqualTo("0.0.0.0");
    assertThat(volumeAt(pod, container, config.admin().tokensFile().getParent()).getSecret())
        .isNotNull();
    assertThat(volumeAt(pod, container, config.admin().stateDir()).getEmptyDir()).isNotNull();
    assertThat(mountAt(container, config.admin().stateDir()).getReadOnly()).isNotEqualTo(true);

    // Each variant's endpoint is the headless Service of that variant's model servers, as a name
    // the gateway re-resolves (dns:///), so that its calls spread over every pod of the variant.
    Route<?> digits = config.routes().route("digits");
    assertThat(digits.variants()).extracting(Variant::name).containsExactly("stable", "canary");
    for (Variant variant : digits.variants()) {
      assertThat(variant.endpoints()).hasSize(1);
      Endpoint endpoint = variant.endpoints().get(0);
      assertThat(endpoint.dns()).as("%s is re-resolved: dns:///", endpoint).isTrue();
      Service service = one(objects, Service.class, endpoint.host());
      assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
      assertThat(servicePort(service, "grpc").getPort()).isEqualTo(endpoint.port());
      Deployment servers = selected(objects, service);
      assertThat(servers.getSpec().getTemplate().getMetadata().getLabels())
          .containsEntry(VARIANT_LABEL, variant.name());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu", "canary"})
  void eachModelServerDeploymentAgreesWithTheModelServersConfiguration(String overlay)
      throws IOException {
    List<HasMetadata> objects = render(overlay);
    for (String variant : List.of("stable", "canary")) {
      Workload server =
          workload(
              objects,
              "model-server-" + variant,
              ModelServerMain.VARIABLES.keySet(),
              ModelServerMain.CONFIG_VARIABLE);
      Deployment deployment = server.deployment();
      PodSpec pod = server.pod();
      Container container = server.container();
      Map<String, String> environment = server.environment();
      // The repository is the PVC's mount; here it is bound to an empty directory of ours.
      Path models = Path.of(environment.get("MODEL_SERVER_MODELS"));
      Volume repository = volumeAt(pod, container, models);
      assertThat(repository.getPersistentVolumeClaim().getClaimName())
          .isEqualTo("model-repository");
      assertThat(mountAt(container, models).getReadOnly()).isTrue();
      Map<String, String> here = new HashMap<>(environment);
      here.put("MODEL_SERVER_MODELS", dir.toString());
      ModelServerConfig config =
          ConfigBinder.of(ModelServerConfig.class)
              .file(server.configFile())
              .environment(here, ModelServerMain.VARIABLES)
              .bind()
              .value();

      Map<String, Integer> ports = ports(container);
      assertThat(ports)
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("grpc", config.port(), "metrics", config.telemetry().metricsPort()));
      assertProbes(container, config.port());
      Service service = one(objects, Service.class, "model-server-" + variant);
      assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
      assertServiceTargets(service, ports);
      assertThat(selected(objects, service)).isSameAs(deployment);
      PodDisruptionBudget budget =
          one(objects, PodDisruptionBudget.class, "model-server-" + variant);
      assertThat(selected(objects, budget.getSpec().getSelector().getMatchLabels()))
          .isSameAs(deployment);
      assertThat(pod.getTerminationGracePeriodSeconds())
          .isGreaterThanOrEqualTo(stopSeconds(container, config.shutdownGrace()));
      assertLockedDown(pod, container);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu", "canary"})
  void theAutoscalerAndServiceMonitorReachWhatTheServersServe(String overlay) throws IOException {
    List<HasMetadata> objects = render(overlay);
    HorizontalPodAutoscaler hpa = one(objects, HorizontalPodAutoscaler.class, "gateway");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("gateway");
    assertThat(hpa.getSpec().getMetrics()).extracting(MetricSpec::getType).contains("Resource");
    List<String> podMetrics =
        hpa.getSpec().getMetrics().stream()
            .filter(metric -> metric.getType().equals("Pods"))
            .map(metric -> metric.getPods().getMetric().getName())
            .toList();
    // The adapter serves exactly the names its rules give; ShippedMonitoringTest checks that the
    // rules' series are ones the gateway's exporter serves.
    assertThat(podMetrics).isNotEmpty().isSubsetOf(adapterMetricNames());

    ServiceMonitor monitor = one(objects, ServiceMonitor.class, "inference-gateway");
    Map<String, String> selector = monitor.getSpec().getSelector().getMatchLabels();
    List<Service> scraped =
        all(objects, Service.class).stream()
            .filter(
                service ->
                    service.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
            .toList();
    assertThat(scraped)
        .extracting(service -> service.getMetadata().getName())
        .containsExactlyInAnyOrder("gateway", "model-server-stable", "model-server-canary");
    for (var endpoint : monitor.getSpec().getEndpoints()) {
      assertThat(endpoint.getPath()).isEqualTo("/metrics");
      for (Service service : scraped) {
        assertThat(servicePort(service, endpoint.getPort())).isNotNull();
      }
    }

    ConfigMap dashboard = one(objects, ConfigMap.class, "grafana-dashboard-inference-gateway");
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dashboard.getData().get("inference-gateway.json"))
        .isEqualTo(Files.readString(SHIPPED_DASHBOARD));
  }

  @Test
  void theCanaryOverlaySendsTenPercentToTheCanaryAndChangesNothingElse() throws IOException {
    Map<String, Integer> cpu = weights(render("cpu"));
    Map<String, Integer> canary = weights(render("canary"));

    assertThat(cpu).containsExactly(Map.entry("stable", 100), Map.entry("canary", 0));
    assertThat(canary).containsExactly(Map.entry("stable", 90), Map.entry("canary", 10));
    assertThat(withoutWeights(K8S.resolve("overlays/canary/gateway.yaml")))
        .isEqualTo(withoutWeights(K8S.resolve("base/gateway/gateway.yaml")));
  }

  @Test
  void theGpuOverlayRunsTheGpuImageOnOneGpuOnGpuNodes() throws IOException {
    List<HasMetadata> objects = render("gpu");
    for (String variant : List.of("stable", "canary")) {
      PodSpec pod =
          one(objects, Deployment.class, "model-server-" + variant)
              .getSpec()
              .getTemplate()
              .getSpec();
      Container container = pod.getContainers().get(0);
      assertThat(container.getImage()).isEqualTo(Images.MODEL_SERVER_GPU + ":" + version());
      assertThat(container.getResources().getLimits().get("nvidia.com/gpu").toString())
          .isEqualTo("1");
      assertThat(pod.getNodeSelector()).isNotEmpty();
      assertThat(pod.getTolerations()).anyMatch(t -> "nvidia.com/gpu".equals(t.getKey()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu", "canary"})
  void everyImageIsOneTheBuildMakesAtTheProjectsVersion(String overlay) throws IOException {
    Set<String> images =
        all(render(overlay), Deployment.class).stream()
            .flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().stream())
            .map(Container::getImage)
            .collect(Collectors.toSet());

    assertThat(images)
        .isSubsetOf(Images.names().stream().map(name -> name + ":" + version()).toList());
  }

  @Test
  void theReadmesKubernetesSectionNamesTheImagesVariablesAndPortsTheManifestsUse()
      throws IOException {
    String readme = Files.readString(K8S.resolve("../README.md"));
    String section = readme.substring(readme.indexOf("\n## Kubernetes\n"));
    section = section.substring(0, section.indexOf("\n## ", 1));
    List<Container> containers =
        all(render("cpu"), Deployment.class).stream()
            .flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().stream())
            .toList();

    assertThat(section).contains(Images.names());
    for (Container container : containers) {
      for (String variable : environment(container).keySet()) {
        if (!COMMON_VARIABLES.contains(variable) || variable.equals("LOG_FORMAT")) {
          assertThat(section)
              .as("the README's Kubernetes section names " + variable)
              .containsPattern("`" + variable + "[`=]");
        }
      }
      for (Map.Entry<String, Integer> port : ports(container).entrySet()) {
        assertThat(section)
            .as(
                "the README's Kubernetes section names %s's %s port",
                container.getName(), port.getKey())
            .contains(Integer.toString(port.getValue()));
      }
    }
  }

  // ---- helpers

  private List<HasMetadata> render(String overlay) throws IOException {
    assumeThat(kubectlProblem).as("kubectl").isNull();
    return RenderedManifests.render(overlay);
  }

  private static String version() {
    return ProjectVersion.current();
  }

  private static String describe(HasMetadata object) {
    return object.getKind() + " " + object.getMetadata().getName();
  }

  /**
   * The deployment named {@code name}, after checking that its container sets only environment
   * variables its process reads ({@code variables}, {@code configVariable} and the JVM's), with its
   * config file written here from its ConfigMap.
   */
  private Workload workload(
      List<HasMetadata> objects, String name, Set<String> variables, String configVariable)
      throws IOException {
    Deployment deployment = one(objects, Deployment.class, name);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    Map<String, String> environment = environment(container);

    Set<String> known = new HashSet<>(variables);
    known.add(configVariable);
    known.addAll(COMMON_VARIABLES);
    assertThat(environment.keySet()).as(name + " environment").isSubsetOf(known);

    Path configFile = Path.of(environment.get(configVariable));
    return new Workload(deployment, configMapFile(objects, pod, container, configFile));
  }

  /** The container's plain environment (values from the downward API are left out). */
  private static Map<String, String> environment(Container container) {
    Map<String, String> environment = new LinkedHashMap<>();
    for (EnvVar variable : container.getEnv()) {
      if (variable.getValue() != null) {
        environment.put(variable.getName(), variable.getValue());
      } else {
        environment.put(variable.getName(), "");
      }
    }
    return environment;
  }

  private static Map<String, Integer> ports(Container container) {
    return container.getPorts().stream()
        .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
  }

  /**
   * The file {@code path} names in the container, written here from the ConfigMap mounted over its
   * directory: mounted whole (a subPath mount would never see the kubelet's updates).
   */
  private Path configMapFile(List<HasMetadata> objects, PodSpec pod, Container container, Path path)
      throws IOException {
    VolumeMount mount = mountAt(container, path.getParent());
    assertThat(mount.getSubPath()).as("subPath of " + mount.getName()).isNull();
    String name = volumeAt(pod, container, path.getParent()).getConfigMap().getName();
    String text = one(objects, ConfigMap.class, name).getData().get(path.getFileName().toString());
    assertThat(text).as(path.getFileName() + " in ConfigMap " + name).isNotNull();
    Path local = dir.resolve(name + "-" + path.getFileName());
    Files.writeString(local, text);
    return local;
  }

  private static VolumeMount mountAt(Container container, Path path) {
    return container.getVolumeMounts().stream()
        .filter(mount -> Path.of(mount.getMountPath()).equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
  }

  private static Volume volumeAt(PodSpec pod, Container container, Path path) {
    String name = mountAt(container, path).getName();
    return pod.getVolumes().stream()
        .filter(volume -> volume.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  /** Startup and liveness ask "liveness", readiness asks "" (the whole server), all on grpc. */
  private static void assertProbes(Container container, int port) {
    Map<String, Probe> probes =
        Map.of(
            "startup", container.getStartupProbe(),
            "liveness", container.getLivenessProbe(),
            "readiness", container.getReadinessProbe());
    probes.forEach(
        (kind, probe) -> {
          assertThat(probe.getGrpc()).as(kind + " probe").isNotNull();
          assertThat(probe.getGrpc().getPort()).as(kind + " probe port").isEqualTo(port);
        });
    assertThat(container.getStartupProbe().getGrpc().getService())
        .isEqualTo(StandardServices.LIVENESS);
    assertThat(container.getLivenessProbe().getGrpc().getService())
        .isEqualTo(StandardServices.LIVENESS);
    assertThat(container.getReadinessProbe().getGrpc().getService()).isEmpty();
  }

  /** Every port of the Service targets a named container port, with the same number. */
  private static void assertServiceTargets(Service service, Map<String, Integer> ports) {
    assertThat(service.getSpec().getPorts()).hasSize(ports.size());
    for (ServicePort port : service.getSpec().getPorts()) {
      String target = port.getTargetPort().getStrVal();
      assertThat(ports).as(service.getMetadata().getName()).containsKey(target);
      assertThat(port.getPort()).isEqualTo(ports.get(target));
      assertThat(port.getName()).isEqualTo(target);
    }
  }

  private static ServicePort servicePort(Service service, String name) {
    return service.getSpec().getPorts().stream()
        .filter(port -> port.getName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError(service.getMetadata().getName() + " has no port " + name));
  }

  /** The one Deployment whose pods the Service selects. */
  private static Deployment selected(List<HasMetadata> objects, Service service) {
    return selected(objects, service.getSpec().getSelector());
  }

  /** The one Deployment whose pods {@code selector} selects. */
  private static Deployment selected(List<HasMetadata> objects, Map<String, String> selector) {
    List<Deployment> matching =
        all(objects, Deployment.class).stream()
            .filter(
                d ->
                    d.getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getLabels()
                        .entrySet()
                        .containsAll(selector.entrySet()))
            .toList();
    assertThat(matching).as("Deployments selected by " + selector).hasSize(1);
    return matching.get(0);
  }

  /**
   * The seconds a pod needs to stop without cutting a call: the preStop sleep, then the drain, then
   * the transports' close after cancelling.
   */
  private static long stopSeconds(Container container, Duration drain) {
    long sleep = container.getLifecycle().getPreStop().getSleep().getSeconds();
    return sleep + drain.plus(AFTER_CANCEL).toSeconds();
  }

  /** Non-root, no privilege escalation, read-only root and a writable /tmp of the pod's own. */
  private static void assertLockedDown(PodSpec pod, Container container) {
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(volumeAt(pod, container, Path.of("/tmp")).getEmptyDir()).isNotNull();
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
  }

  private Map<String, Integer> weights(List<HasMetadata> objects) throws IOException {
    Path file = dir.resolve("gateway-" + System.nanoTime() + ".yaml");
    Files.writeString(
        file, one(objects, ConfigMap.class, "gateway-config").getData().get("gateway.yaml"));
    GatewayConfig config = GatewayConfigLoader.of(file).load().value();
    Map<String, Integer> weights = new LinkedHashMap<>();
    config.routes().route("digits").variants().forEach(v -> weights.put(v.name(), v.weight()));
    return weights;
  }

  private static String withoutWeights(Path file) throws IOException {
    return Files.readString(file).replaceAll("weight: \\d+", "weight: _");
  }

  private static List<String> adapterMetricNames() throws IOException {
    JsonNode rules =
        new YAMLMapper().readTree(K8S.resolve("monitoring/prometheus-adapter-rules.yaml").toFile());
    List<String> names = new ArrayList<>();
    rules.forEach(rule -> names.add(rule.path("name").path("as").asText()));
    return names;
  }

  /** A deployment whose pod runs one container, and that container's config file, written here. */
  private record Workload(Deployment deployment, Path configFile) {
    PodSpec pod() {
      return deployment.getSpec().getTemplate().getSpec();
    }

    Container container() {
      return pod().getContainers().get(0);
    }

    Map<String, String> environment() {
      return KubernetesManifestsTest.environment(container());
    }
  }
}
