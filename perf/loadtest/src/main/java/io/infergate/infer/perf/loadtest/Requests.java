package io.infergate.infer.perf.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Metadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bytes and headers of each call, built from ghz's data options against the method's input
 * type. Data without template actions is encoded once, so the hot path only picks a pre-encoded
 * message; templated data is rendered, parsed and encoded per call, as ghz does.
 */
final class Requests {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MethodDescriptor method;
  private final JsonFormat.Parser parser;
  private final byte[][] encoded;
  private final CallTemplate dataTemplate;
  private final Metadata staticHeaders;
  private final CallTemplate metadataTemplate;

  private Requests(MethodDescriptor method, Settings.Payload payload) {
    this.method = method;
    this.parser = JsonFormat.parser().usingTypeRegistry(MethodLookup.typeRegistry(method));
    CallTemplate data =
        CallTemplate.parse(payload.dataJson(), payload.templateFunctions(), payload.templateData());
    this.encoded = encodeOnce(parser, method.getInputType(), payload, data);
    this.dataTemplate = encoded == null ? data : null;
    String metadata = payload.metadataJson();
    this.metadataTemplate =
        CallTemplate.parse(metadata, payload.templateFunctions(), payload.templateData());
    this.staticHeaders = metadataTemplate == null && metadata != null ? headers(metadata) : null;
  }

  /**
   * The requests for {@code method} from the call data and metadata of {@code payload} (JSON text,
   * an object or an array; or serialized messages; or neither, for an empty message).
   *
   * @throws UsageException when the data or metadata cannot be read, or a template renders
   *     something that cannot
   */
  static Requests create(MethodDescriptor method, Settings.Payload payload) {
    Requests r = new Requests(method, payload);
    // Render once now, so that a template that yields bad JSON fails before the run starts.
    r.message(0, "g0c0");
    r.headers(0, "g0c0");
    return r;
  }

  /** The messages encoded once, or null when {@code data} is a template rendered per call. */
  private static byte[][] encodeOnce(
      JsonFormat.Parser parser, Descriptor type, Settings.Payload payload, CallTemplate data) {
    if (payload.binaryData() != null) {
      return splitBinary(type, payload.binaryData().toByteArray());
    }
    String json = payload.dataJson();
    if (json == null || json.isBlank()) {
      return new byte[][] {DynamicMessage.getDefaultInstance(type).toByteArray()};
    }
    return data == null ? encodeAll(parser, type, json) : null;
  }

  /** The serialized request for call {@code n}. */
  byte[] message(long n, String workerId) {
    if (encoded != null) {
      return encoded.length == 1 ? encoded[0] : encoded[(int) (n % encoded.length)];
    }
    String text = dataTemplate.render(CallTemplate.variables(method, workerId, n));
    byte[][] all = encodeAll(parser, method.getInputType(), text);
    return all[(int) (n % all.length)];
  }

  /**
   * The messages of stream {@code n} (client and bidi streaming): every element of the data, in
   * order, rendered once for the stream when templated.
   */
  byte[][] streamMessages(long n, String workerId) {
    if (encoded != null) {
      return encoded;
    }
    String text = dataTemplate.render(CallTemplate.variables(method, workerId, n));
    return encodeAll(parser, method.getInputType(), text);
  }

  /**
   * Message {@code i} of stream {@code n} rendered afresh ({@code --stream-dynamic-messages}): new
   * timestamps, UUID and function results, the same request number, as ghz's per-message call data.
   */
  byte[] freshStreamMessage(long n, String workerId, long i) {
    String text = dataTemplate.render(CallTemplate.variables(method, workerId, n));
    byte[][] all = encodeAll(parser, method.getInputType(), text);
    return all[(int) (i % all.length)];
  }

  /** Whether the data has template actions (rendered per call). */
  boolean templated() {
    return dataTemplate != null;
  }

  /** Whether every call sends the same bytes (then benchmarks may compare against h2load). */
  boolean constant() {
    return encoded != null && encoded.length == 1;
  }

  /** Fresh headers for call {@code n} (grpc-java mutates the headers it is given), or null. */
  Metadata headers(long n, String workerId) {
    if (staticHeaders != null) {
      Metadata m = new Metadata();
      m.merge(staticHeaders);
      return m;
    }
    if (metadataTemplate != null) {
      return headers(metadataTemplate.render(CallTemplate.variables(method, workerId, n)));
    }
    return null;
  }

  static Metadata headers(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (IOException e) {
      throw new UsageException("--metadata: not JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new UsageException("--metadata: expected a JSON object of strings, got " + json);
    }
    Metadata m = new Metadata();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isValueNode()) {
        throw new UsageException("--metadata: value of " + e.getKey() + " is not a string");
      }
      String key = e.getKey().toLowerCase(java.util.Locale.ROOT);
      try {
        if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          m.put(
              Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER),
              e.getValue().asText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else {
          m.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), e.getValue().asText());
        }
      } catch (IllegalArgumentException ex) {
        throw new UsageException("--metadata: bad header " + e.getKey() + ": " + ex.getMessage());
      }
    }
    return m;
  }

  /** The metadata JSON as a string map, for the report's options. */
  static Map<String, String> metadataMap(String json) {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      JsonNode node = JSON.readTree(json);
      if (node != null && node.isObject()) {
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
      }
    } catch (IOException e) {
      return null;
    }
    return out;
  }

  private static byte[][] encodeAll(JsonFormat.Parser parser, Descriptor type, String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (IOException e) {
      throw new UsageException("--data: not JSON: " + firstLine(e.getMessage()));
    }
    if (node == null) {
      throw new UsageException("--data: empty");
    }
    List<JsonNode> items = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(items::add);
      if (items.isEmpty()) {
        throw new UsageException("--data: empty array");
      }
    } else {
      items.add(node);
    }
    byte[][] out = new byte[items.size()][];
    for (int i = 0; i < items.size(); i++) {
      DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
      try {
        parser.merge(items.get(i).toString(), b);
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        throw new UsageException(
            "--data: cannot read as " + type.getFullName() + ": " + firstLine(e.getMessage()));
      }
      out[i] = b.build().toByteArray();
    }
    return out;
  }

  /** One serialized message, or several varint-length-delimited ones (ghz's -b/-B). */
  private static byte[][] splitBinary(Descriptor type, byte[] data) {
    List<byte[]> parts = new ArrayList<>();
    try {
      CodedInputStream in = CodedInputStream.newInstance(data);
      while (!in.isAtEnd()) {
        int len = in.readRawVarint32();
        if (len < 0 || len > data.length) {
          parts.clear();
          break;
        }
        byte[] msg = in.readRawBytes(len);
        DynamicMessage.parseFrom(type, msg);
        parts.add(msg);
      }
    } catch (IOException e) {
      parts.clear();
    }
    if (parts.size() > 1) {
      return parts.toArray(new byte[0][]);
    }
    try {
      DynamicMessage.parseFrom(type, data);
    } catch (InvalidProtocolBufferException e) {
      throw new UsageException(
          "--binary data is not a serialized " + type.getFullName() + ": " + e.getMessage());
    }
    return new byte[][] {data};
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Base64 for logging binary payloads. */
  static String base64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
