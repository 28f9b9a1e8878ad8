package io.infergate.infer.gateway.admin;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infergate.infer.gateway.testing.Processes;
import io.infergate.infer.observability.testing.Chromium;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Debian's {@code chromium}, headless, driven over the DevTools protocol (a WebSocket of JSON
 * commands) with nothing but {@code java.net.http}: start it on a free DevTools port with a fresh
 * profile, read the port from the profile's {@code DevToolsActivePort} file, and talk to its first
 * page. {@link #start} skips the calling test with a message when there is no Chromium.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final WebSocket socket;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, WebSocket.Builder sockets, URI page) throws Exception {
    this.process = process;
    this.socket = sockets.buildAsync(page, new Replies()).get(30, TimeUnit.SECONDS);
  }

  /**
   * Starts Chromium ({@code $CHROMIUM}, else the usual paths) with a profile under {@code dir}, or
   * aborts the test when none is installed.
   */
  static HeadlessChromium start(Path dir, int width, int height) throws Exception {
    String chromium = Chromium.find("the console's browser check");
    Path profile = Files.createTempDirectory(dir, "chromium-profile");
    Path log = dir.resolve("chromium.log");
    Process process =
        new ProcessBuilder(
                Chromium.command(
                    chromium,
                    profile,
                    "--hide-scrollbars",
                    "--window-size=" + width + "," + height,
                    "--remote-debugging-address=127.0.0.1",
                    "--remote-debugging-port=0",
                    "about:blank"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2);
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
      HttpClient http = HttpClient.newHttpClient();
      URI page = null;
      for (JsonNode target :
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body())) {
        if (target.path("type").asText().equals("page")) {
          page = URI.create(target.path("webSocketDebuggerUrl").asText());
          break;
        }
      }
      if (page == null) {
        throw new IllegalStateException(
            "Chromium shows no page; its log: " + Files.readString(log));
      }
      return new HeadlessChromium(process, http.newWebSocketBuilder(), page);
    } catch (Exception | AssertionError e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Loads {@code url} and waits until its document and deferred scripts have loaded. */
  void navigate(String url) throws Exception {
    send("Page.enable", JSON.createObjectNode());
    send("Page.navigate", JSON.createObjectNode().put("url", url));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> evaluate("document.readyState").asText().equals("complete"));
  }

  /** The value of {@code expression} in the page, awaiting a promise; throws on a JS exception. */
  JsonNode evaluate(String expression) throws Exception {
    JsonNode result =
        send(
            "Runtime.evaluate",
            JSON.createObjectNode()
                .put("expression", expression)
                .put("awaitPromise", true)
                .put("returnByValue", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException(
          expression + ": " + result.path("exceptionDetails").toPrettyString());
    }
    return result.path("result").path("value");
  }

  /** A PNG of the page as laid out: its full height, {@code width} wide. */
  byte[] screenshot() throws Exception {
    JsonNode shot =
        send(
            "Page.captureScreenshot",
            JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true));
    return Base64.getDecoder().decode(shot.path("data").asText());
  }

  private JsonNode send(String method, ObjectNode params) throws Exception {
    long id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
    command.set("params", params);
    socket.sendText(JSON.writeValueAsString(command), true).get(10, TimeUnit.SECONDS);
    JsonNode message = reply.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (message.has("error")) {
      throw new IllegalStateException(method + ": " + message.path("error"));
    }
    return message.path("result");
  }

  @Override
  public void close() {
    socket.abort();
    Processes.stop(process);
  }

  /** Matches answers to commands by id; events (messages without an id) are not needed. */
  private final class Replies implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode message = JSON.readTree(partial.toString());
          if (message.has("id")) {
            CompletableFuture<JsonNode> reply = pending.remove(message.path("id").asLong());
            if (reply != null) {
              reply.complete(message);
            }
          }
        } catch (IOException e) {
          pending.values().forEach(reply -> reply.completeExceptionally(e));
        }
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      pending.values().forEach(reply -> reply.completeExceptionally(error));
    }
  }
}
