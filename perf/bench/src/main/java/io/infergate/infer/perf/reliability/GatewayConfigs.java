package io.infergate.infer.perf.reliability;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway configuration of each scenario, written as a user writes one today (no resilience
 * keys), so that the results can be read against the file that produced them and the docs can quote
 * it. {@code ${NAME}} stands for an address the suite knows only once it has started the servers:
 * {@code A}, {@code B}, {@code A1}..{@code A3} are model servers (or, for all-down, ports where
 * nothing listens), {@code DEAD} a port where nothing listens, {@code STALLED} the {@link
 * StalledBackend}.
 */
final class GatewayConfigs {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

  /**
   * kill9-canary, invalid-argument: digits v1 as stable, v2 as canary, 90/10; all-down: the same
   * file with nothing listening at {@code A} and {@code B}.
   */
  static final String CANARY =
      digitsRoute(
          "",
          "",
          """
          - {name: stable, weight: 90, endpoints: ["${A}"]}
          - {name: canary, weight: 10, endpoints: ["${B}"]}
          """);

  /** dead-endpoint: one of stable's two endpoints has nothing listening; once per policy. */
  static final String DEAD_ENDPOINT =
      digitsRoute(
          "",
          "",
          """
          - {name: stable, weight: 100, endpoints: ["${A}", "${DEAD}"], balance: ${BALANCE}}
          """);

  /**
   * stalled-canary: the canary accepts calls and never answers; its weight is 0 while the gateway
   * warms up, then 10 (a hot reload), so the stall meets a warm gateway that has not seen it yet.
   */
  static final String STALLED_CANARY =
      digitsRoute(
          "reloadCheckInterval: 1s\n",
          "",
          """
          - {name: stable, weight: 90, endpoints: ["${A}"]}
          - {name: canary, weight: ${CANARY_WEIGHT}, endpoints: ["${STALLED}"]}
          """);

  /**
   * overload: one model server behind one variant, the route admitting what the model server works
   * through in a few tens of milliseconds (it has two workers and batches of up to 64).
   */
  static final String OVERLOAD =
      digitsRoute(
          "",
          "limits: {maxInFlight: 128}\n",
          """
          - {name: stable, weight: 100, endpoints: ["${A}"]}
          """);

  /**
   * reload-under-load: rewritten every 2 s with {@code ${FIRST}}, {@code ${SECOND}} cycling through
   * A1+A2, A2+A3, A1+A3.
   */
  static final String RELOAD =
      digitsRoute(
          "reloadCheckInterval: 1s\n",
          "",
          """
          - {name: stable, weight: 100, endpoints: ["${FIRST}", "${SECOND}"]}
          """);

  /** reload-under-load: a file the gateway must refuse (a drain timeout past any bound). */
  static final String RELOAD_REFUSED =
      digitsRoute(
          "reloadCheckInterval: 1s\ndrainTimeout: 999999999999999999m\n",
          "",
          """
          - {name: stable, weight: 100, endpoints: ["${A1}", "${A2}"]}
          """);

  /**
   * reload-under-load: the good file after the refused one; the variant's new name shows in {@code
   * x-variant}, so answers prove the file is in force and that A3, its only endpoint, serves them.
   */
  static final String RELOAD_AFTER_REFUSED =
      digitsRoute(
          "reloadCheckInterval: 1s\n",
          "",
          """
          - {name: stable-a3, weight: 100, endpoints: ["${A3}"]}
          """);

  private GatewayConfigs() {}

  /**
   * The file a user writes for one route to {@code digits} on a gateway at 127.0.0.1 (port 0: any
   * free one): the scenarios differ only in the lines given here, so each constant states just
   * those.
   *
   * @param gatewayKeys top-level lines after {@code host} and {@code port}, each ending in a
   *     newline
   * @param routeKeys the route's lines before {@code variants}, unindented, each ending in a
   *     newline
   * @param variants the variants' list items, unindented
   */
  private static String digitsRoute(String gatewayKeys, String routeKeys, String variants) {
    return "host: 127.0.0.1\nport: 0\n"
        + gatewayKeys
        + "routes:\n  - model: digits\n"
        + routeKeys.indent(4)
        + "    variants:\n"
        + variants.indent(6);
  }

  /**
   * {@code template} with each {@code ${NAME}} replaced by {@code values.get(NAME)}.
   *
   * @throws IllegalArgumentException naming a placeholder that {@code values} lacks
   */
  static String render(String template, Map<String, String> values) {
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      if (value == null) {
        throw new IllegalArgumentException(
            "${" + matcher.group(1) + "}: no value (given: " + values.keySet() + ")");
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
