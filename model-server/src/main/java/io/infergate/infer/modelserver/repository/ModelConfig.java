package io.infergate.infer.modelserver.repository;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.infergate.infer.modelserver.backend.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A model's own settings, read from {@code <root>/<model>/model.yaml} (optional) and re-read while
 * the repository is watched, so release managers change them without a restart:
 *
 * <pre>
 * versionPolicy:          # latest: N | specific: [1, 2] | all  (default: latest: 1)
 *   latest: 2
 * labels:                 # TF Serving's version labels; OIP clients pass them as model_version
 *   stable: 1
 *   canary: 2
 * </pre>
 *
 * @param versionPolicy which version directories are served
 * @param labels label to version number; a label is resolved when a call names it, so it may point
 *     at a version that is not loaded yet (such calls answer NOT_FOUND saying so)
 */
public record ModelConfig(VersionPolicy versionPolicy, Map<String, Long> labels) {

  /** The file name, in the model's directory. */
  public static final String FILE_NAME = "model.yaml";

  /** The newest version, no labels. */
  public static final ModelConfig DEFAULT = new ModelConfig(VersionPolicy.DEFAULT, Map.of());

  /** Labels are words, never numbers, so OIP's string model_version can carry either. */
  private static final Pattern LABEL = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");

  private static final List<String> KEYS = List.of("versionPolicy", "labels");

  public ModelConfig {
    requireNonNull(versionPolicy, "versionPolicy");
    labels = Map.copyOf(labels);
  }

  /**
   * The settings in {@code modelDir}'s {@value #FILE_NAME}, or {@link #DEFAULT} without one.
   *
   * @throws ModelLoadException naming the file and every bad key
   */
  public static ModelConfig read(Path modelDir) {
    Path file = modelDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return DEFAULT;
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (IOException e) {
      throw new ModelLoadException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return DEFAULT;
    }
    List<String> errors = new ArrayList<>();
    if (!root.isObject()) {
      errors.add("expected a mapping of " + KEYS);
    } else {
      for (Map.Entry<String, JsonNode> entry : root.properties()) {
        if (!KEYS.contains(entry.getKey())) {
          errors.add(entry.getKey() + ": unknown key (known: " + KEYS + ")");
        }
      }
    }
    VersionPolicy policy = policy(root.path("versionPolicy"), errors);
    Map<String, Long> labels = labels(root.path("labels"), errors);
    if (!errors.isEmpty()) {
      throw new ModelLoadException(file + ": " + String.join("; ", errors));
    }
    return new ModelConfig(policy, labels);
  }

  private static VersionPolicy policy(JsonNode node, List<String> errors) {
    String expected = " (expected: latest: N, specific: [versions] or all)";
    if (node.isMissingNode() || node.isNull()) {
      return VersionPolicy.DEFAULT;
    }
    if (node.isTextual() && node.asText().equals("all")) {
      return new VersionPolicy.All();
    }
    if (!node.isObject() || node.size() != 1) {
      errors.add("versionPolicy: " + node + expected);
      return VersionPolicy.DEFAULT;
    }
    Map.Entry<String, JsonNode> only = node.properties().iterator().next();
    String kind = only.getKey();
    JsonNode value = only.getValue();
    switch (kind) {
      case "latest" -> {
        if (value.canConvertToInt() && value.isIntegralNumber() && value.asInt() >= 1) {
          return new VersionPolicy.Latest(value.asInt());
        }
        errors.add("versionPolicy.latest: " + value + " (expected: an integer >= 1)");
      }
      case "specific" -> {
        List<Long> versions = new ArrayList<>();
        if (value.isArray()) {
          value.forEach(item -> versions.add(item.isIntegralNumber() ? item.asLong() : -1));
        }
        if (!versions.isEmpty() && versions.stream().allMatch(v -> v >= 1)) {
          return new VersionPolicy.Specific(versions);
        }
        errors.add("versionPolicy.specific: " + value + " (expected: a list of versions >= 1)");
      }
      case "all" -> {
        // TF Serving spells it "all {}"; accept that shape and a bare "all".
        return new VersionPolicy.All();
      }
      default -> errors.add("versionPolicy." + kind + ": unknown policy" + expected);
    }
    return VersionPolicy.DEFAULT;
  }

  private static Map<String, Long> labels(JsonNode node, List<String> errors) {
    Map<String, Long> labels = new TreeMap<>();
    if (node.isMissingNode() || node.isNull()) {
      return labels;
    }
    if (!node.isObject()) {
      errors.add("labels: " + node + " (expected: a mapping of label to version)");
      return labels;
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String label = entry.getKey();
      JsonNode version = entry.getValue();
      if (!LABEL.matcher(label).matches()) {
        errors.add(
            "labels."
                + label
                + ": bad label (expected: a word such as stable or canary, not a number)");
      } else if (!version.isIntegralNumber() || version.asLong() < 1) {
        errors.add("labels." + label + ": " + version + " (expected: a version >= 1)");
      } else {
        labels.put(label, version.asLong());
      }
    }
    return labels;
  }
}
