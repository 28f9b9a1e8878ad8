package io.infergate.infer.gateway.proxy;

import java.io.IOException;

/**
 * A request body names a model longer than the gateway reads. Its message names the field and the
 * limit, never the name itself, which would put up to a whole message into a status description.
 */
final class ModelNameTooLongException extends IOException {
  private static final long serialVersionUID = 1L;

  ModelNameTooLongException(String field, int lengthBytes, int maxBytes) {
    super(field + " is " + lengthBytes + " bytes long (expected: at most " + maxBytes + " bytes)");
  }

  /** A refusal of the caller's input, not a fault here: no stack trace to fill. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
