package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import io.infergate.infer.observability.ProjectVersion;
import io.infergate.infer.perf.loadtest.testing.TestServer;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** ghz's ways of naming the method and giving the data, config files, formats and bad usage. */
class CliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROTO = Cli.OIP_PROTO.toString();
  @AutoClose private static final TestServer server = TestServer.start();

  @TempDir Path tmp;

  private static JsonNode json(Cli.Result r) throws Exception {
    assertThat(r.exitCode()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  @Test
  void usesServerReflectionWhenNeitherProtoNorProtosetIsGiven() throws Exception {
    JsonNode r =
        json(
            Cli.run(
                "--insecure",
                "--call",
                "inference.GRPCInferenceService.ModelInfer",
                "-d",
                "{\"model_name\":\"reflected\"}",
                "-n",
                "10",
                "-c",
                "2",
                "-O",
                "json",
                server.target()));
    assertThat(r.get("count").asInt()).isEqualTo(10);
    assertThat(r.get("statusCodeDistribution").get("OK").asInt()).isEqualTo(10);
    assertThat(r.get("options").has("proto")).isFalse();
    assertThat(server.requests()).anyMatch(q -> q.getModelName().equals("reflected"));
  }

  @Test
  void readsAProtoset() throws Exception {
    FileDescriptorSet set = Protoc.compile(Cli.OIP_PROTO, List.of());
    Path protoset = tmp.resolve("oip.protoset");
    Files.write(protoset, set.toByteArray());
    JsonNode r =
        json(
            Cli.run(
                "--insecure",
                "--protoset",
                protoset.toString(),
                "--call",
                Cli.MODEL_INFER,
                "-d",
                "{\"model_name\":\"from-protoset\"}",
                "-n",
                "5",
                "-c",
                "1",
                "-O",
                "json",
                server.target()));
    assertThat(r.get("options").get("protoset").asText()).isEqualTo(protoset.toString());
    assertThat(server.requests()).anyMatch(q -> q.getModelName().equals("from-protoset"));
  }

  @Test
  void rendersGhzTemplateVariablesPerCallInDataAndMetadata() throws Exception {
    json(
        Cli.infer(
            server.target(),
            "-d",
            "{\"model_name\":\"tmpl\",\"id\":\"{{.RequestNumber}}/{{.WorkerID}}/{{.MethodName}}/{{randomString 4}}\"}",
            "-m",
            "{\"x-test\":\"{{.UUID}}\"}",
            "-n",
            "30",
            "-c",
            "3",
            "-O",
            "json"));
    List<String> ids =
        server.requests().stream()
            .filter(q -> q.getModelName().equals("tmpl"))
            .map(ModelInferRequest::getId)
            .collect(Collectors.toList());
    assertThat(ids).hasSize(30);
    assertThat(new HashSet<>(ids)).hasSize(30);
    assertThat(ids).allMatch(id -> id.matches("\\d+/g0c\\d/ModelInfer/[A-Za-z0-9]{4}"));
    Set<String> uuids = new HashSet<>(server.testHeaders());
    assertThat(uuids).hasSizeGreaterThanOrEqualTo(30);
  }

  @Test
  void sendsAnArrayOfMessagesRoundRobinAndReadsDataFiles() throws Exception {
    Path data = tmp.resolve("data.json");
    Files.writeString(data, "[{\"model_name\":\"rr-a\"},{\"model_name\":\"rr-b\"}]");
    json(Cli.infer(server.target(), "-D", data.toString(), "-n", "10", "-c", "1", "-O", "json"));
    long a = server.requests().stream().filter(q -> q.getModelName().equals("rr-a")).count();
    long b = server.requests().stream().filter(q -> q.getModelName().equals("rr-b")).count();
    assertThat(a).isEqualTo(5);
    assertThat(b).isEqualTo(5);
  }

  @Test
  void sendsLengthDelimitedBinaryMessagesFromAFileOrStdin() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelInferRequest.newBuilder().setModelName("bin-a").build().writeDelimitedTo(bytes);
    ModelInferRequest.newBuilder().setModelName("bin-b").build().writeDelimitedTo(bytes);
    Path file = tmp.resolve("msgs.bin");
    Files.write(file, bytes.toByteArray());
    JsonNode fromFile =
        json(Cli.infer(server.target(), "-B", file.toString(), "-n", "4", "-c", "1", "-O", "json"));
    assertThat(fromFile.get("options").get("binary").asBoolean()).isTrue();
    assertThat(server.requests()).anyMatch(q -> q.getModelName().equals("bin-a"));
    assertThat(server.requests()).anyMatch(q -> q.getModelName().equals("bin-b"));
    byte[] single = ModelInferRequest.newBuilder().setModelName("bin-stdin").build().toByteArray();
    JsonNode r =
        json(
            Cli.runWithStdin(
                single,
                "--insecure",
                "--proto",
                PROTO,
                "--call",
                Cli.MODEL_INFER,
                "-b",
                "-n",
                "2",
                "-c",
                "1",
                "-O",
                "json",
                server.target()));
    assertThat(r.get("options").get("binary").asBoolean()).isTrue();
    assertThat(server.requests()).anyMatch(q -> q.getModelName().equals("bin-stdin"));
  }

  @Test
  void readsGhzJsonTomlAndYamlConfigFilesAndFlagsOverrideThem() throws Exception {
    JsonNode r =
        runWithConfig(
            "ghz.json",
            "{\"proto\":\""
                + PROTO
                + "\",\"call\":\""
                + Cli.MODEL_INFER
                + "\",\"insecure\":true,\"total\":12,"
                + "\"concurrency\":2,\"timeout\":\"5s\",\"data\":{\"model_name\":\"from-json-config\"},"
                + "\"format\":\"json\",\"host\":\""
                + server.target()
                + "\",\"name\":\"cfg\"}",
            "from-json-config",
            "-n",
            "7");
    assertThat(r.get("count").asInt()).isEqualTo(7);
    assertThat(r.get("name").asText()).isEqualTo("cfg");
    assertThat(r.get("options").get("timeout").asLong()).isEqualTo(5_000_000_000L);

    JsonNode t =
        runWithConfig(
            "ghz.toml",
            "proto = \""
                + PROTO
                + "\"\ncall = \""
                + Cli.MODEL_INFER
                + "\"\ninsecure = true\ntotal = 9\n"
                + "concurrency = 3\nformat = \"json\"\nhost = \""
                + server.target()
                + "\"\n"
                + "import-paths = [\"../proto/src/main/third_party/open-inference-protocol\"]\n[data]\nmodel_name = \"from-toml\"\n",
            "from-toml");
    assertThat(t.get("count").asInt()).isEqualTo(9);
    assertThat(t.get("options").get("concurrency").asInt()).isEqualTo(3);

    JsonNode y =
        runWithConfig(
            "ghz.yaml",
            "proto: "
                + PROTO
                + "\ncall: "
                + Cli.MODEL_INFER
                + "\ninsecure: true\ntotal: 5\nconcurrency: 1\ntimeout: 4s\nformat: json\nhost: "
                + server.target()
                + "\ndata:\n  model_name: from-yaml\n",
            "from-yaml");
    assertThat(y.get("count").asInt()).isEqualTo(5);
    assertThat(y.get("options").get("timeout").asLong()).isEqualTo(4_000_000_000L);
  }

  /**
   * The JSON report of a run with {@code --config} a file named {@code name} holding {@code text},
   * and {@code flags}; the server must have seen a call for {@code modelName}, which the file's
   * data names.
   */
  private JsonNode runWithConfig(String name, String text, String modelName, String... flags)
      throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(file, text);
    JsonNode report = json(Cli.run(Cli.concat(new String[] {"--config", file.toString()}, flags)));
    assertThat(server.requests()).anyMatch(q -> q.getModelName().equals(modelName));
    return report;
  }

  /** {@code -O format}'s output for a run of 50 calls named "fmt run". */
  private static String formatted(String format) {
    return Cli.infer(
            server.target(),
            "-d",
            "{\"model_name\":\"fmt\"}",
            "-n",
            "50",
            "-c",
            "2",
            "--name",
            "fmt run",
            "-O",
            format)
        .out();
  }

  /** ghz's one-report text formats: how each starts, and what else it holds. */
  static Stream<Arguments> ghzTextFormats() {
    return Stream.of(
        Arguments.of(
            "summary",
            "\nSummary:\n  Name:\t\tfmt run\n  Count:\t50\n  Total:\t",
            List.of(
                "\n  Requests/sec:\t",
                "\nResponse time histogram:\n",
                "\nLatency distribution:\n  10 % in ",
                "\n  99 % in ",
                "Status code distribution:\n  [OK]   50 responses   \n")),
        Arguments.of(
            "influx-summary",
            "ghz_run,name=\"fmt\\ run\",proto=\"" + PROTO + "\",call=\"" + Cli.MODEL_INFER + "\"",
            List.of(
                ",n=50,c=2,rps=0,z=0,timeout=20,dial_timeout=10,keepalive=0,",
                ",errors=0,has_errors=false count=50,total=")),
        Arguments.of(
            "prometheus",
            "# TYPE ghz_run_count gauge\nghz_run_count{",
            List.of(
                "} 50\n# TYPE ghz_run_total gauge\n",
                "# TYPE ghz_run_histogram histogram\n",
                ",le=\"+Inf\"} 50\n",
                ",quantile=\"0.99\"} ",
                "# TYPE ghz_run_errors gauge\n",
                "insecure=\"true\"",
                "end_reason=\"normal\"")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ghzTextFormats")
  void printsGhzTextFormats(String format, String start, List<String> parts) {
    assertThat(formatted(format)).startsWith(start).contains(parts);
  }

  @Test
  void printsGhzPerCallFormatsOneLinePerCall() {
    String[] rows = formatted("csv").split("\n");
    assertThat(rows[1]).isEqualTo("duration (ms),status,error");
    assertThat(rows).hasSize(52);
    assertThat(rows[2]).matches("\\d+\\.\\d\\d,OK,");
    assertThat(formatted("influx-details").split("\n"))
        .hasSize(50)
        .allMatch(l -> l.startsWith("ghz_detail,") && l.contains(",hasError=false latency="));
  }

  @Test
  void writesTheReportToOutputFile() throws Exception {
    Path out = tmp.resolve("sub/report.json");
    Cli.Result r =
        Cli.infer(server.target(), "-n", "3", "-c", "1", "-O", "json", "-o", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(JSON.readTree(Files.readString(out)).get("count").asInt()).isEqualTo(3);
  }

  /** Bad usage: each case's flags (before the target) and what stderr must say; exit code 2. */
  static Stream<Arguments> badUsage() {
    return Stream.of(
        usage(
            "service inference.GRPCInferenceService has no method ModelInfr (it has: ",
            "--proto",
            PROTO,
            "--call",
            "inference.GRPCInferenceService/ModelInfr"),
        usage(
            "unknown service inference.Nope (known: inference.GRPCInferenceService)",
            "--proto",
            PROTO,
            "--call",
            "inference.Nope/ModelInfer"),
        usage("", "--call", "inference.Nope/ModelInfer"), // by reflection
        usage("--data: not JSON", call("-d", "{model_name:")),
        usage(
            "--data: cannot read as inference.ModelInferRequest",
            call("-d", "{\"modelname\":\"x\"}")),
        usage("unknown variable", call("-d", "{\"id\":\"{{.Nope}}\"}")),
        usage(
            "--proto nope/missing.proto: no such file",
            "--proto",
            "nope/missing.proto",
            "--call",
            Cli.MODEL_INFER),
        usage("must have .proto extension", "--proto", "x.txt", "--call", Cli.MODEL_INFER),
        usage(
            "conflicting flags: --data and --data-file both give the call data",
            call("-d", "{}", "-D", "x.json")),
        usage("--open-loop needs a rate", call("--open-loop")),
        usage(
            "--rps is for the const schedule",
            call(
                "--rps",
                "5",
                "--load-schedule",
                "step",
                "--load-step",
                "5",
                "--load-step-duration",
                "1s")),
        usage("Unknown option: '--bogus'", "--bogus"),
        usage("--duration ten: \"ten\" is not a duration", "--call", Cli.MODEL_INFER, "-z", "ten"));
  }

  private static Arguments usage(String message, String... flags) {
    return Arguments.of(String.join(" ", flags), flags, message);
  }

  /** {@code --proto PROTO --call ModelInfer} and {@code extra}. */
  private static String[] call(String... extra) {
    return Cli.concat(new String[] {"--proto", PROTO, "--call", Cli.MODEL_INFER}, extra);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badUsage")
  void badUsageExitsWithTwoAndSaysWhy(String name, String[] flags, String message) {
    Cli.Result r =
        Cli.run(Cli.concat(Cli.concat(new String[] {"--insecure"}, flags), server.target()));

    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(message);
  }

  @Test
  void badUsageNamesEveryProblemAtOnce() {
    Cli.Result r =
        Cli.infer(
            server.target(),
            "-c",
            "0",
            "-O",
            "yaml",
            "--load-schedule",
            "wave",
            "-z",
            "ten",
            "--open-loop",
            "--async",
            "--rps",
            "5");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(5).allMatch(l -> l.startsWith("loadtest: "));
    assertThat(r.err())
        .contains(
            "--format yaml: unknown (expected one of "
                + Flags.spellings(Printers.Format.class)
                + ")",
            "--duration ten: \"ten\" is not a duration",
            "--load-schedule wave: expected one of const, step, line",
            "--concurrency 0 (expected: >= 1)",
            "conflicting flags: --open-loop and --async");
  }

  @Test
  void unreachableServerExitsWithOne() {
    Cli.Result r =
        Cli.run(
            "--insecure",
            "--proto",
            PROTO,
            "--call",
            Cli.MODEL_INFER,
            "--connect-timeout",
            "300ms",
            "127.0.0.1:1");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("cannot connect to 127.0.0.1:1");
  }

  @Test
  void helpListsEveryFlagWithItsShortForm() {
    Cli.Result r = Cli.run("--help");
    assertThat(r.exitCode()).isZero();
    List<String> flags = new ArrayList<>();
    for (OptionSpec o : new CommandLine(new Options()).getCommandSpec().options()) {
      String[] names = o.names().clone();
      Arrays.sort(names, Comparator.comparingInt(String::length)); // as the help lists them
      flags.add(String.join(", ", names));
    }
    assertThat(flags).contains("-n, --total", "-O, --format", "--load-schedule", "--slo");
    assertThat(r.out()).contains(flags);
  }

  @Test
  void versionFlagsPrintTheBareVersionOnStderrAsGhzDoes() {
    for (String flag : new String[] {"-v", "--version"}) {
      Cli.Result r = Cli.run(flag);

      assertThat(r.exitCode()).isZero();
      assertThat(r.err()).isEqualTo(ProjectVersion.current() + System.lineSeparator());
      assertThat(r.out()).isEmpty();
    }
    assertThat(ProjectVersion.current()).isNotBlank().isNotEqualTo("dev");
    assertThat(Cli.run("-V").exitCode()).isEqualTo(2); // not a ghz flag
  }
}
