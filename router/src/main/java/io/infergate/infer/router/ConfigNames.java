package io.infergate.infer.router;

import java.util.Locale;

/**
 * How config files and the admin API name an enum's constants: the constant's name in lower case
 * ({@code round_robin}, {@code refuse}, {@code operator}), so that every enum a user types is read
 * and reported the same way.
 */
public final class ConfigNames {
  private ConfigNames() {}

  /** The name a config file uses for {@code value}. */
  public static String of(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /**
   * The one of {@code values} named {@code name}, exactly as {@link #of} spells it; null if none is
   * (or {@code name} is null).
   */
  public static <E extends Enum<E>> E find(E[] values, String name) {
    for (E value : values) {
      if (of(value).equals(name)) {
        return value;
      }
    }
    return null;
  }
}
