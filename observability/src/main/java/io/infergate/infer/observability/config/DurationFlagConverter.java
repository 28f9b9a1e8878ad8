package io.infergate.infer.observability.config;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli's converter for a {@link Duration} flag in the one duration syntax ({@link Durations}):
 * {@code @Option(names = "--swap-every", converter = DurationFlagConverter.class)}.
 */
public final class DurationFlagConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
