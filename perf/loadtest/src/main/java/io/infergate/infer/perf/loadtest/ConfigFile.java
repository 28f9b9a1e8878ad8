package io.infergate.infer.perf.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * ghz's {@code --config} file (JSON, TOML or YAML; keys are the long flag names, durations strings
 * like {@code "20s"}) as picocli defaults, so that flags on the command line override it.
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
  private final JsonNode root;

  private ConfigFile(JsonNode root) {
    this.root = root;
  }

  /** The {@code --config} value in {@code args}, or null. */
  static String find(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith("--config=")) {
        return args[i].substring("--config=".length());
      }
    }
    return null;
  }

  static ConfigFile load(String file) {
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new UsageException("--config " + file + ": no such file");
    }
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new UsageException("--config " + file + ": " + e.getMessage());
    }
    JsonNode node = parse(file, text);
    if (node == null || !node.isObject()) {
      throw new UsageException("--config " + file + ": expected an object of flag names");
    }
    return new ConfigFile(node);
  }

  /**
   * The file's tree, read as ghz's config loader (configor) reads it: by extension ({@code .yaml}
   * and {@code .yml} as YAML, {@code .toml} as TOML, {@code .json} as JSON), else whichever of
   * JSON, TOML and YAML parses.
   */
  private static JsonNode parse(String file, String text) {
    if (file.endsWith(".yaml") || file.endsWith(".yml")) {
      return read(new YAMLMapper(), "YAML", file, text);
    }
    if (file.endsWith(".toml")) {
      return read(new TomlMapper(), "TOML", file, text);
    }
    if (file.endsWith(".json")) {
      return read(new ObjectMapper(), "JSON", file, text);
    }
    List<ObjectMapper> mappers = List.of(new ObjectMapper(), new TomlMapper(), new YAMLMapper());
    for (ObjectMapper mapper : mappers) {
      try {
        JsonNode node = mapper.readTree(text);
        if (node != null && node.isObject()) {
          return node;
        }
      } catch (IOException e) {
        // not this format; the next one may fit
      }
    }
    throw new UsageException("--config " + file + ": neither JSON, TOML nor YAML");
  }

  private static JsonNode read(ObjectMapper mapper, String format, String file, String text) {
    try {
      return mapper.readTree(text);
    } catch (IOException e) {
      throw new UsageException(
          "--config " + file + ": not " + format + ": " + firstLine(e.getMessage()));
    }
  }

  /** Keys that name no flag (ghz ignores them too; we say so). */
  List<String> unknownKeys(CommandLine.Model.CommandSpec spec) {
    Set<String> names = new HashSet<>();
    names.add("host");
    for (OptionSpec o : spec.options()) {
      names.add(o.longestName().replaceFirst("^-+", ""));
    }
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!names.contains(k)) {
        unknown.add(k);
      }
    }
    return unknown;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    String key;
    if (arg instanceof OptionSpec) {
      key = ((OptionSpec) arg).longestName().replaceFirst("^-+", "");
    } else {
      key = "host";
    }
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isArray()) {
      List<String> parts = new ArrayList<>();
      v.forEach(x -> parts.add(x.isValueNode() ? x.asText() : x.toString()));
      return key.equals("data") ? v.toString() : String.join(",", parts);
    }
    if (v.isObject()) {
      return v.toString();
    }
    return v.asText();
  }

  private static String firstLine(String s) {
    int nl = s == null ? -1 : s.indexOf('\n');
    return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
  }
}
