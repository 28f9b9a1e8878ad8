package io.infergate.infer.perf.loadtest;

/** Bad usage (unknown method, unparsable data, missing proto, conflicting flags): exit code 2. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message, null, false, false);
  }

  UsageException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
