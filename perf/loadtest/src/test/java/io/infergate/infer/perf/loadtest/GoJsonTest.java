package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoJsonTest {
  /** {@code go}: encoding/json's float format, strconv's 'g' ({@code %g}) or fmt's {@code %v}. */
  @ParameterizedTest(name = "{0}({1}) = {2}")
  @CsvSource({
    "json, 0, 0",
    "json, 1, 1",
    "json, 1156.34, 1156.34",
    "json, 0.02540428, 0.02540428",
    "json, 0.0000001, 1e-7",
    "json, 1e21, 1e+21",
    "json, 123456789.0, 123456789",
    "json, -2.5, -2.5",
    "g, 200, 200",
    "g, 1.126828629e9, 1.126828629e+09",
    "g, 177.48927818552966, 177.48927818552966",
    "g, 0.1814464911, 0.1814464911",
    "g, 1e6, 1e+06",
    "g, 0.00001, 1e-05",
    "v, 20, 20",
    "v, 1e6, 1e+06"
  })
  void formatsFloatsAsGoDoes(String go, double value, String expected) {
    String actual =
        switch (go) {
          case "json" -> GoJson.floatString(value);
          case "g" -> GoJson.gFormat(value);
          default -> GoJson.vFormat(value);
        };
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void escapesHtmlCharactersAndSortsMapKeysAsGoDoes() throws Exception {
    assertThat(GoJson.quote("a<b>&\"\n")).isEqualTo("\"a\\u003cb\\u003e\\u0026\\\"\\n\"");
    assertThat(GoJson.quote("\\\r\t\u2028\u0001é")).isEqualTo("\"\\\\\\r\\t\\u2028\\u0001é\"");
    String any =
        new GoJson()
            .any(new ObjectMapper().readTree("{\"z\":1,\"a\":[2.5,\"x\",true,null]}"))
            .toString();
    assertThat(any).isEqualTo("{\"a\":[2.5,\"x\",true,null],\"z\":1}");
    assertThat(new GoJson().counts(Map.of("OK", 3, "Internal", 1)).toString())
        .isEqualTo("{\"Internal\":1,\"OK\":3}");
  }

  @Test
  void indentsAsJsonIndentDoes() {
    assertThat(GoJson.indent("{\"a\":{},\"b\":[1,2],\"c\":{\"d\":\"x,y:{\"}}"))
        .isEqualTo(
            "{\n  \"a\": {},\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": {\n    \"d\": \"x,y:{\"\n  }\n}");
  }
}
