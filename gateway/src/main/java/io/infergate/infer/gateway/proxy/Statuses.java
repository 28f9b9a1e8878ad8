package io.infergate.infer.gateway.proxy;

import io.grpc.Deadline;
import io.grpc.Status;
import java.util.concurrent.TimeUnit;

/**
 * Statuses the gateway itself originates. Everything a model server answers passes through
 * unchanged; only failures that happen here (no route, unreadable body, no reachable endpoint) are
 * made here, and each names the model and why.
 */
final class Statuses {
  /**
   * The most characters of caller data (such as a model name with no route) that a description
   * quotes: enough to recognise it, too few to make a status a channel for the caller's payload.
   */
  static final int MAX_QUOTED_CHARS = 128;

  private static final Status MESSAGE_TOO_LARGE =
      Status.RESOURCE_EXHAUSTED.withDescription(
          "the request message is larger than the gateway's maxInboundMessageBytes once"
              + " decompressed");

  private Statuses() {}

  static Status noRoute(String model) {
    return model.isEmpty()
        ? Status.INVALID_ARGUMENT.withDescription(
            "the request names no model (OIP model_name / name, TF Serving model_spec.name)")
        : Status.NOT_FOUND.withDescription("no route for model " + quote(model));
  }

  /**
   * The caller sent the override header but is not among those the route allows, and the route
   * refuses such calls rather than ignore the header. Says which header, never what proof was
   * expected.
   */
  static Status overrideDenied(String model, String overrideHeader) {
    return Status.PERMISSION_DENIED.withDescription(
        "model '"
            + model
            + "': this caller may not use the "
            + overrideHeader
            + " header; send the call without it");
  }

  /**
   * The body could not be read: malformed, or refused by the peek's bounds (a name too long, too
   * many fields, a routing field repeated).
   */
  static Status malformedBody(Exception e) {
    return e instanceof RefusedBodyException
        ? Status.INVALID_ARGUMENT.withDescription(e.getMessage())
        : Status.INVALID_ARGUMENT.withDescription("malformed request body: " + e.getMessage());
  }

  /**
   * {@code callerText} in quotes as a description may show it: whole up to {@link
   * #MAX_QUOTED_CHARS}, else its start and how long it was.
   */
  static String quote(String callerText) {
    if (callerText.length() <= MAX_QUOTED_CHARS) {
      return "'" + callerText + "'";
    }
    int end =
        Character.isHighSurrogate(callerText.charAt(MAX_QUOTED_CHARS - 1))
            ? MAX_QUOTED_CHARS - 1
            : MAX_QUOTED_CHARS;
    return "'"
        + callerText.substring(0, end)
        + "...' ("
        + callerText.length()
        + " characters, truncated)";
  }

  /** A request message that inflated past the gateway's limit; grpc-java read no more of it. */
  static Status messageTooLarge() {
    return MESSAGE_TOO_LARGE;
  }

  static Status noMessage() {
    return Status.INVALID_ARGUMENT.withDescription(
        "the call ended without a request message to route by");
  }

  /** The gateway itself failed to start or feed the forwarded call: a bug, never the caller's. */
  static Status forwardingFailed(VariantTarget variant, String model, Throwable cause) {
    return Status.INTERNAL
        .withDescription(
            "variant '"
                + variant.name
                + "' of model '"
                + model
                + "': the gateway failed to forward the call: "
                + cause)
        .withCause(cause);
  }

  /** The route has as many calls in flight as it admits. */
  static Status routeFull(String model, int max) {
    return Status.RESOURCE_EXHAUSTED.withDescription(
        "model '"
            + model
            + "' has "
            + max
            + " calls in flight, its limit; retry after the pushback");
  }

  /** Every variant that could serve the call has its bulkhead full. */
  static Status variantsFull(String model, CharSequence skipped) {
    return Status.RESOURCE_EXHAUSTED.withDescription(
        "every variant of model '"
            + model
            + "' is at its limit of calls in flight ("
            + skipped
            + "); retry after the pushback");
  }

  /** No variant could take the call: breakers open, endpoints down or ejected. */
  static Status noHealthyBackend(String model, CharSequence skipped) {
    return Status.UNAVAILABLE.withDescription(
        "no healthy backend for model '" + model + "' (" + skipped + ")");
  }

  /**
   * Every variant's breaker was open, and the attempt sent past them (panic) never reached a model
   * either.
   */
  static Status noHealthyBackend(
      String model, CharSequence skipped, VariantTarget variant, int endpoint, Status last) {
    return Status.UNAVAILABLE.withDescription(
        "no healthy backend for model '"
            + model
            + "' ("
            + skipped
            + "; sent past the open breakers to "
            + variant.name
            + " at "
            + variant.endpoint(endpoint)
            + ": "
            + last.getDescription()
            + ")");
  }

  /** The call's remaining time is below every variant's median latency: it would not finish. */
  static Status deadlineTooShort(String model, Deadline deadline, CharSequence skipped) {
    return Status.DEADLINE_EXCEEDED.withDescription(
        "model '"
            + model
            + "': "
            + deadline.timeRemaining(TimeUnit.MILLISECONDS)
            + " ms left is less than the median latency of every variant ("
            + skipped
            + "); not sent");
  }

  /** The deadline passed between attempts. */
  static Status deadlineExceeded(String model, int attempts) {
    return Status.DEADLINE_EXCEEDED.withDescription(
        "model '" + model + "': deadline exceeded after " + attempts + " attempt(s)");
  }

  static Status endpointUnavailable(
      VariantTarget variant, int endpoint, String model, Status cause) {
    return Status.UNAVAILABLE
        .withDescription(
            "variant '"
                + variant.name
                + "' of model '"
                + model
                + "': endpoint "
                + variant.endpoint(endpoint)
                + " unavailable: "
                + cause.getDescription())
        .withCause(cause.getCause());
  }
}
