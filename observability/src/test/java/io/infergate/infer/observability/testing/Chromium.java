package io.infergate.infer.observability.testing;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium for the checks that only a browser can make (the gateway's console, the load
 * test's HTML report): where it is installed, and the flags that keep a run quiet and its own.
 */
public final class Chromium {
  private static final List<String> INSTALLED_AT =
      List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");

  private Chromium() {}

  /**
   * {@code $CHROMIUM} if set, else the first browser installed; aborts the calling test, saying it
   * skips {@code check}, when there is none (Debian: {@code apt-get install -y chromium}).
   */
  public static String find(String check) {
    List<String> candidates = new ArrayList<>();
    String env = System.getenv("CHROMIUM");
    if (env != null && !env.isBlank()) {
      candidates.add(env);
    }
    candidates.addAll(INSTALLED_AT);
    for (String candidate : candidates) {
      if (new File(candidate).canExecute()) {
        return candidate;
      }
    }
    Assumptions.abort(
        "headless Chromium not installed (apt-get install -y chromium); skipping " + check);
    throw new AssertionError("unreachable");
  }

  /**
   * The command line of a headless {@code chromium} with its own {@code profile}: no sandbox (tests
   * may run as root), GPU, QUIC, first-run pages or background traffic; then {@code args}.
   */
  public static List<String> command(String chromium, Path profile, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    return command;
  }
}
