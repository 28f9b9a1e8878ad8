package io.infergate.infer.observability.server;

/** The exit codes of our commands, documented in the README, the same for every command. */
public final class ExitCodes {
  /** Ran and stopped as asked. */
  public static final int OK = 0;

  /** Something failed while running (a load or benchmark that could not finish, say). */
  public static final int FAILED = 1;

  /** The configuration (file, flags or environment) is invalid; the message names every key. */
  public static final int BAD_CONFIG = 2;

  /** The address to listen on cannot be bound (in use, not ours, or no permission). */
  public static final int CANNOT_LISTEN = 3;

  private ExitCodes() {}
}
