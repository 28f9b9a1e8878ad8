package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** ghz's --stream-* flags: defaults, parsing, and bad values named by their flag. */
class StreamingFlagsTest {
  private static Settings read(String... flags) {
    Options options = new Options();
    new CommandLine(options)
        .parseArgs(
            Cli.concat(
                Cli.concat(new String[] {"--insecure", "--call", "a.B/C"}, flags), "127.0.0.1:1"));
    return SettingsReader.read(options, new ByteArrayInputStream(new byte[0]));
  }

  @Test
  void defaultsAreGhzs() {
    assertThat(read().streaming()).isEqualTo(Streaming.NONE);
  }

  @Test
  void readsEveryFlag() {
    Streaming s =
        read(
                "--stream-interval",
                "250ms",
                "--stream-call-duration",
                "1.5s",
                "--stream-call-count",
                "7",
                "--stream-dynamic-messages")
            .streaming();

    assertThat(s).isEqualTo(new Streaming(250_000_000L, 1_500_000_000L, 7, true));
  }

  @Test
  void dynamicMessagesTakesAnExplicitFalse() {
    assertThat(read("--stream-dynamic-messages=false").streaming().dynamicMessages()).isFalse();
  }

  @Test
  void badValuesNameTheirFlagAllAtOnce() {
    assertThatThrownBy(
            () ->
                read(
                    "--stream-interval",
                    "5 parsecs",
                    "--stream-call-duration",
                    "-1s",
                    "--stream-call-count",
                    "-3"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--stream-interval 5 parsecs")
        .hasMessageContaining("--stream-call-duration -1s")
        .hasMessageContaining("--stream-call-count -3 (expected: a whole number >= 0)");
  }

  @Test
  void aCountThatIsNotANumberNamesTheFlag() {
    assertThatThrownBy(() -> read("--stream-call-count", "many"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--stream-call-count many");
  }
}
