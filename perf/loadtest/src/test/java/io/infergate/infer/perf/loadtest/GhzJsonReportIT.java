package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infergate.infer.perf.loadtest.testing.TestServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the harness against a real server on loopback and checks its {@code -O json} report field by
 * field against ghz's schema (protocols.md §3.3): names, order, nesting, types and units.
 */
class GhzJsonReportIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @AutoClose private static final TestServer server = TestServer.start();
  private static JsonNode report;
  private static String pretty;

  @BeforeAll
  static void runOnce() throws Exception {
    server.failEvery(20);
    Cli.Result r =
        Cli.infer(
            server.target(),
            "-d",
            "{\"model_name\":\"digits\",\"inputs\":[{\"name\":\"pixels\",\"datatype\":\"FP32\",\"shape\":[1,2],\"contents\":{\"fp32_contents\":[0.5,1]}}]}",
            "-n",
            "200",
            "-c",
            "4",
            "--name",
            "oip-infer",
            "--tags",
            "{\"env\":\"test\",\"a\":\"<b>\"}",
            "-O",
            "json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    report = JSON.readTree(r.out());
    server.failEvery(0);
    Cli.Result p =
        Cli.infer(
            server.target(),
            "-d",
            "{\"model_name\":\"digits\"}",
            "-n",
            "20",
            "-c",
            "2",
            "-O",
            "pretty");
    assertThat(p.exitCode()).as(p.err()).isZero();
    pretty = p.out();
  }

  @Test
  void topLevelKeysAreGhzsInGhzsOrder() {
    assertThat(fieldNames(report))
        .containsExactly(
            "date",
            "name",
            "endReason",
            "options",
            "count",
            "total",
            "average",
            "fastest",
            "slowest",
            "rps",
            "errorDistribution",
            "statusCodeDistribution",
            "latencyDistribution",
            "histogram",
            "details",
            "tags");
  }

  @Test
  void dateNameAndEndReason() {
    assertThat(report.get("date").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)");
    assertThat(report.get("name").asText()).isEqualTo("oip-infer");
    assertThat(report.get("endReason").asText()).isEqualTo("normal");
  }

  @Test
  void optionsCarryGhzKeysWithGhzOmissionRulesAndNanosecondDurations() {
    JsonNode o = report.get("options");
    assertThat(fieldNames(o))
        .containsExactly(
            "call",
            "host",
            "proto",
            "import-paths",
            "insecure",
            "load-schedule",
            "load-start",
            "load-end",
            "load-step",
            "load-step-duration",
            "load-max-duration",
            "concurrency",
            "concurrency-schedule",
            "concurrency-start",
            "concurrency-end",
            "concurrency-step",
            "concurrency-step-duration",
            "concurrency-max-duration",
            "total",
            "connections",
            "timeout",
            "dial-timeout",
            "data",
            "binary",
            "CPUs",
            "name");
    assertThat(o.get("call").asText()).isEqualTo(Cli.MODEL_INFER);
    assertThat(o.get("host").asText()).isEqualTo(server.target());
    assertThat(o.get("proto").asText()).isEqualTo(Cli.OIP_PROTO.toString());
    assertThat(o.get("import-paths").get(0).asText())
        .isEqualTo(Cli.OIP_PROTO.getParent().toString());
    assertThat(o.get("import-paths").get(1).asText()).isEqualTo(".");
    assertThat(o.get("insecure").isBoolean()).isTrue();
    assertThat(o.get("insecure").asBoolean()).isTrue();
    assertThat(o.get("load-schedule").asText()).isEqualTo("const");
    assertThat(o.get("concurrency-schedule").asText()).isEqualTo("const");
    assertThat(o.get("concurrency").asLong()).isEqualTo(4);
    assertThat(o.get("concurrency-step").asLong()).isEqualTo(1);
    assertThat(o.get("total").isIntegralNumber()).isTrue();
    assertThat(o.get("total").asLong()).isEqualTo(200);
    assertThat(o.get("connections").asLong()).isEqualTo(1);
    assertThat(o.get("timeout").asLong()).isEqualTo(20_000_000_000L);
    assertThat(o.get("dial-timeout").asLong()).isEqualTo(10_000_000_000L);
    assertThat(o.get("binary").asBoolean()).isFalse();
    assertThat(o.get("CPUs").isIntegralNumber()).isTrue();
    assertThat(o.get("name").asText()).isEqualTo("oip-infer");
    // data is re-marshalled as Go does an interface{}: keys sorted, numbers as float64
    JsonNode data = o.get("data");
    assertThat(fieldNames(data)).containsExactly("inputs", "model_name");
    assertThat(fieldNames(data.get("inputs").get(0)))
        .containsExactly("contents", "datatype", "name", "shape");
  }

  @Test
  void countsAndTimesAreIntegersInNanoseconds() {
    assertThat(report.get("count").isIntegralNumber()).isTrue();
    assertThat(report.get("count").asLong()).isEqualTo(200);
    for (String k : List.of("total", "average", "fastest", "slowest")) {
      assertThat(report.get(k).isIntegralNumber()).as(k).isTrue();
      assertThat(report.get(k).asLong()).as(k).isPositive();
    }
    long fastest = report.get("fastest").asLong();
    long slowest = report.get("slowest").asLong();
    assertThat(fastest).isLessThanOrEqualTo(slowest);
    assertThat(report.get("total").asLong()).isGreaterThanOrEqualTo(slowest);
    double rps = report.get("rps").asDouble();
    assertThat(rps)
        .isCloseTo(
            200 / (report.get("total").asLong() / 1e9),
            org.assertj.core.data.Percentage.withPercentage(0.001));
  }

  @Test
  void statusAndErrorDistributionsUseGoNamesAndGoErrorStrings() {
    assertThat(report.get("statusCodeDistribution").get("OK").asInt()).isEqualTo(190);
    assertThat(report.get("statusCodeDistribution").get("Internal").asInt()).isEqualTo(10);
    assertThat(fieldNames(report.get("errorDistribution")))
        .containsExactly("rpc error: code = Internal desc = boom");
    assertThat(
            report.get("errorDistribution").get("rpc error: code = Internal desc = boom").asInt())
        .isEqualTo(10);
  }

  @Test
  void latencyDistributionIsGhzsSevenPercentilesOverOkCalls() {
    List<Long> ok = new ArrayList<>();
    for (JsonNode d : report.get("details")) {
      if (d.get("error").asText().isEmpty()) {
        ok.add(d.get("latency").asLong());
      }
    }
    Collections.sort(ok);
    JsonNode dist = objects("latencyDistribution", 7, "percentage", "latency");
    int[] pct = {10, 25, 50, 75, 90, 95, 99};
    for (int i = 0; i < pct.length; i++) {
      JsonNode e = dist.get(i);
      assertThat(e.get("percentage").asInt()).isEqualTo(pct[i]);
      double ip = pct[i] / 100.0 * ok.size();
      int di = (int) ip;
      if (ip == di) {
        di--;
      }
      assertThat(e.get("latency").asLong())
          .isCloseTo(ok.get(Math.max(0, di)), org.assertj.core.data.Offset.offset(1L));
    }
    assertThat(report.get("fastest").asLong())
        .isCloseTo(ok.get(0), org.assertj.core.data.Offset.offset(1L));
    assertThat(report.get("slowest").asLong())
        .isCloseTo(ok.get(ok.size() - 1), org.assertj.core.data.Offset.offset(1L));
  }

  @Test
  void histogramHasElevenBucketsWithMarksInSeconds() {
    JsonNode h = objects("histogram", 11, "mark", "count", "frequency");
    long sum = 0;
    for (JsonNode b : h) {
      assertThat(b.get("count").isIntegralNumber()).isTrue();
      sum += b.get("count").asLong();
      assertThat(b.get("frequency").asDouble())
          .isCloseTo(b.get("count").asLong() / 190.0, org.assertj.core.data.Offset.offset(1e-12));
    }
    assertThat(sum).isEqualTo(190);
    assertThat(h.get(0).get("mark").asDouble())
        .isCloseTo(report.get("fastest").asLong() / 1e9, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(h.get(10).get("mark").asDouble())
        .isCloseTo(report.get("slowest").asLong() / 1e9, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void detailsAreOnePerCallWithNanosecondTimestamps() {
    JsonNode details = objects("details", 200, "timestamp", "latency", "error", "status");
    int errors = 0;
    for (JsonNode d : details) {
      assertThat(d.get("timestamp").asText())
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?(Z|[+-]\\d\\d:\\d\\d)");
      assertThat(d.get("latency").isIntegralNumber()).isTrue();
      if (d.get("status").asText().equals("OK")) {
        assertThat(d.get("error").asText()).isEmpty();
      } else {
        errors++;
        assertThat(d.get("status").asText()).isEqualTo("Internal");
        assertThat(d.get("error").asText()).isEqualTo("rpc error: code = Internal desc = boom");
      }
    }
    assertThat(errors).isEqualTo(10);
  }

  @Test
  void tagsAreEmittedAsGiven() {
    assertThat(report.get("tags").get("env").asText()).isEqualTo("test");
    assertThat(report.get("tags").get("a").asText()).isEqualTo("<b>");
  }

  @Test
  void prettyIsTheSameJsonIndentedByTwoSpacesAsGoDoes() throws Exception {
    String[] lines = pretty.split("\n");
    assertThat(lines[0]).isEqualTo("{");
    assertThat(lines[1]).startsWith("  \"date\": \"");
    assertThat(pretty).contains("\n  \"options\": {\n    \"call\": ");
    assertThat(pretty).contains("\"errorDistribution\": {},");
    JsonNode p = JSON.readTree(pretty);
    assertThat(p.get("count").asLong()).isEqualTo(20);
    assertThat(p.has("name")).isFalse();
    assertThat(p.has("tags")).isFalse();
  }

  /** The report's array {@code key}: {@code size} objects, each with exactly {@code keys}. */
  private static JsonNode objects(String key, int size, String... keys) {
    JsonNode array = report.get(key);
    assertThat(array).hasSize(size);
    array.forEach(e -> assertThat(fieldNames(e)).as(key).containsExactly(keys));
    return array;
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
