package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What ghz's report echoes of the flags, as SettingsReader types them. */
class SettingsReaderTest {
  @TempDir Path tmp;

  private static Settings read(byte[] stdin, String... args) {
    Options options = new Options();
    new CommandLine(options).parseArgs(args);
    return SettingsReader.read(options, new ByteArrayInputStream(stdin));
  }

  private static Settings read(String... args) {
    return read(new byte[0], args);
  }

  /** A rate schedule from 10 to 50 calls/s in steps of 5 every 7 s, plus {@code more} flags. */
  private static Settings readRateSchedule(String schedule, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--insecure",
                "--call",
                "a.B/C",
                "--load-schedule",
                schedule,
                "--load-start",
                "10",
                "--load-step",
                "5",
                "--load-end",
                "50",
                "--load-step-duration",
                "7s"));
    args.addAll(List.of(more));
    args.add("127.0.0.1:1");
    return read(args.toArray(String[]::new));
  }

  @Test
  void lineSchedulesEchoGhzsOneSecondStepWhateverWasGiven() {
    Settings s =
        readRateSchedule(
            "line",
            "--concurrency-schedule",
            "line",
            "--concurrency-start",
            "1",
            "--concurrency-end",
            "4");
    assertThat(s.load().rateFlags().stepNanos()).isEqualTo(1_000_000_000L);
    assertThat(s.load().concurrencyFlags().stepNanos()).isEqualTo(1_000_000_000L);
  }

  @Test
  void stepSchedulesEchoTheStepDurationAsGiven() {
    Settings s = readRateSchedule("step");
    assertThat(s.load().rateFlags().stepNanos()).isEqualTo(7_000_000_000L);
    assertThat(s.load().concurrencyFlags().stepNanos()).isZero();
  }

  @Test
  void binaryIsEchoedForBinaryFilesAndForBytesOnStdin() throws Exception {
    Path file = tmp.resolve("m.bin");
    Files.write(file, new byte[] {10, 1, 'a'});
    assertThat(
            read("--insecure", "--call", "a.B/C", "-B", file.toString(), "h:1").payload().binary())
        .isTrue();
    assertThat(read(new byte[] {10, 1, 'a'}, "--call", "a.B/C", "-b", "h:1").payload().binary())
        .isTrue();
    // ghz: -b with nothing on stdin leaves binary false (runner.WithBinaryData is not applied)
    assertThat(read(new byte[0], "--call", "a.B/C", "-b", "h:1").payload().binary()).isFalse();
    assertThat(read("--call", "a.B/C", "-d", "{}", "h:1").payload().binary()).isFalse();
  }
}
