package io.infergate.infer.router;

import java.time.Duration;
import java.util.List;

/**
 * Copies a fraction of a route's calls to one more variant, whose responses are dropped. This lets
 * a new model see production traffic and load before it serves anyone. Copies are bounded: at most
 * {@code maxInFlight} at once (more are dropped, never queued), each with its own {@code timeout},
 * so a slow shadow can never hold the gateway's resources for long.
 *
 * @param variant name of a variant of the same route; it may have weight 0, so it serves only
 *     copies
 * @param fraction share of calls copied, in (0, 1]
 * @param maxInFlight copies outstanding at most, in 1..1000000
 * @param timeout deadline of each copy, in (0, 1h]
 * @param headers the caller's headers a copy carries, an allowlist: a shadow is a model nobody has
 *     released, often run by another team, so credentials ({@code authorization}, cookies) reach it
 *     only when listed here; at most {@value #MAX_HEADERS} lower-case text header names, not {@code
 *     grpc-*} (grpc-java sets those itself; a copy's deadline is its own)
 */
public record Shadow(
    String variant, double fraction, int maxInFlight, Duration timeout, List<String> headers) {
  /** Headers copied when the config does not say: request ids and trace context, nothing secret. */
  public static final List<String> DEFAULT_HEADERS =
      List.of("x-request-id", "traceparent", "tracestate");

  /** Headers a shadow may list at most. */
  public static final int MAX_HEADERS = 64;

  /** Copies outstanding at most when the config does not say. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 64;

  /** Deadline of each copy when the config does not say. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Validates the shadow; that the variant exists is checked by the route.
   *
   * @throws IllegalArgumentException naming each bad field, if the variant is blank or a number out
   *     of range
   */
  public Shadow {
    check(variant, fraction, maxInFlight, timeout, headers).throwIfAny();
    headers = List.copyOf(headers);
  }

  /** A shadow that copies the {@link #DEFAULT_HEADERS}. */
  public Shadow(String variant, double fraction, int maxInFlight, Duration timeout) {
    this(variant, fraction, maxInFlight, timeout, DEFAULT_HEADERS);
  }

  /**
   * Returns the shadow a config file describes; null stands for a key the file leaves out, which
   * takes its default ({@link #DEFAULT_MAX_IN_FLIGHT}, {@link #DEFAULT_TIMEOUT}), except the
   * fraction, which is required.
   *
   * @throws IllegalArgumentException naming each bad field, all at once
   */
  public static Shadow of(String variant, Double fraction, Integer maxInFlight, Duration timeout) {
    return of(variant, fraction, maxInFlight, timeout, null);
  }

  /**
   * As {@link #of(String, Double, Integer, Duration)}, with the headers copies carry; null for the
   * {@link #DEFAULT_HEADERS}, empty for none.
   */
  public static Shadow of(
      String variant,
      Double fraction,
      Integer maxInFlight,
      Duration timeout,
      List<String> headers) {
    int max = maxInFlight == null ? DEFAULT_MAX_IN_FLIGHT : maxInFlight;
    Duration deadline = timeout == null ? DEFAULT_TIMEOUT : timeout;
    List<String> copied = headers == null ? DEFAULT_HEADERS : headers;
    check(variant, fraction, max, deadline, copied).throwIfAny();
    return new Shadow(variant, fraction, max, deadline, copied);
  }

  private static Problems check(
      String variant, Double fraction, int maxInFlight, Duration timeout, List<String> headers) {
    Problems problems = new Problems();
    if (headers == null) {
      problems.add("headers", null, "a list of header names");
    } else {
      if (headers.size() > MAX_HEADERS) {
        problems.describe("headers", headers.size() + " names", "at most " + MAX_HEADERS);
      }
      for (int i = 0; i < headers.size(); i++) {
        String name = headers.get(i);
        problems.check(
            name != null && Route.isHeaderName(name),
            "headers[" + i + "]",
            name,
            "a lower-case header name of a-z, 0-9, '-', '_' and '.', not grpc-* or *-bin");
      }
    }
    problems.nonBlank(variant, "variant");
    problems.check(
        fraction != null && fraction > 0 && fraction <= 1, "fraction", fraction, "> 0 and <= 1");
    problems.range(maxInFlight, "maxInFlight", 1, 1_000_000);
    problems.positive(timeout, "timeout");
    return problems;
  }
}
