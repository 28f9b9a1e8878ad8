package io.infergate.infer.gateway.testing;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The routes most tests run, as YAML items of a {@code routes:} list (indented as {@link
 * TestBed#routesConfig} expects): written once, so that a test names only what it varies. Settings
 * are YAML lines of the route, such as {@code breaker: {minimumCalls: 3}}; a setting may span lines
 * ({@link #OVERRIDABLE}).
 */
public final class Routes {
  /** Lets any caller pick a variant with the {@code x-variant-override} header. */
  public static final String OVERRIDABLE =
      "overrideHeader: x-variant-override\noverrideAllow: {anyCaller: true}";

  /** Keeps the route's breaker closed and its endpoints in, so that a test sees every attempt. */
  public static final String NEVER_TRIPS =
      "breaker: {minimumCalls: 1000}\noutlier: {consecutiveFailures: 1000}";

  private Routes() {}

  /** Route {@code model} to {@code backend} alone, its one variant named as the backend. */
  public static String sole(String model, FakeBackend backend, String... settings) {
    return """
          - model: %s
            variants:
              - {name: %s, weight: 1, endpoints: ["%s"]}
        """
            .formatted(model, backend.name(), backend.endpoint())
        + lines(settings);
  }

  /**
   * Route {@code model} split between {@code first} and {@code second} by weight, each variant
   * named as its backend, with {@code settings}.
   */
  public static String split(
      String model,
      FakeBackend first,
      int firstWeight,
      FakeBackend second,
      int secondWeight,
      String... settings) {
    return """
          - model: %s
            variants:
              - {name: %s, weight: %d, endpoints: ["%s"]}
              - {name: %s, weight: %d, endpoints: ["%s"]}
        """
            .formatted(
                model,
                first.name(),
                firstWeight,
                first.endpoint(),
                second.name(),
                secondWeight,
                second.endpoint())
        + lines(settings);
  }

  /**
   * Route {@code model} split evenly between {@code first} and {@code second}, either of which a
   * caller may pick by name with the {@code x-variant-override} header ({@link #OVERRIDABLE}).
   */
  public static String either(
      String model, FakeBackend first, FakeBackend second, String... settings) {
    String[] overridable = new String[settings.length + 1];
    overridable[0] = OVERRIDABLE;
    System.arraycopy(settings, 0, overridable, 1, settings.length);
    return split(model, first, 1, second, 1, overridable);
  }

  /** Route {@code model} with one variant, named as the model, on all of {@code endpoints}. */
  public static String spread(String model, List<FakeBackend> endpoints, String... settings) {
    return """
          - model: %s
            variants:
              - {name: %1$s, weight: 1, endpoints: [%s]}
        """
            .formatted(
                model,
                endpoints.stream()
                    .map(backend -> "\"" + backend.endpoint() + "\"")
                    .collect(Collectors.joining(", ")))
        + lines(settings);
  }

  private static String lines(String... settings) {
    StringBuilder yaml = new StringBuilder();
    for (String setting : settings) {
      setting.lines().forEach(line -> yaml.append("    ").append(line).append('\n'));
    }
    return yaml.toString();
  }
}
