package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** ghz's config files: JSON, TOML and YAML (by extension, as ghz's configor reads them). */
class ConfigFileTest {
  private static final String YAML =
      "call: a.B/C\n"
          + "insecure: true\n"
          + "total: 12\n"
          + "timeout: 5s\n"
          + "import-paths:\n  - x\n  - y\n"
          + "data:\n  model_name: from-yaml\n  inputs:\n    - name: a\n"
          + "host: 127.0.0.1:9\n";

  @TempDir Path tmp;

  private Options parse(Path config, String... more) {
    Options options = new Options();
    CommandLine cli = new CommandLine(options);
    cli.setDefaultValueProvider(ConfigFile.load(config.toString()));
    cli.parseArgs(Cli.concat(new String[] {"--config", config.toString()}, more));
    return options;
  }

  @Test
  void readsYamlFilesAsGhzDoes() throws Exception {
    for (String name : new String[] {"ghz.yaml", "ghz.yml", "ghz.conf"}) {
      Path file = tmp.resolve(name);
      Files.writeString(file, YAML);
      Options o = parse(file);
      assertThat(o.call).isEqualTo("a.B/C");
      assertThat(o.insecure).isTrue();
      assertThat(o.total).isEqualTo(12);
      assertThat(o.timeout).isEqualTo("5s");
      assertThat(o.importPaths).containsExactly("x", "y");
      assertThat(o.host).isEqualTo("127.0.0.1:9");
      assertThat(new ObjectMapper().readTree(o.data))
          .isEqualTo(
              new ObjectMapper()
                  .readTree("{\"model_name\":\"from-yaml\",\"inputs\":[{\"name\":\"a\"}]}"));
    }
  }

  @Test
  void flagsOverrideTheYamlFile() throws Exception {
    Path file = tmp.resolve("ghz.yaml");
    Files.writeString(file, YAML);
    assertThat(parse(file, "-n", "3").total).isEqualTo(3);
  }

  @Test
  void aBrokenYamlFileIsAUsageErrorNamingTheFormat() throws Exception {
    Path file = tmp.resolve("bad.yml");
    Files.writeString(file, "call: [unclosed\n");
    assertThatThrownBy(() -> ConfigFile.load(file.toString()))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("--config " + file + ": not YAML: ");
  }
}
