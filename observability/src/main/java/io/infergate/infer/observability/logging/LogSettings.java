package io.infergate.infer.observability.logging;

import ch.qos.logback.classic.Level;
import io.infergate.infer.observability.config.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a process logs, read from two environment variables (not from the config file: logging starts
 * before the file is read, and must report the file's errors).
 *
 * <ul>
 *   <li>{@code LOG_FORMAT}: {@code text} (default), lines for a terminal; {@code json}, one JSON
 *       object a line.
 *   <li>{@code LOG_LEVEL}: comma-separated; a bare level sets the root logger, {@code logger=level}
 *       one logger and its children, e.g. {@code warn,io.infergate=info,io.grpc=debug}. Default
 *       {@code info}.
 * </ul>
 *
 * @param format how each line is written
 * @param rootLevel the level of every logger not named in {@code loggerLevels}
 * @param loggerLevels levels of named loggers, in the order given
 */
record LogSettings(Format format, Level rootLevel, Map<String, Level> loggerLevels) {
  static final String FORMAT_VARIABLE = "LOG_FORMAT";
  static final String LEVEL_VARIABLE = "LOG_LEVEL";

  /** How each line is written. */
  enum Format {
    TEXT,
    JSON
  }

  LogSettings {
    loggerLevels = Map.copyOf(loggerLevels);
  }

  static LogSettings defaults() {
    return new LogSettings(Format.TEXT, Level.INFO, Map.of());
  }

  /**
   * Reads {@code LOG_FORMAT} and {@code LOG_LEVEL}.
   *
   * @throws ConfigException listing every invalid value, each naming its variable
   */
  static LogSettings fromEnvironment(Map<String, String> environment) {
    List<String> problems = new ArrayList<>();
    Format format = Format.TEXT;
    String formatValue = environment.getOrDefault(FORMAT_VARIABLE, "").strip();
    if (!formatValue.isEmpty()) {
      try {
        format = Format.valueOf(formatValue.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add(FORMAT_VARIABLE + ": " + formatValue + " (expected: text or json)");
      }
    }
    Level root = Level.INFO;
    Map<String, Level> loggers = new LinkedHashMap<>();
    for (String entry : environment.getOrDefault(LEVEL_VARIABLE, "").split(",", -1)) {
      String item = entry.strip();
      if (item.isEmpty()) {
        continue;
      }
      int equals = item.indexOf('=');
      String logger = equals < 0 ? "" : item.substring(0, equals).strip();
      String levelName = equals < 0 ? item : item.substring(equals + 1).strip();
      Level level = levelNamed(levelName);
      if (level == null || (equals >= 0 && logger.isEmpty())) {
        problems.add(
            LEVEL_VARIABLE
                + ": "
                + item
                + " (expected: LEVEL or LOGGER=LEVEL, LEVEL one of trace, debug, info, warn, error,"
                + " off)");
      } else if (equals < 0) {
        root = level;
      } else {
        loggers.put(logger, level);
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new LogSettings(format, root, loggers);
  }

  private static Level levelNamed(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "trace" -> Level.TRACE;
      case "debug" -> Level.DEBUG;
      case "info" -> Level.INFO;
      case "warn" -> Level.WARN;
      case "error" -> Level.ERROR;
      case "off" -> Level.OFF;
      default -> null;
    };
  }
}
