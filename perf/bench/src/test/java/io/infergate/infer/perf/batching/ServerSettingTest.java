package io.infergate.infer.perf.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerSettingTest {
  @TempDir Path dir;

  @Test
  void splitsAtTheFirstEqualsSign() {
    ServerSetting setting = ServerSetting.parse(" a b = {monitoring: {flagThreshold: 0.5}}=x");

    assertThat(setting.name()).isEqualTo("a b");
    assertThat(setting.yaml()).isEqualTo("{monitoring: {flagThreshold: 0.5}}=x");
    assertThat(setting.fileName()).isEqualTo("a-b");
  }

  @Test
  void refusesTextWithoutANameOrAnEqualsSign() {
    assertThatThrownBy(() -> ServerSetting.parse("{telemetry: {}}"))
        .hasMessageStartingWith("\"{telemetry: {}}\" (expected: NAME=YAML");
    assertThatThrownBy(() -> ServerSetting.parse(" ={}"))
        .hasMessage("name: \"\" (expected: NAME=YAML with a name)");
  }

  @Test
  void tracingSettingExportsToTheSinkOverHttp() throws Exception {
    ServerSetting setting = ServerSetting.metricsAndTracing(0.01);

    List<String> args = setting.serverArgs(dir, "http://127.0.0.1:4318");

    assertThat(setting.name()).isEqualTo("metrics + 1 % tracing");
    assertThat(setting.needsSink()).isTrue();
    assertThat(args)
        .containsExactly(
            "--batching", "--config", dir.resolve("metrics-1-tracing.yaml").toString());
    assertThat(Files.readString(Path.of(args.get(2))))
        .isEqualTo(
            "{telemetry: {metricsPort: 0, traceSampleRatio: 0.01, otlpEndpoint:"
                + " http://127.0.0.1:4318, otlpProtocol: http/protobuf}}\n");
  }

  @Test
  void telemetryOffNeedsNoSink() throws Exception {
    ServerSetting off = ServerSetting.telemetryOff();

    assertThat(off.needsSink()).isFalse();
    assertThat(Files.readString(Path.of(off.serverArgs(dir, null).get(2))))
        .isEqualTo("{telemetry: {metricsEnabled: false}}\n");
    assertThat(ServerSetting.metricsAndTracing(1.0).name()).isEqualTo("metrics + 100 % tracing");
    assertThat(ServerSetting.metricsAndTracing(0.005).name()).isEqualTo("metrics + 0.5 % tracing");
  }
}
