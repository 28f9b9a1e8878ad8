package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infergate.infer.perf.loadtest.testing.StreamingTestServer;
import io.infergate.infer.perf.loadtest.testing.StreamingTestServer.Seen;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streaming calls as ghz makes them, against a real server on loopback that records what each
 * stream carried: one report "call" per stream; client and bidi streams send the data array's
 * elements in order, shaped by --stream-interval, --stream-call-count and --stream-call-duration;
 * server streams read every answer, or are cancelled by the count or duration limit.
 */
class StreamingIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ABC = "[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}]";
  @AutoClose private static final StreamingTestServer server = StreamingTestServer.start();

  @BeforeEach
  void forgetEarlierStreams() {
    server.forget();
  }

  /**
   * A JSON report of {@code calls} streams of {@code method} ({@code -n}), {@code concurrency} at a
   * time ({@code -c}).
   */
  private static JsonNode run(
      String method, String data, int calls, int concurrency, String... flags) throws Exception {
    Cli.Result r =
        runWithProto(
            method,
            Cli.concat(
                new String[] {
                  "-O",
                  "json",
                  "-d",
                  data,
                  "-n",
                  Integer.toString(calls),
                  "-c",
                  Integer.toString(concurrency)
                },
                flags));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  /** The harness calling {@code method} of the test server, plaintext, described by its .proto. */
  private static Cli.Result runWithProto(String method, String... flags) {
    return Cli.run(
        Cli.concat(
            Cli.concat(
                new String[] {
                  "--insecure", "--proto", StreamingTestServer.PROTO.toString(), "--call", method
                },
                flags),
            server.target()));
  }

  /** The server saw {@code streams} streams, each sending {@link #ABC}'s names in order. */
  private static void assertEachStreamSentAbc(int streams) {
    assertThat(namesPerStream())
        .hasSize(streams)
        .allSatisfy(n -> assertThat(n).containsExactly("a", "b", "c"));
  }

  private static List<List<String>> namesPerStream() {
    return server.streams().stream().map(Seen::names).toList();
  }

  @Test
  void clientStreamSendsEveryElementOfTheArrayInOrderAndCountsAsOneCall() throws Exception {
    JsonNode report = run(StreamingTestServer.UPLOAD, ABC, 4, 2);

    assertEachStreamSentAbc(4);
    assertThat(server.streams()).allSatisfy(s -> assertThat(s.halfClosed()).isTrue());
    assertThat(report.get("count").asLong()).isEqualTo(4);
    assertThat(report.get("statusCodeDistribution").toString()).isEqualTo("{\"OK\":4}");
    assertThat(report.get("errorDistribution").toString()).isEqualTo("{}");
    assertThat(report.get("details")).hasSize(4);
  }

  @Test
  void aSingleObjectIsOneMessage() throws Exception {
    run(StreamingTestServer.UPLOAD, "{\"name\":\"solo\"}", 2, 1);

    assertThat(namesPerStream()).containsExactly(List.of("solo"), List.of("solo"));
  }

  @Test
  void streamCallCountCutsTheDataShortOrCyclesThroughIt() throws Exception {
    run(StreamingTestServer.UPLOAD, ABC, 2, 1, "--stream-call-count", "2");
    assertThat(namesPerStream()).containsExactly(List.of("a", "b"), List.of("a", "b"));

    server.forget();
    run(StreamingTestServer.CHAT, ABC, 1, 1, "--stream-call-count", "5");
    assertThat(namesPerStream()).containsExactly(List.of("a", "b", "c", "a", "b"));
    assertThat(server.streams().get(0).answered()).isEqualTo(5);
  }

  @Test
  void streamIntervalSpacesTheSendsAndTheStreamIsTimedToItsStatus() throws Exception {
    JsonNode report = run(StreamingTestServer.UPLOAD, ABC, 2, 1, "--stream-interval", "60ms");

    for (Seen s : server.streams()) {
      List<Long> at = s.arrivalNanos();
      assertThat(at).hasSize(3);
      // Two pauses of 60 ms lie between the first and the last arrival. The server's clock sees
      // each message's own trip too, so a late first arrival may shorten one gap: the span is
      // checked with the slack of one interval, the exact pauses by the client's latency below.
      assertThat(at.get(2) - at.get(0)).isGreaterThan(60_000_000L);
    }
    assertThat(report.get("fastest").asLong()).isGreaterThanOrEqualTo(120_000_000L);
    for (JsonNode d : report.get("details")) {
      assertThat(d.get("latency").asLong()).isGreaterThanOrEqualTo(120_000_000L);
    }
  }

  @Test
  void streamCallDurationEndsSendingEarlyWithAHalfClose() throws Exception {
    JsonNode report =
        run(
            StreamingTestServer.UPLOAD,
            ABC,
            2,
            2,
            "--stream-call-count",
            "1000",
            "--stream-interval",
            "20ms",
            "--stream-call-duration",
            "200ms");

    assertThat(server.streams())
        .hasSize(2)
        .allSatisfy(
            s -> {
              assertThat(s.names().size()).isBetween(2, 999);
              assertThat(s.halfClosed()).isTrue();
            });
    assertThat(report.get("statusCodeDistribution").toString()).isEqualTo("{\"OK\":2}");
    assertThat(report.get("fastest").asLong()).isGreaterThanOrEqualTo(200_000_000L);
  }

  @Test
  void serverStreamReadsEveryAnswerUntilTheStatus() throws Exception {
    JsonNode report = run(StreamingTestServer.DOWNLOAD, "{\"name\":\"q\",\"count\":7}", 3, 3);

    assertThat(server.streams()).hasSize(3).allSatisfy(s -> assertThat(s.answered()).isEqualTo(7));
    assertThat(report.get("statusCodeDistribution").toString()).isEqualTo("{\"OK\":3}");
  }

  @Test
  void serverStreamArrayDataIsRoundRobinPerCallAsForUnary() throws Exception {
    run(
        StreamingTestServer.DOWNLOAD,
        "[{\"name\":\"x\",\"count\":1},{\"name\":\"y\",\"count\":1}]",
        4,
        1);

    assertThat(namesPerStream())
        .containsExactly(List.of("x"), List.of("y"), List.of("x"), List.of("y"));
  }

  @Test
  void serverStreamCallCountCancelsTheCallAsGhzDoes() throws Exception {
    JsonNode report =
        run(
            StreamingTestServer.DOWNLOAD,
            "{\"name\":\"endless\"}",
            3,
            1,
            "--stream-call-count",
            "3");

    assertThat(report.get("statusCodeDistribution").toString()).isEqualTo("{\"Canceled\":3}");
    assertThat(report.get("errorDistribution").toString())
        .isEqualTo("{\"rpc error: code = Canceled desc = context canceled\":3}");
    assertThat(server.streams())
        .hasSize(3)
        .allSatisfy(s -> assertThat(s.answered()).isGreaterThanOrEqualTo(3));
    await()
        .untilAsserted(
            () -> assertThat(server.streams()).allSatisfy(s -> assertThat(s.cancelled()).isTrue()));
  }

  @Test
  void serverStreamCallDurationCancelsTheCall() throws Exception {
    JsonNode report =
        run(
            StreamingTestServer.DOWNLOAD,
            "{\"name\":\"endless\"}",
            2,
            2,
            "--stream-call-duration",
            "150ms");

    assertThat(report.get("statusCodeDistribution").toString()).isEqualTo("{\"Canceled\":2}");
    assertThat(report.get("details"))
        .allSatisfy(
            d -> assertThat(d.get("latency").asLong()).isGreaterThanOrEqualTo(150_000_000L));
    // The client ends the call at once; the server hears of it when the RST_STREAM arrives.
    await()
        .untilAsserted(
            () ->
                assertThat(server.streams())
                    .hasSize(2)
                    .allSatisfy(s -> assertThat(s.cancelled()).isTrue()));
  }

  @Test
  void bidiSendsTheDataWhileReadingTheEchoesAndEndsAtTheStatus() throws Exception {
    JsonNode report = run(StreamingTestServer.CHAT, ABC, 3, 2);

    assertEachStreamSentAbc(3);
    assertThat(server.streams())
        .allSatisfy(
            s -> {
              assertThat(s.answered()).isEqualTo(3);
              assertThat(s.halfClosed()).isTrue();
            });
    assertThat(report.get("statusCodeDistribution").toString()).isEqualTo("{\"OK\":3}");
  }

  @Test
  void dynamicMessagesRenderTheTemplateForEveryMessage() throws Exception {
    String data = "{\"name\":\"{{.RequestNumber}}-{{newUUID}}\"}";
    run(
        StreamingTestServer.UPLOAD,
        data,
        2,
        1,
        "--stream-call-count",
        "4",
        "--stream-dynamic-messages");
    for (List<String> names : namesPerStream()) {
      assertThat(new HashSet<>(names)).hasSize(4);
    }

    server.forget();
    run(StreamingTestServer.UPLOAD, data, 2, 1, "--stream-call-count", "4");
    List<List<String>> once = namesPerStream();
    assertThat(once).hasSize(2).allSatisfy(names -> assertThat(new HashSet<>(names)).hasSize(1));
    Set<String> starts = new HashSet<>();
    once.forEach(n -> starts.add(n.get(0).substring(0, n.get(0).indexOf('-'))));
    assertThat(starts).containsExactlyInAnyOrder("0", "1");
  }

  @Test
  void aFailedStreamIsCountedWithGhzsStatusAndError() throws Exception {
    JsonNode report =
        run(StreamingTestServer.UPLOAD, "[{\"name\":\"ok\"},{\"name\":\"fail\"}]", 2, 1);

    assertThat(report.get("statusCodeDistribution").toString()).isEqualTo("{\"Internal\":2}");
    assertThat(report.get("errorDistribution").toString())
        .isEqualTo("{\"rpc error: code = Internal desc = boom\":2}");
    assertThat(report.get("details").get(0).get("status").asText()).isEqualTo("Internal");
  }

  @Test
  void aStreamingMethodFoundByReflectionRunsOnEveryConnectionThroughGrpcJava() throws Exception {
    // No --proto: reflection runs first on the one channel the h2 fast path would keep, then the
    // harness learns the method streams and connects through grpc-java instead.
    Cli.Result r =
        Cli.run(
            "--insecure",
            "--call",
            StreamingTestServer.CHAT,
            "-d",
            ABC,
            "-n",
            "4",
            "-c",
            "4",
            "--connections",
            "2",
            "-O",
            "json",
            server.target());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(JSON.readTree(r.out()).get("statusCodeDistribution").toString())
        .isEqualTo("{\"OK\":4}");
    assertEachStreamSentAbc(4);
  }

  @Test
  void theH2TransportRefusesAStreamingMethodAndAutoPicksGrpcJava() {
    Cli.Result r = runWithProto(StreamingTestServer.UPLOAD, "--transport", "h2", "-n", "1");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "--transport h2: --call " + StreamingTestServer.UPLOAD + " is a streaming method");
    assertThat(server.streams()).isEmpty();
  }

  @Test
  void dynamicMessagesWithoutATemplateIsBadUsage() {
    Cli.Result r = runWithProto(StreamingTestServer.UPLOAD, "-d", ABC, "--stream-dynamic-messages");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--stream-dynamic-messages");
  }
}
