package io.infergate.infer.gateway.proxy;

import io.grpc.Status;

/**
 * Statuses the gateway itself originates. Everything a model server answers passes through
 * unchanged; only failures that happen here (no route, unreadable body, no reachable endpoint) are
 * made here.
 */
final class Statuses {
  private Statuses() {}

  static Status noRoute(String model) {
    return model.isEmpty()
        ? Status.INVALID_ARGUMENT.withDescription(
            "the request names no model (OIP model_name / name, TF Serving model_spec.name)")
        : Status.NOT_FOUND.withDescription("no route for model '" + model + "'");
  }

  static Status malformedBody(Exception e) {
    return Status.INVALID_ARGUMENT.withDescription("malformed request body: " + e.getMessage());
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
                + variant.name()
                + "' of model '"
                + model
                + "': the gateway failed to forward the call: "
                + cause)
        .withCause(cause);
  }

  static Status variantUnavailable(VariantTarget variant, String model) {
    return Status.UNAVAILABLE.withDescription(
        "variant '"
            + variant.name()
            + "' of model '"
            + model
            + "': no endpoint reachable "
            + variant.endpoints());
  }

  static Status endpointUnavailable(
      VariantTarget variant, int endpoint, String model, Status cause) {
    return Status.UNAVAILABLE
        .withDescription(
            "variant '"
                + variant.name()
                + "' of model '"
                + model
                + "': endpoint "
                + variant.endpoint(endpoint)
                + " unavailable: "
                + cause.getDescription())
        .withCause(cause.getCause());
  }
}
