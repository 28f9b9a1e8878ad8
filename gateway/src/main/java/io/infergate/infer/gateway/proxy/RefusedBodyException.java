package io.infergate.infer.gateway.proxy;

import java.io.IOException;

/**
 * A well-formed request body the gateway will not route: it names a model (or version) longer than
 * the gateway reads, has more fields than the peek walks, repeats a field the route is chosen by,
 * or (a later message of a stream) names another model than the first. Its message names the field
 * and the limit, and quotes the caller's text no further than {@link Statuses#quote} does, which
 * keeps a whole message out of a status description.
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

  /** A later message of a client stream names another model than the first, which routed it. */
  static RefusedBodyException otherModel(String routedBy) {
    return new RefusedBodyException(
        "a later message of the stream names another model (expected: "
            + Statuses.quote(routedBy)
            + ", which its first message named)");
  }

  /** A refusal of the caller's input, not a fault here: no stack trace to fill. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
