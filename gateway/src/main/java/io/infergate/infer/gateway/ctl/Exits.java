package io.infergate.infer.gateway.ctl;

import io.grpc.Status;

/**
 * gatewayctl's exit codes, one per thing a script does next: fix the call (2, 5), fix the
 * credentials (3), read again and retry (4), wait for the gateway (6). Listed in {@code --help} and
 * the README.
 */
final class Exits {
  static final int OK = 0;
  static final int FAILED = 1;

  /** picocli's own code for bad usage, and ours for unusable flag values such as a TLS file. */
  static final int USAGE = 2;

  static final int DENIED = 3;
  static final int CONFLICT = 4;
  static final int REFUSED = 5;
  static final int UNREACHABLE = 6;

  private Exits() {}

  /** The exit code for a call that failed with {@code code}. */
  static int of(Status.Code code) {
    return switch (code) {
      case OK -> OK;
      case UNAUTHENTICATED, PERMISSION_DENIED -> DENIED;
      case FAILED_PRECONDITION -> CONFLICT;
      case INVALID_ARGUMENT, NOT_FOUND -> REFUSED;
      case UNAVAILABLE, DEADLINE_EXCEEDED -> UNREACHABLE;
      default -> FAILED;
    };
  }
}
