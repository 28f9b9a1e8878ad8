package io.infergate.infer.perf.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Writes JSON the way Go's {@code encoding/json} does, so that ghz consumers (and byte-level diffs)
 * see what ghz would print: {@code <>&} escaped as {@code \u003c…}, floats in Go's shortest form
 * ({@code 1}, {@code 0.5}, {@code 1e-7}, {@code 1e+21}), map keys sorted, and {@code json.Indent}'s
 * layout for {@code pretty}.
 */
final class GoJson {
  private final StringBuilder out = new StringBuilder(256);

  /** Where full chunks go (reports with a million details do not fit in one String); or null. */
  private final Appendable sink;

  private boolean needComma;

  GoJson() {
    this(null);
  }

  GoJson(Appendable sink) {
    this.sink = sink;
  }

  /** Writes what is buffered to the sink. */
  GoJson finish() {
    if (sink != null && out.length() > 0) {
      try {
        sink.append(out);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      out.setLength(0);
    }
    return this;
  }

  GoJson beginObject() {
    return open('{');
  }

  GoJson endObject() {
    return close('}');
  }

  GoJson beginArray() {
    return open('[');
  }

  GoJson endArray() {
    return close(']');
  }

  GoJson name(String name) {
    string(next(), name);
    out.append(':');
    needComma = false;
    return this;
  }

  GoJson value(long v) {
    next().append(v);
    return valueWritten();
  }

  GoJson value(double v) {
    next().append(floatString(v));
    return valueWritten();
  }

  GoJson value(boolean v) {
    next().append(v);
    return valueWritten();
  }

  GoJson value(String v) {
    string(next(), v);
    return valueWritten();
  }

  GoJson nullValue() {
    return raw("null");
  }

  /** Appends already-encoded JSON as one value. */
  GoJson raw(String json) {
    next().append(json);
    return valueWritten();
  }

  /**
   * A JSON value as Go re-marshals an {@code interface{}}: objects sorted by key, numbers float64.
   */
  GoJson any(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return nullValue();
    }
    if (node.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        sorted.put(e.getKey(), e.getValue());
      }
      beginObject();
      sorted.forEach((k, v) -> name(k).any(v));
      return endObject();
    }
    if (node.isArray()) {
      beginArray();
      node.forEach(this::any);
      return endArray();
    }
    if (node.isNumber()) {
      return value(node.doubleValue());
    }
    if (node.isBoolean()) {
      return value(node.booleanValue());
    }
    return value(node.asText());
  }

  /**
   * A Go slice of {@code length} elements, each written by {@code element} (given its index); none
   * is a nil slice, which Go marshals as {@code null} (the reports' slices are nil when empty).
   */
  GoJson slice(int length, IntConsumer element) {
    if (length == 0) {
      return nullValue();
    }
    beginArray();
    for (int i = 0; i < length; i++) {
      element.accept(i);
    }
    return endArray();
  }

  /** A string→int map with sorted keys, as Go marshals {@code map[string]int}. */
  GoJson counts(Map<String, ? extends Number> map) {
    beginObject();
    new TreeMap<String, Number>(map).forEach((k, v) -> name(k).value(v.longValue()));
    return endObject();
  }

  /** A string→string map with sorted keys. */
  GoJson strings(Map<String, String> map) {
    beginObject();
    new TreeMap<>(map).forEach((k, v) -> name(k).value(v));
    return endObject();
  }

  private GoJson open(char bracket) {
    next().append(bracket);
    needComma = false;
    return this;
  }

  private GoJson close(char bracket) {
    out.append(bracket);
    return valueWritten();
  }

  /** A value (or a whole object or array) ended: the next one needs a comma. */
  private GoJson valueWritten() {
    needComma = true;
    return this;
  }

  /**
   * Where the next token goes: {@link #out}, after a comma when a value came before (and first
   * handed to the sink when it has grown large).
   */
  private StringBuilder next() {
    if (needComma) {
      out.append(',');
    }
    if (sink != null && out.length() > 1 << 16) {
      finish();
    }
    return out;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  /** Go's {@code json.Marshal(string)}. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2);
    string(b, s);
    return b.toString();
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"', '\\' -> b.append('\\').append(c);
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        // HTML-safe, as Go escapes them, and the two line separators JavaScript cannot hold.
        case '<', '>', '&', '\u2028', '\u2029' -> unicodeEscape(b, c);
        default -> {
          if (c < 0x20) {
            unicodeEscape(b, c);
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  /** The six-character escape, in lower-case hex as Go writes it. */
  private static void unicodeEscape(StringBuilder b, char c) {
    b.append(String.format("\\u%04x", (int) c));
  }

  /** Go's encoding/json float64 form ({@link GoFloats#json}). */
  static String floatString(double v) {
    return GoFloats.json(v);
  }

  /** Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}, which Prometheus' text format uses. */
  static String gFormat(double v) {
    return GoFloats.g(v);
  }

  /** Go's {@code fmt} {@code %v} for a float64 (what ghz's influx printer writes): also 'g'. */
  static String vFormat(double v) {
    return GoFloats.g(v);
  }

  /** Go's {@code json.Indent(dst, src, "", " ")}. */
  static String indent(String compact) {
    StringBuilder b = new StringBuilder(compact.length() * 2);
    new Indenter(b).append(compact);
    return b.toString();
  }

  /** {@code json.Indent} as a stream: compact JSON in, Go's indented layout out. */
  static final class Indenter implements Appendable {
    private final Appendable out;
    private int depth;
    private boolean inString;
    private boolean escaped;
    private boolean needIndent;

    Indenter(Appendable out) {
      this.out = out;
    }

    @Override
    public Appendable append(CharSequence s) {
      return append(s, 0, s.length());
    }

    @Override
    public Appendable append(CharSequence s, int start, int end) {
      StringBuilder b = new StringBuilder((end - start) * 2);
      for (int i = start; i < end; i++) {
        put(b, s.charAt(i));
      }
      try {
        out.append(b);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return this;
    }

    @Override
    public Appendable append(char c) {
      return append(String.valueOf(c));
    }

    private void put(StringBuilder b, char c) {
      if (inString) {
        b.append(c);
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
        return;
      }
      if (needIndent && c != ']' && c != '}') {
        needIndent = false;
        depth++;
        newline(b, depth);
      }
      switch (c) {
        case '"':
          inString = true;
          b.append(c);
          break;
        case '{':
        case '[':
          b.append(c);
          needIndent = true;
          break;
        case ',':
          b.append(c);
          newline(b, depth);
          break;
        case ':':
          b.append(": ");
          break;
        case '}':
        case ']':
          if (needIndent) {
            needIndent = false; // empty: stays {} or []
          } else {
            depth--;
            newline(b, depth);
          }
          b.append(c);
          break;
        default:
          b.append(c);
      }
    }
  }

  private static void newline(StringBuilder b, int depth) {
    b.append('\n');
    for (int i = 0; i < depth; i++) {
      b.append("  ");
    }
  }
}
