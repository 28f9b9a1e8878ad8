package io.infergate.infer.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infergate.infer.gateway.testing.AdminPlane;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.proto.admin.v1.RampState;
import io.infergate.infer.proto.admin.v1.VariantState;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in headless Chromium against a real gateway's admin port: a viewer sees the route and
 * no actions; an operator changes the weights through the form, which the gRPC API then shows; a
 * write based on a revision someone else has moved on says so; a ramp started from the page runs
 * and shows its progress. The screenshot goes to {@code target/console.png}, and to the path in
 * system property {@code console.screenshot} when set (the README's {@code docs/console.png} is
 * taken so). Skipped with a message without Chromium.
 */
class ConsoleBrowserIT {
  @TempDir Path dir;
  @RegisterExtension final TestBed bed = new TestBed(Transport.loopback());

  @Test
  void anOperatorChangesWeightsThroughThePage() throws Exception {
    AdminPlane gateway =
        AdminPlane.start(bed, dir, bed.backend("stable"), 90, bed.backend("canary"), 10);
    AtomicBoolean loading = new AtomicBoolean(true);
    Thread load = traffic(bed.client(gateway.gateway()), loading);
    try (HeadlessChromium chromium = HeadlessChromium.start(dir, 1280, 900)) {
      chromium.navigate("http://127.0.0.1:" + gateway.adminPort() + "/");

      signIn(chromium, AdminPlane.VIEWER);
      awaitTrue(chromium, "document.querySelector('tr[data-variant=\"canary\"]') !== null");
      assertThat(chromium.evaluate("document.getElementById('role').textContent").asText())
          .isEqualTo("vera (viewer, read only)");
      assertThat(chromium.evaluate("document.querySelectorAll('.actions form').length").asInt())
          .isZero();
      assertThat(text(chromium, "tr[data-variant=\"canary\"] td.weight")).isEqualTo("10");

      chromium.evaluate("document.getElementById('sign-out').click()");
      signIn(chromium, AdminPlane.OPERATOR);
      awaitTrue(chromium, "document.querySelector('input[data-variant=\"canary\"]') !== null");
      setWeightsInForm(chromium, 65, 35, "canary to 35 from the console");

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> weights(gateway).equals(Map.of("stable", 65, "canary", 35)));
      awaitTrue(
          chromium,
          "document.querySelector('tr[data-variant=\"canary\"] td.weight')?.textContent === '35'");
      assertThat(text(chromium, "#notice")).contains("committed as revision");

      // Someone else writes between the page's last read and its write.
      chromium.evaluate("clearInterval(state.timer)");
      long revision = gateway.client(AdminPlane.VIEWER).routes().getRevision();
      gateway
          .client(AdminPlane.ADMIN)
          .setWeights("digits", Map.of("stable", 70, "canary", 30), revision, "meanwhile");
      setWeightsInForm(chromium, 50, 50, "too late");
      awaitTrue(
          chromium,
          "document.getElementById('notice').textContent.includes('someone changed it: reloaded')");
      assertThat(weights(gateway)).isEqualTo(Map.of("stable", 70, "canary", 30));
      awaitTrue(
          chromium,
          "document.querySelector('tr[data-variant=\"canary\"] td.weight')?.textContent === '30'");

      // The picture for the README: the operator's write committed, the live refresh running.
      setWeightsInForm(chromium, 75, 25, "canary to 25");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> weights(gateway).equals(Map.of("stable", 75, "canary", 25)));
      chromium.evaluate("state.timer = setInterval(refresh, REFRESH_MS); refresh()");
      awaitTrue(
          chromium,
          "document.querySelector('tr[data-variant=\"canary\"] td.weight')?.textContent === '25'");
      chromium.evaluate(
          """
          (() => {
            const form = document.querySelector('form[data-action="StartRamp"]');
            form.querySelector('input[name="steps"]').value = '5, 25, 50, 100';
            form.querySelector('input[name="hold"]').value = '120';
            form.querySelector('button[data-action="StartRamp"]').click();
          })()""");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  gateway.client(AdminPlane.VIEWER).routes().getRoutes(0).getRamp().getPhase()
                      == RampState.Phase.RUNNING);
      assertThat(weights(gateway)).isEqualTo(Map.of("stable", 95, "canary", 5));
      awaitTrue(chromium, "document.querySelector('.ramp .phase')?.textContent === 'RUNNING'");
      byte[] png = chromium.screenshot();
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      assertThat(image.getWidth()).isEqualTo(1280);
      assertThat(image.getHeight()).isGreaterThan(300);
      Files.write(Path.of("target", "console.png"), png);
      String copy = System.getProperty("console.screenshot");
      if (copy != null && !copy.isBlank()) {
        Files.write(Path.of(copy), png);
      }
    } finally {
      loading.set(false);
      load.join();
    }
  }

  private static void signIn(HeadlessChromium chromium, String token) throws Exception {
    awaitTrue(chromium, "!document.getElementById('sign-in-form').hidden");
    chromium.evaluate(
        "document.getElementById('token').value = '"
            + token
            + "'; document.getElementById('sign-in').click()");
  }

  /** Types the weights into the operator's form, as a person would, and presses its button. */
  private static void setWeightsInForm(
      HeadlessChromium chromium, int stable, int canary, String reason) throws Exception {
    chromium.evaluate(
        """
        (() => {
          const form = document.querySelector('form[data-action="SetWeights"]');
          for (const [variant, weight] of [['stable', %d], ['canary', %d]]) {
            const input = form.querySelector(`input[data-variant="${variant}"]`);
            input.value = weight;
            input.dispatchEvent(new Event('input', {bubbles: true}));
          }
          form.querySelector('input[name="reason"]').value = '%s';
          form.querySelector('button[data-action="SetWeights"]').click();
        })()"""
            .formatted(stable, canary, reason));
  }

  private static void awaitTrue(HeadlessChromium chromium, String condition) {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> chromium.evaluate("Boolean(" + condition + ")").asBoolean());
  }

  private static String text(HeadlessChromium chromium, String selector) throws Exception {
    return chromium
        .evaluate("document.querySelector('" + selector.replace("'", "\\'") + "').textContent")
        .asText();
  }

  private static Map<String, Integer> weights(AdminPlane gateway) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (VariantState v :
        gateway.client(AdminPlane.VIEWER).routes().getRoutes(0).getVariantsList()) {
      weights.put(v.getName(), v.getWeight());
    }
    return weights;
  }

  /** Calls on the data port until {@code loading} is false, for live figures on the page. */
  private static Thread traffic(GatewayClient client, AtomicBoolean loading) {
    Thread load =
        new Thread(
            () -> {
              while (loading.get()) {
                client.infer("digits", Map.of());
              }
            },
            "console-traffic");
    load.start();
    return load;
  }
}
