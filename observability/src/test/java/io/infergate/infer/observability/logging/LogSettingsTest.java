package io.infergate.infer.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import io.infergate.infer.observability.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogSettingsTest {
  @Test
  void withoutVariablesLinesAreTextAtInfo() {
    assertThat(LogSettings.fromEnvironment(Map.of())).isEqualTo(LogSettings.defaults());
  }

  @Test
  void readsTheFormatAndTheLevelOfTheRootAndOfNamedLoggers() {
    LogSettings settings =
        LogSettings.fromEnvironment(
            Map.of("LOG_FORMAT", "JSON", "LOG_LEVEL", "debug,io.grpc=warn, io.netty = ERROR,"));

    assertThat(settings.format()).isEqualTo(LogSettings.Format.JSON);
    assertThat(settings.rootLevel()).isEqualTo(Level.DEBUG);
    assertThat(settings.loggerLevels())
        .containsExactlyInAnyOrderEntriesOf(Map.of("io.grpc", Level.WARN, "io.netty", Level.ERROR));
  }

  @Test
  void reportsEveryInvalidValueNamingItsVariable() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                LogSettings.fromEnvironment(
                    Map.of("LOG_FORMAT", "xml", "LOG_LEVEL", "verbose,io.grpc=loud,=info")));

    assertThat(e.problems())
        .containsExactly(
            "LOG_FORMAT: xml (expected: text or json)",
            "LOG_LEVEL: verbose (expected: LEVEL or LOGGER=LEVEL, LEVEL one of trace, debug, info,"
                + " warn, error, off)",
            "LOG_LEVEL: io.grpc=loud (expected: LEVEL or LOGGER=LEVEL, LEVEL one of trace, debug,"
                + " info, warn, error, off)",
            "LOG_LEVEL: =info (expected: LEVEL or LOGGER=LEVEL, LEVEL one of trace, debug, info,"
                + " warn, error, off)");
  }
}
