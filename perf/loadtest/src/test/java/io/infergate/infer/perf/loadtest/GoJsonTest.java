package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoJsonTest {
  @Test
  void formatsFloatsAsGoEncodingJsonDoes() {
    assertThat(GoJson.floatString(0)).isEqualTo("0");
    assertThat(GoJson.floatString(1)).isEqualTo("1");
    assertThat(GoJson.floatString(1156.34)).isEqualTo("1156.34");
    assertThat(GoJson.floatString(0.02540428)).isEqualTo("0.02540428");
    assertThat(GoJson.floatString(0.0000001)).isEqualTo("1e-7");
    assertThat(GoJson.floatString(1e21)).isEqualTo("1e+21");
    assertThat(GoJson.floatString(123456789.0)).isEqualTo("123456789");
    assertThat(GoJson.floatString(-2.5)).isEqualTo("-2.5");
  }

  @Test
  void formatsFloatsAsStrconvGAndFmtV() {
    assertThat(GoJson.gFormat(200)).isEqualTo("200");
    assertThat(GoJson.gFormat(1.126828629e9)).isEqualTo("1.126828629e+09");
    assertThat(GoJson.gFormat(177.48927818552966)).isEqualTo("177.48927818552966");
    assertThat(GoJson.gFormat(0.1814464911)).isEqualTo("0.1814464911");
    assertThat(GoJson.gFormat(1e6)).isEqualTo("1e+06");
    assertThat(GoJson.gFormat(0.00001)).isEqualTo("1e-05");
    assertThat(GoJson.vFormat(20)).isEqualTo("20");
    assertThat(GoJson.vFormat(1e6)).isEqualTo("1000000");
  }

  @Test
  void escapesHtmlCharactersAndSortsMapKeysAsGoDoes() throws Exception {
    assertThat(GoJson.quote("a<b>&\"\n")).isEqualTo("\"a\\u003cb\\u003e\\u0026\\\"\\n\"");
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
