package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.observability.ProjectVersion;
import io.infergate.infer.observability.server.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bin/gateway}'s contract: its version, and one message and exit code per failure. */
class GatewayMainTest {
  private static final String ROUTES =
      "routes: [{model: m, variants: [{name: a, weight: 1, endpoints: [\"127.0.0.1:1\"]}]}]\n";

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void loadingTheMainClassSetsTheJvmDefaultsItDocuments() {
    new GatewayMain(Map.of()); // its static initialiser has run

    assertThat(System.getProperty(JvmDefaults.NETTY_RECYCLER_CAPACITY)).isEqualTo("0");
    assertThat(Security.getProperty(JvmDefaults.DNS_CACHE_TTL)).isEqualTo("1");
  }

  @Test
  void anOperatorsSettingOfTheRecyclerWins() {
    String before = System.getProperty(JvmDefaults.NETTY_RECYCLER_CAPACITY);
    System.setProperty(JvmDefaults.NETTY_RECYCLER_CAPACITY, "4096");
    try {
      JvmDefaults.apply();

      assertThat(System.getProperty(JvmDefaults.NETTY_RECYCLER_CAPACITY)).isEqualTo("4096");
    } finally {
      System.setProperty(JvmDefaults.NETTY_RECYCLER_CAPACITY, before == null ? "0" : before);
    }
  }

  @Test
  void versionPrintsTheProjectsVersion() {
    assertThat(run(Map.of(), "--version")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString().strip()).isEqualTo("gateway " + ProjectVersion.current());
  }

  @Test
  void aBadConfigurationExitsWithTwoAndNamesEveryProblem() throws IOException {
    Path file =
        write(
            """
            routes:
              - model: digits
                variants:
                  - {name: stable, weight: -5, endpoints: ["nowhere"]}
                  - {name: canary, weight: 1, endpoints: ["h:1"], balanse: round_robin}
            """);

    assertThat(run(Map.of(), "--config", file.toString())).isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(err.toString())
        .startsWith("gateway: invalid configuration:\n")
        .contains(
            "  routes[0].variants[0].weight: -5 (expected: >= 0)\n",
            "  routes[0].variants[0].endpoints[0]: \"nowhere\" (expected: host:port with a port in"
                + " 1..65535)\n",
            "  routes[0].variants[1].balanse: unknown key");
  }

  @Test
  void aBadTokensFileExitsWithTwoBeforeAnyPortIsBound() throws IOException {
    Path tokens = dir.resolve("tokens.txt");
    Files.writeString(tokens, "short viewer vera\n");
    Path file =
        write(
            "port: 0\nadmin: {port: 0, tokensFile: \""
                + tokens
                + "\", stateDir: \""
                + dir.resolve("state")
                + "\"}\ntelemetry: {metricsPort: 0}\n"
                + ROUTES);

    assertThat(run(Map.of(), "--config", file.toString())).isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(err.toString())
        .isEqualTo(
            "gateway: invalid configuration:\n  admin.tokensFile: "
                + tokens
                + ":1: token of 5 chars (expected: 16+)\n");
  }

  @Test
  void theEnvironmentNamesTheFileAndItsValuesWhenFlagsDoNot() throws IOException {
    Path file = write(ROUTES);

    assertThat(
            run(Map.of("GATEWAY_CONFIG", file.toString(), "GATEWAY_PORT", "eighty"), new String[0]))
        .isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(err.toString())
        .isEqualTo("gateway: invalid configuration:\n  port: \"eighty\" (expected: an integer)\n");
  }

  @Test
  void noConfigurationAtAllExitsWithTwo() {
    assertThat(run(Map.of())).isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(err.toString())
        .isEqualTo(
            "gateway: invalid configuration:\n"
                + "  config: missing (expected: --config FILE or GATEWAY_CONFIG)\n");
  }

  @Test
  void aPortThatCannotBeBoundExitsWithThreeAndSaysWhy() throws IOException {
    Path file = write(ROUTES);
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();

      assertThat(
              run(
                  Map.of(),
                  "--config",
                  file.toString(),
                  "--host",
                  "127.0.0.1",
                  "--port",
                  Integer.toString(port),
                  "--metrics-port",
                  "0"))
          .isEqualTo(ExitCodes.CANNOT_LISTEN);
      assertThat(err.toString())
          .isEqualTo("gateway: cannot listen on 127.0.0.1:" + port + ": Address already in use\n");
    }
  }

  @Test
  void aMetricsPortThatCannotBeBoundExitsWithThreeAndSaysWhy() throws IOException {
    Path file = write(ROUTES);
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
      int port = taken.getLocalPort();

      assertThat(
              run(
                  Map.of("GATEWAY_METRICS_PORT", Integer.toString(port)),
                  "--config",
                  file.toString(),
                  "--port",
                  "0"))
          .isEqualTo(ExitCodes.CANNOT_LISTEN);
      assertThat(err.toString())
          .startsWith("gateway: cannot listen on 0.0.0.0:" + port + " for metrics: ");
    }
  }

  private int run(Map<String, String> environment, String... args) {
    CommandLine command = new CommandLine(new GatewayMain(environment));
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(args);
  }

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
