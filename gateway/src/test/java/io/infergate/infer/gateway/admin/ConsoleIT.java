package io.infergate.infer.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infergate.infer.gateway.admin.console.Console;
import io.infergate.infer.gateway.testing.AdminPlane;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.proto.admin.v1.VariantState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's HTTP side of the admin port, over real sockets with {@code java.net.http}: its
 * files and headers, and the JSON bridge answering as the gRPC API does (the same roles, revisions
 * and errors, as HTTP statuses), while gRPC clients keep using the same port.
 */
class ConsoleIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VIEWER_BEARER = "Bearer " + AdminPlane.VIEWER;
  private static final String OPERATOR_BEARER = "Bearer " + AdminPlane.OPERATOR;

  @TempDir Path dir;
  @RegisterExtension final TestBed bed = new TestBed(Transport.loopback());

  private AdminPlane gateway;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  @BeforeEach
  void start() {
    gateway = AdminPlane.start(bed, dir, bed.backend("stable"), 90, bed.backend("canary"), 10);
  }

  @Test
  void servesThePageItsScriptAndStyleWithSecurityHeaders() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).contains("<script src=\"/console.js\"", "/console.css");
    assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
        .startsWith("default-src 'self'");
    assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("set-cookie")).isEmpty();

    HttpResponse<String> script = get("/console.js");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("content-type").orElseThrow())
        .startsWith("text/javascript");
    assertThat(script.body()).contains("/api/v1/");
    assertThat(get("/console.css").statusCode()).isEqualTo(200);
  }

  @Test
  void answersAnythingElseNotFoundOrNotAllowed() throws Exception {
    assertThat(get("/index.html").statusCode()).isEqualTo(404);
    assertThat(get("/console.js.map").statusCode()).isEqualTo(404);
    HttpResponse<String> unknownMethod = post("/api/v1/DropEverything", OPERATOR_BEARER, "{}");
    assertThat(unknownMethod.statusCode()).isEqualTo(404);
    assertThat(error(unknownMethod).path("code").asText()).isEqualTo("NOT_FOUND");
    assertThat(get("/api/v1/GetRoutes").statusCode()).isEqualTo(405);
    assertThat(post("/", OPERATOR_BEARER, "{}").statusCode()).isEqualTo(405);
  }

  @Test
  void deniesCallsWithoutATokenAndWritesWithoutTheOperatorRole() throws Exception {
    HttpResponse<String> anonymous = post("/api/v1/GetRoutes", null, "{}");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(error(anonymous).path("code").asText()).isEqualTo("UNAUTHENTICATED");
    assertThat(post("/api/v1/GetRoutes", "Bearer not-a-token-at-all-xx", "{}").statusCode())
        .isEqualTo(401);

    HttpResponse<String> read = post("/api/v1/GetRoutes", VIEWER_BEARER, "{}");
    assertThat(read.statusCode()).isEqualTo(200);
    String revision = JSON.readTree(read.body()).path("revision").asText();

    HttpResponse<String> write =
        post("/api/v1/SetWeights", VIEWER_BEARER, setWeights(revision, 50, 50));
    assertThat(write.statusCode()).isEqualTo(403);
    assertThat(error(write).path("code").asText()).isEqualTo("PERMISSION_DENIED");
    assertThat(error(write).path("message").asText()).contains("vera", "OPERATOR");
    assertThat(weights()).isEqualTo(Map.of("stable", 90, "canary", 10));
  }

  @Test
  void anOperatorSetsWeightsThatTheGrpcApiThenShows() throws Exception {
    long revision = gateway.client(AdminPlane.VIEWER).routes().getRevision();

    HttpResponse<String> write =
        post("/api/v1/SetWeights", OPERATOR_BEARER, setWeights(String.valueOf(revision), 60, 40));

    assertThat(write.statusCode()).as(write.body()).isEqualTo(200);
    JsonNode change = JSON.readTree(write.body());
    assertThat(change.path("revision").asLong()).isEqualTo(revision + 1);
    assertThat(change.path("route").path("model").asText()).isEqualTo("digits");
    assertThat(weights()).isEqualTo(Map.of("stable", 60, "canary", 40));
    assertThat(gateway.client(AdminPlane.VIEWER).routes().getRevision()).isEqualTo(revision + 1);
  }

  @Test
  void aWriteOnAStaleRevisionIsAConflictNamingTheCurrentOne() throws Exception {
    long revision = gateway.client(AdminPlane.VIEWER).routes().getRevision();
    gateway.client(AdminPlane.OPERATOR).setWeights("digits", Map.of("canary", 20), revision, "");

    HttpResponse<String> stale =
        post("/api/v1/SetWeights", OPERATOR_BEARER, setWeights(String.valueOf(revision), 60, 40));

    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(error(stale).path("code").asText()).isEqualTo("FAILED_PRECONDITION");
    assertThat(error(stale).path("message").asText())
        .contains("current revision: " + (revision + 1));
    assertThat(weights()).isEqualTo(Map.of("stable", 90, "canary", 20));
  }

  @Test
  void refusesMalformedJsonAndUnknownFieldsAsInvalidArgument() throws Exception {
    HttpResponse<String> malformed = post("/api/v1/GetRoutes", VIEWER_BEARER, "{\"revision\":");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(error(malformed).path("code").asText()).isEqualTo("INVALID_ARGUMENT");
    assertThat(post("/api/v1/GetRoutes", VIEWER_BEARER, "{\"noSuchField\": 1}").statusCode())
        .isEqualTo(400);
  }

  @Test
  void readsABodyOfExactlyTheLimitAndRefusesOneByteMore() throws Exception {
    String atLimit = padded("{}", Console.MAX_BODY_BYTES);
    HttpResponse<String> ok = post("/api/v1/GetRoutes", VIEWER_BEARER, atLimit);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);

    HttpResponse<String> over =
        post("/api/v1/GetRoutes", VIEWER_BEARER, padded("{}", Console.MAX_BODY_BYTES + 1));
    assertThat(over.statusCode()).isEqualTo(413);
    assertThat(error(over).path("message").asText()).contains(Console.MAX_BODY_BYTES + " bytes");
    // The port still serves both protocols.
    assertThat(post("/api/v1/GetRoutes", VIEWER_BEARER, "{}").statusCode()).isEqualTo(200);
    assertThat(gateway.client(AdminPlane.VIEWER).routes().getRoutesCount()).isEqualTo(1);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String authorization, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.adminPort() + path);
  }

  private Map<String, Integer> weights() {
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (VariantState v :
        gateway.client(AdminPlane.VIEWER).routes().getRoutes(0).getVariantsList()) {
      weights.put(v.getName(), v.getWeight());
    }
    return weights;
  }

  private static JsonNode error(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("application/json; charset=utf-8");
    return JSON.readTree(response.body());
  }

  private static String setWeights(String revision, int stable, int canary) {
    return """
        {"model": "digits", "weights": {"stable": %d, "canary": %d},
         "basedOnRevision": "%s", "reason": "from the bridge test"}"""
        .formatted(stable, canary, revision);
  }

  /** {@code json} followed by spaces up to {@code bytes} bytes (ASCII). */
  private static String padded(String json, int bytes) {
    return json + " ".repeat(bytes - json.length());
  }
}
