package io.infergate.infer.observability.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Binds one process's configuration from defaults, a YAML file, environment variables and flags, in
 * that order of precedence, into an immutable record with Jackson.
 *
 * <p>Binding never stops at the first problem: unknown keys, values of the wrong type, durations
 * that do not parse and the checks of the records' own constructors are all collected, each
 * prefixed with its path ({@code routes[0].variants[1].weight}), and thrown together as one {@link
 * ConfigException}. A record's constructor reports its problems by throwing an {@link
 * IllegalArgumentException} whose message has one line a problem, each starting with the name of
 * the component ({@code weight: -5 (expected: >= 0)}); absent keys reach the constructor as {@code
 * null}, which it replaces with its default.
 *
 * <p>Durations use {@link Durations}' syntax wherever a record has a {@link Duration}.
 */
public final class ConfigBinder<T> {
  private static final ObjectMapper YAML = mapper();

  private final Class<T> type;
  private final ObjectNode tree = JsonNodeFactory.instance.objectNode();
  private final Map<String, Source> sources = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();

  private ConfigBinder(Class<T> type) {
    this.type = type;
  }

  /** A binder for records of {@code type}, with nothing set yet (every value its default). */
  public static <T> ConfigBinder<T> of(Class<T> type) {
    return new ConfigBinder<>(type);
  }

  /** Values from a YAML file whose top level is a mapping; an empty file sets nothing. */
  public ConfigBinder<T> file(Path file) {
    JsonNode read;
    try {
      read = YAML.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      problems.add(file + ": no such file");
      return this;
    } catch (JsonProcessingException e) {
      problems.add(file + ": " + e.getOriginalMessage() + location(e));
      return this;
    } catch (IOException e) {
      problems.add(file + ": " + e);
      return this;
    }
    if (read == null || read.isMissingNode() || read.isNull()) {
      return this;
    }
    if (!read.isObject()) {
      problems.add(file + ": expected a mapping of keys to values at the top level");
      return this;
    }
    merge(tree, (ObjectNode) read, "", Source.FILE);
    return this;
  }

  /**
   * One value by its dotted key ({@code batching.maxBatchSize}), written as in YAML: {@code 32},
   * {@code 10s}, {@code [1, 2]}, {@code true}.
   */
  public ConfigBinder<T> value(String key, String text, Source source) {
    JsonNode node;
    try {
      node = text.isBlank() ? TextNode.valueOf(text) : YAML.readTree(text);
    } catch (JsonProcessingException e) {
      node = TextNode.valueOf(text);
    }
    if (node == null || node.isMissingNode()) {
      node = TextNode.valueOf(text);
    }
    ObjectNode parent = tree;
    String[] parts = key.split("\\.");
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = parent.get(parts[i]);
      if (!(child instanceof ObjectNode)) {
        child = parent.putObject(parts[i]);
      }
      parent = (ObjectNode) child;
    }
    parent.set(parts[parts.length - 1], node);
    sources.put(key, source);
    return this;
  }

  /**
   * Values from environment variables: for each entry of {@code variables} (variable name to dotted
   * key) present and non-empty in {@code environment}.
   */
  public ConfigBinder<T> environment(
      Map<String, String> environment, Map<String, String> variables) {
    variables.forEach(
        (variable, key) -> {
          String text = environment.get(variable);
          if (text != null && !text.isEmpty()) {
            value(key, text, Source.ENVIRONMENT);
          }
        });
    return this;
  }

  /**
   * The bound configuration.
   *
   * @throws ConfigException listing every problem found in every source
   */
  public Bound<T> bind() {
    List<String> found = new ArrayList<>(problems);
    T value = null;
    try {
      value =
          YAML.readerFor(type).withHandler(new Collector(found)).readValue(YAML.treeAsTokens(tree));
    } catch (JsonMappingException e) {
      found.add(path(e) + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      found.add(e.toString());
    }
    if (!found.isEmpty() || value == null) {
      throw new ConfigException(found.isEmpty() ? List.of("(top level): missing") : found);
    }
    return new Bound<>(value, report(value));
  }

  private void merge(ObjectNode into, ObjectNode from, String prefix, Source source) {
    for (Map.Entry<String, JsonNode> field : from.properties()) {
      String key = prefix + field.getKey();
      JsonNode existing = into.get(field.getKey());
      if (existing instanceof ObjectNode && field.getValue() instanceof ObjectNode) {
        merge((ObjectNode) existing, (ObjectNode) field.getValue(), key + ".", source);
      } else {
        into.set(field.getKey(), field.getValue());
        sources.put(key, source);
      }
    }
  }

  /** Every leaf of the effective configuration, with the source that set it or a prefix of it. */
  private List<String> report(T value) {
    JsonNode effective = YAML.valueToTree(value);
    List<String> lines = new ArrayList<>();
    leaves(effective, "", lines);
    return lines;
  }

  private void leaves(JsonNode node, String path, List<String> lines) {
    if (node.isObject() && node.size() > 0) {
      node.properties()
          .forEach(
              f ->
                  leaves(
                      f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), lines));
    } else if (node.isArray() && node.size() > 0 && node.get(0).isContainerNode()) {
      for (int i = 0; i < node.size(); i++) {
        leaves(node.get(i), path + "[" + i + "]", lines);
      }
    } else {
      String text = node.isTextual() ? node.textValue() : node.toString();
      lines.add(path + "=" + text + " (" + sourceOf(path).label() + ")");
    }
  }

  private Source sourceOf(String path) {
    // A value no source gave (such as a default inside a list of routes from the file) is a
    // default, even though an enclosing list came from a source.
    if (tree.at(pointer(path)).isMissingNode()) {
      return Source.DEFAULT;
    }
    for (String p = path; !p.isEmpty(); p = parentOf(p)) {
      Source s = sources.get(p);
      if (s != null) {
        return s;
      }
    }
    return Source.DEFAULT;
  }

  /** {@code routes[0].deadline.max} as the JSON pointer {@code /routes/0/deadline/max}. */
  private static String pointer(String path) {
    String trimmed = path.endsWith("]") ? path.substring(0, path.length() - 1) : path;
    return "/" + trimmed.replace("].", "/").replace('[', '/').replace(']', '/').replace('.', '/');
  }

  private static String parentOf(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut < 0 ? "" : path.substring(0, cut);
  }

  private static ObjectMapper mapper() {
    SimpleModule durations = new SimpleModule("durations");
    durations.addDeserializer(Duration.class, new DurationDeserializer());
    durations.addSerializer(Duration.class, new DurationSerializer());
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    // An element that failed to bind was reported and comes back null; leaving it out of its list
    // lets the enclosing record's own checks run and report too, in the same round.
    mapper.setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.SKIP));
    return mapper
        .registerModule(durations)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** {@code routes[0].variants[1].weight} for the parser's current position. */
  static String path(JsonParser p) {
    return path(p.getParsingContext().pathAsPointer());
  }

  private static String path(JsonPointer pointer) {
    StringBuilder b = new StringBuilder();
    for (JsonPointer at = pointer; at != null && !at.matches(); at = at.tail()) {
      if (at.mayMatchElement()) {
        b.append('[').append(at.getMatchingIndex()).append(']');
      } else {
        if (b.length() > 0) {
          b.append('.');
        }
        b.append(at.getMatchingProperty());
      }
    }
    return b.length() == 0 ? "(top level)" : b.toString();
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      } else if (r.getFieldName() != null) {
        if (b.length() > 0) {
          b.append('.');
        }
        b.append(r.getFieldName());
      }
    }
    return b.length() == 0 ? "(top level)" : b.toString();
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
  }

  private static String join(String path, String name) {
    return "(top level)".equals(path) ? name : path + "." + name;
  }

  private static String expected(Class<?> type) {
    if (type == Duration.class) {
      return "a duration, e.g. 250ms, 10s, 1h30m";
    }
    if (type.isEnum()) {
      TreeSet<String> names = new TreeSet<>();
      for (Object constant : type.getEnumConstants()) {
        names.add(constant.toString());
      }
      return "one of " + String.join(", ", names);
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (type == String.class) {
      return "a string";
    }
    return "a mapping";
  }

  /** Records each problem with its path and lets binding go on, so that all are reported. */
  private static final class Collector extends DeserializationProblemHandler {
    private final List<String> found;

    Collector(List<String> found) {
      this.found = found;
    }

    @Override
    public boolean handleUnknownProperty(
        DeserializationContext ctxt,
        JsonParser p,
        JsonDeserializer<?> deserializer,
        Object beanOrClass,
        String propertyName)
        throws IOException {
      TreeSet<String> known = new TreeSet<>();
      deserializer.getKnownPropertyNames().forEach(n -> known.add(n.toString()));
      String at = path(p);
      found.add(
          (at.endsWith(propertyName) ? at : join(at, propertyName))
              + ": unknown key (expected one of: "
              + String.join(", ", known)
              + ")");
      p.skipChildren();
      return true;
    }

    @Override
    public Object handleWeirdStringValue(
        DeserializationContext ctxt, Class<?> targetType, String value, String failureMsg) {
      return notA(targetType, ctxt.getParser(), "\"" + value + "\"");
    }

    @Override
    public Object handleWeirdNumberValue(
        DeserializationContext ctxt, Class<?> targetType, Number value, String failureMsg) {
      return notA(targetType, ctxt.getParser(), value.toString());
    }

    /** Records that the value {@code shown} at the parser's path is no {@code type}; binds null. */
    private Object notA(Class<?> type, JsonParser p, String shown) {
      found.add(path(p) + ": " + shown + " (expected: " + expected(type) + ")");
      return null;
    }

    @Override
    public Object handleUnexpectedToken(
        DeserializationContext ctxt,
        JavaType targetType,
        JsonToken token,
        JsonParser p,
        String failureMsg)
        throws IOException {
      String shown =
          token.isScalarValue()
              ? p.getText()
              : token.isStructStart()
                  ? "a " + (token == JsonToken.START_ARRAY ? "list" : "mapping")
                  : token.toString();
      found.add(path(p) + ": " + shown + " (expected: " + expected(targetType.getRawClass()) + ")");
      p.skipChildren();
      return null;
    }

    @Override
    public Object handleInstantiationProblem(
        DeserializationContext ctxt, Class<?> instClass, Object argument, Throwable t) {
      String at = path(ctxt.getParser());
      JsonToken token = ctxt.getParser().currentToken();
      // A value's own creator (an enum read from its config name) speaks of the value, a record's
      // constructor of its keys.
      String prefix =
          token != null && token.isScalarValue()
              ? at + ": "
              : "(top level)".equals(at) ? "" : at + ".";
      Throwable cause = t instanceof IllegalArgumentException ? t : t.getCause();
      if (!(cause instanceof IllegalArgumentException) || cause.getMessage() == null) {
        // A record built from values already reported as bad may fail on what they left null;
        // that failure says nothing new.
        if (found.stream().noneMatch(f -> f.startsWith(prefix))) {
          found.add(at + ": " + t);
        }
        return null;
      }
      for (String line : cause.getMessage().split("\n")) {
        String problem = prefix + line.strip();
        String key = problem.substring(0, Math.max(0, problem.indexOf(':')));
        if (found.stream()
            .noneMatch(
                f ->
                    f.startsWith(key + ":")
                        || f.startsWith(key + ".")
                        || f.startsWith(key + "["))) {
          found.add(problem);
        }
      }
      return null;
    }

    @Override
    public Object handleMissingInstantiator(
        DeserializationContext ctxt,
        Class<?> instClass,
        ValueInstantiator valueInsta,
        JsonParser p,
        String msg)
        throws IOException {
      found.add(path(p) + ": " + p.getText() + " (expected: " + expected(instClass) + ")");
      p.skipChildren();
      return null;
    }
  }

  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getText();
      try {
        return Durations.parse(text);
      } catch (IllegalArgumentException e) {
        return (Duration) ctxt.handleWeirdStringValue(Duration.class, text, e.getMessage());
      }
    }
  }

  private static final class DurationSerializer extends StdSerializer<Duration> {
    private static final long serialVersionUID = 1L;

    DurationSerializer() {
      super(Duration.class);
    }

    @Override
    public void serialize(
        Duration value, com.fasterxml.jackson.core.JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(Durations.format(value));
    }
  }
}
