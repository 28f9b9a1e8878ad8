package io.infergate.infer.observability.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigBinderTest {
  @TempDir Path dir;

  enum Mode {
    FAST,
    SAFE
  }

  record Server(Integer port, Duration timeout, Mode mode, List<Backend> backends, Limits limits) {
    Server {
      port = port == null ? 8500 : port;
      timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
      mode = mode == null ? Mode.SAFE : mode;
      backends = backends == null ? List.of() : List.copyOf(backends);
      limits = limits == null ? new Limits(null, null) : limits;
      List<String> problems = new ArrayList<>();
      if (port < 0 || port > 65535) {
        problems.add("port: " + port + " (expected: 0..65535)");
      }
      if (timeout.isNegative() || timeout.isZero()) {
        problems.add("timeout: " + Durations.format(timeout) + " (expected: > 0)");
      }
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(String.join("\n", problems));
      }
    }
  }

  record Backend(String address, Integer weight) {
    Backend {
      if (address == null) {
        throw new IllegalArgumentException("address: missing (expected: host:port)");
      }
      weight = weight == null ? 1 : weight;
      if (weight < 0) {
        throw new IllegalArgumentException("weight: " + weight + " (expected: >= 0)");
      }
    }
  }

  record Limits(Integer maxCalls, List<Integer> sizes) {
    Limits {
      maxCalls = maxCalls == null ? 100 : maxCalls;
      sizes = sizes == null ? List.of() : List.copyOf(sizes);
    }
  }

  @Test
  void nothingSetGivesTheDefaultsAndSaysSo() {
    Bound<Server> bound = ConfigBinder.of(Server.class).bind();

    assertThat(bound.value().port()).isEqualTo(8500);
    assertThat(bound.value().timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(bound.effective()).contains("port=8500 (default)", "timeout=10s (default)");
  }

  @Test
  void flagsWinOverEnvironmentOverFileAndTheReportNamesEachSource() throws IOException {
    Path file =
        write("port: 1\ntimeout: 1m30s\nmode: FAST\nlimits:\n  maxCalls: 7\n  sizes: [1, 2]\n");

    Bound<Server> bound =
        ConfigBinder.of(Server.class)
            .file(file)
            .environment(
                Map.of("SERVER_PORT", "2", "SERVER_TIMEOUT", ""),
                Map.of("SERVER_PORT", "port", "SERVER_TIMEOUT", "timeout"))
            .value("limits.maxCalls", "9", Source.FLAG)
            .bind();

    assertThat(bound.value())
        .isEqualTo(
            new Server(
                2, Duration.ofSeconds(90), Mode.FAST, List.of(), new Limits(9, List.of(1, 2))));
    assertThat(bound.effective())
        .contains(
            "port=2 (env)",
            "timeout=1m30s (file)",
            "mode=FAST (file)",
            "limits.maxCalls=9 (flag)",
            "limits.sizes=[1,2] (file)",
            "backends=[] (default)");
  }

  @Test
  void everyProblemIsReportedAtOnceWithItsPath() throws IOException {
    assertThat(
            problemsOf(
                "port: 70000\n"
                    + "timeout: soon\n"
                    + "mode: FASTEST\n"
                    + "colour: blue\n"
                    + "backends:\n"
                    + "  - address: a:1\n"
                    + "    weight: -5\n"
                    + "  - weight: 2\n"
                    + "  - address: c:1\n"
                    + "    wieght: 3\n"
                    + "limits:\n"
                    + "  maxCalls: lots\n"))
        .containsExactlyInAnyOrder(
            "timeout: \"soon\" (expected: a duration, e.g. 250ms, 10s, 1h30m)",
            "mode: \"FASTEST\" (expected: one of FAST, SAFE)",
            "colour: unknown key (expected one of: backends, limits, mode, port, timeout)",
            "port: 70000 (expected: 0..65535)",
            "backends[0].weight: -5 (expected: >= 0)",
            "backends[1].address: missing (expected: host:port)",
            "backends[2].wieght: unknown key (expected one of: address, weight)",
            "limits.maxCalls: \"lots\" (expected: an integer)");
  }

  @Test
  void anUnknownKeyBesideABadValueLeavesTheBadValuesPathAlone() throws IOException {
    assertThat(
            problemsOf("backends:\n  - {weight: -5, colour: red}\n  - {colour: red, weight: -6}\n"))
        .containsExactlyInAnyOrder(
            "backends[0].colour: unknown key (expected one of: address, weight)",
            "backends[0].address: missing (expected: host:port)",
            "backends[1].colour: unknown key (expected one of: address, weight)",
            "backends[1].address: missing (expected: host:port)");
  }

  @Test
  void aRecordsOwnChecksAreAllReportedWhenItsValuesParsed() throws IOException {
    assertThat(problemsOf("port: 70000\ntimeout: 0s\n"))
        .containsExactly("port: 70000 (expected: 0..65535)", "timeout: 0s (expected: > 0)");
  }

  @Test
  void aFileThatIsNotYamlOrNotAMappingIsNamed() throws IOException {
    Path notYaml = write("port: [1\n");
    Path list = write("- 1\n- 2\n");

    assertThatThrownBy(() -> ConfigBinder.of(Server.class).file(notYaml).bind())
        .hasMessageContaining(notYaml.toString());
    assertThatThrownBy(() -> ConfigBinder.of(Server.class).file(list).bind())
        .hasMessageContaining(list + ": expected a mapping");
    assertThatThrownBy(() -> ConfigBinder.of(Server.class).file(dir.resolve("absent.yaml")).bind())
        .hasMessageContaining("absent.yaml: no such file");
  }

  @Test
  void anEmptyFileSetsNothing() throws IOException {
    assertThat(ConfigBinder.of(Server.class).file(write("")).bind().value().port()).isEqualTo(8500);
  }

  @Test
  void aFlagForAnUnknownKeyIsNamed() {
    assertThatThrownBy(
            () -> ConfigBinder.of(Server.class).value("limits.maxCals", "3", Source.FLAG).bind())
        .hasMessageContaining("limits.maxCals: unknown key (expected one of: maxCalls, sizes)");
  }

  /** The problems found in a file holding {@code yaml}, bound to {@link Server}. */
  private List<String> problemsOf(String yaml) throws IOException {
    ConfigBinder<Server> binder = ConfigBinder.of(Server.class).file(write(yaml));
    try {
      binder.bind();
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected the configuration to be refused");
  }

  private Path write(String yaml) throws IOException {
    Path file = Files.createTempFile(dir, "config", ".yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
