package io.infergate.infer.perf.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class HostPortTest {
  private final HostPort.Flag flag = new HostPort.Flag();

  @Test
  void splitsAtTheLastColonAndPrintsAsGiven() {
    HostPort v4 = flag.convert("127.0.0.1:4242");
    assertThat(v4).isEqualTo(new HostPort("127.0.0.1", 4242));
    assertThat(v4).hasToString("127.0.0.1:4242");
    HostPort v6 = flag.convert("[::1]:8500");
    assertThat(v6).isEqualTo(new HostPort("[::1]", 8500));
    assertThat(v6).hasToString("[::1]:8500");
  }

  @Test
  void aValueWithoutANumericPortIsRefusedNamingIt() {
    for (String bad : new String[] {"localhost", ":80", "localhost:http", "localhost:"}) {
      assertThatThrownBy(() -> flag.convert(bad))
          .isInstanceOf(TypeConversionException.class)
          .hasMessage(bad + " (expected: HOST:PORT)");
    }
  }
}
