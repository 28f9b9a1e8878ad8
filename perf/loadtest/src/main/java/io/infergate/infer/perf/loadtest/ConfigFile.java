package io.infergate.infer.perf.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
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
 * ghz's {@code --config} file (JSON or TOML; keys are the long flag names, durations strings like
 * {@code "20s"}) as picocli defaults, so that flags on the command line override it.
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
    boolean toml = file.endsWith(".toml");
    JsonNode node;
    try {
      node = toml ? new TomlMapper().readTree(text) : new ObjectMapper().readTree(text);
    } catch (IOException e) {
      if (toml) {
        throw new UsageException("--config " + file + ": not TOML: " + firstLine(e.getMessage()));
      }
      try {
        node = new TomlMapper().readTree(text);
      } catch (IOException e2) {
        throw new UsageException(
            "--config " + file + ": neither JSON nor TOML: " + firstLine(e.getMessage()));
      }
    }
    if (node == null || !node.isObject()) {
      throw new UsageException("--config " + file + ": expected an object of flag names");
    }
    return new ConfigFile(node);
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
