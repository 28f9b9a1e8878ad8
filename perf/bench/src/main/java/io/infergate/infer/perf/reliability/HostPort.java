package io.infergate.infer.perf.reliability;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A server's address as a {@code --target HOST:PORT} flag gives it, split at the last colon so that
 * a bracketed IPv6 host keeps its own; it prints as it was given.
 */
record HostPort(String host, int port) {
  @Override
  public String toString() {
    return host + ":" + port;
  }

  /** picocli's converter: {@code @Option(names = "--target", converter = HostPort.Flag.class)}. */
  static final class Flag implements ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      int colon = value.lastIndexOf(':');
      try {
        if (colon > 0) {
          return new HostPort(
              value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
        }
      } catch (NumberFormatException e) {
        // reported below, as a value without a port is
      }
      throw new TypeConversionException(value + " (expected: HOST:PORT)");
    }
  }
}
