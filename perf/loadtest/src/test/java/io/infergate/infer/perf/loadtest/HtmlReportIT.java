package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.observability.testing.Chromium;
import io.infergate.infer.perf.loadtest.testing.TestServer;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders the HTML report in headless Chromium (Debian package {@code chromium}; the test is
 * skipped with a message when it is absent) and checks that the charts are there and drawn.
 */
class HtmlReportIT {
  private static final String[] CHARTS = {
    "chart-histogram",
    "chart-percentiles",
    "chart-latency-time",
    "chart-rate-time",
    "chart-variants"
  };

  @TempDir static Path tmp;
  private static Path report;
  private static String html;

  @BeforeAll
  static void writeReport() throws Exception {
    report = tmp.resolve("report.html");
    try (TestServer server = TestServer.start().withVariants()) {
      Cli.Result r =
          Cli.infer(
              server.target(),
              "-d",
              "{\"model_name\":\"html\"}",
              "--open-loop",
              "--rps",
              "200",
              "-z",
              "2s",
              "--name",
              "html-test",
              "-O",
              "html",
              "-o",
              report.toString());
      assertThat(r.exitCode()).as(r.err()).isZero();
    }
    html = Files.readString(report);
  }

  @Test
  void isSelfContained() {
    assertThat(html).startsWith("<!DOCTYPE html>");
    assertThat(html).doesNotContain("<script", "<link", "src=", "href=", "@import", "url(");
    assertThat(html.replace("http://www.w3.org/2000/svg", ""))
        .doesNotContain("http://", "https://");
    for (String id : CHARTS) {
      assertThat(html).contains("id=\"" + id + "\"");
    }
  }

  @Test
  void rendersWithChartsInHeadlessChromium() throws Exception {
    String chromium = Chromium.find("the browser rendering check");
    String dom =
        new String(
            runChromium(chromium, "--dump-dom", report.toUri().toString()), StandardCharsets.UTF_8);
    assertThat(dom).contains("<h1>html-test</h1>");
    assertThat(count(dom, "<svg class=\"chart\"")).isEqualTo(CHARTS.length);
    for (String id : CHARTS) {
      Matcher m =
          Pattern.compile("<svg class=\"chart\" id=\"" + id + "\".*?</svg>", Pattern.DOTALL)
              .matcher(dom);
      assertThat(m.find()).as(id).isTrue();
      String svg = m.group();
      assertThat(count(svg, "<rect class=\"bar\"") + count(svg, "<polyline class=\"line\""))
          .as(id)
          .isPositive();
    }
    assertThat(count(dom, "<rect class=\"bar\"")).isGreaterThan(10);

    Path png = tmp.resolve("shot.png");
    runChromium(
        chromium, "--window-size=1100,3000", "--screenshot=" + png, report.toUri().toString());
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img).isNotNull();
    // the first series' colour (#1f77b4) fills the bars and draws the lines: count its pixels
    int blue = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        if (Math.abs(((rgb >> 16) & 0xff) - 0x1f) < 12
            && Math.abs(((rgb >> 8) & 0xff) - 0x77) < 12
            && Math.abs((rgb & 0xff) - 0xb4) < 12) {
          blue++;
        }
      }
    }
    assertThat(blue).isGreaterThan(5_000);
  }

  private static byte[] runChromium(String chromium, String... args) throws Exception {
    Path profile = Files.createTempDirectory(tmp, "chromium-profile");
    List<String> cmd = Chromium.command(chromium, profile, args);
    Path log = tmp.resolve("chromium-" + System.nanoTime() + ".log");
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    assertThat(p.exitValue()).as(Files.readString(log)).isZero();
    return out;
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
