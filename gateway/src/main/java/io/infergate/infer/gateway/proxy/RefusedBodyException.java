package io.infergate.infer.gateway.proxy;

import java.io.IOException;

/**
 * A well-formed request body the gateway will not route: it names a model (or version) longer than
 * the gateway reads, has more fields than the peek walks, or repeats a field the route is chosen
 * by. Its message names the field and the limit, never the caller's text, which would put up to a
 * whole message into a status description.
 */
final class RefusedBodyException extends IOException {
  private static final long serialVersionUID = 1L;

  private RefusedBodyException(String message) {
    super(message);
  }

  static RefusedBodyException tooLong(String field, int lengthBytes, int maxBytes) {
    return new RefusedBodyException(
        field + " is " + lengthBytes + " bytes long (expected: at most " + maxBytes + " bytes)");
  }

  static RefusedBodyException tooManyFields(int maxFields) {
    return new RefusedBodyException(
        "the request body has more than "
            + maxFields
            + " fields where the gateway looks for the model (expected: at most "
            + maxFields
            + ", the gateway's maxPeekedFields)");
  }

  static RefusedBodyException repeated(String field) {
    return new RefusedBodyException(
        field
            + " appears more than once in the request body (expected: at most once, as protobuf"
            + " encoders write it)");
  }

  /** A refusal of the caller's input, not a fault here: no stack trace to fill. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
