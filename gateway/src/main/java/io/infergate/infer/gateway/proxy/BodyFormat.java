package io.infergate.infer.gateway.proxy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Where a method's request names its model, and where its response names the version that served
 * it. Reading walks only the top-level fields (skipping a length-delimited field costs O(1)), so a
 * 1 MiB tensor costs the same as a 10-byte one; rewriting copies the other fields' bytes as they
 * are.
 *
 * <p>Reading runs on the event loop, so it is bounded: at most {@code maxFields} tags are read (the
 * top level's and model_spec's together), else the body is refused. It does not stop at the first
 * model name, though: protobuf parsers keep the <em>last</em> value of a repeated singular field
 * (and merge a repeated message field), so a peek that stopped early would route by one name while
 * the model server served another, which a rewrite to an unreleased model would turn into a way in.
 * Instead the whole top level is walked and a body that repeats a field the route is chosen by
 * (model name, version, model_spec) is refused: no protobuf encoder writes one twice (only
 * concatenating two serialized messages does), and refusing it leaves nothing for the gateway and
 * whatever parser the model server uses to disagree on. A stray end-group tag is refused as
 * malformed for the same reason: protobuf's parsers stop there and fail, so nothing after it may
 * count.
 */
enum BodyFormat {
  /** No model in the body (ServerLive, ServerMetadata, ...). */
  NONE,
  /**
   * OIP ModelInfer, ModelReady, ModelMetadata: {@code name = 1}, {@code version = 2}, both strings.
   */
  OIP,
  /** TF Serving: {@code model_spec = 1} with {@code name = 1}, {@code version = 2} (Int64Value). */
  TF_SERVING;

  /**
   * The longest model name (and version) read, in UTF-8 bytes: names are DNS-like labels in
   * practice, and a bound keeps a caller from making the gateway decode (and quote) megabytes as a
   * name.
   */
  static final int MAX_MODEL_NAME_BYTES = 1024;

  private static final int NAME = 1;
  private static final int VERSION = 2;
  private static final int VERSION_LABEL = 4;
  private static final int MODEL_SPEC = 1;
  private static final int INT64_VALUE = 1;

  /** No field's tag: {@link CodedInputStream#readTag} returns 0 only at the end. */
  private static final int NO_TAG = 0;

  private static final byte[] EMPTY = new byte[0];

  /**
   * The model the request body names, reading at most {@code maxFields} field tags.
   *
   * @throws IOException when the body is not a well-formed protobuf message
   * @throws RefusedBodyException when a name is longer than {@link #MAX_MODEL_NAME_BYTES}, the body
   *     has more than {@code maxFields} fields, or a routing field appears twice
   */
  ModelRef read(byte[] body, int maxFields) throws IOException {
    return switch (this) {
      case NONE -> new ModelRef("", "");
      case OIP -> new Peek(body, maxFields).oip();
      case TF_SERVING -> new Peek(body, maxFields).tfServing();
    };
  }

  /** The body with the model name and version replaced (null keeps the request's own). */
  byte[] rewrite(byte[] body, String name, String version) throws IOException {
    return switch (this) {
      case NONE -> body;
      case OIP -> rewriteOip(body, name, version);
      case TF_SERVING -> rewriteTfServing(body, name, version);
    };
  }

  /**
   * OIP's request with a new name and version: {@code model_name} and {@code model_version} go to
   * the end, each only where one is given.
   */
  private static byte[] rewriteOip(byte[] body, String name, String version) throws IOException {
    return rewriteNamed(body, name, version, false);
  }

  /**
   * TF Serving's request with its {@code model_spec} rewritten and moved to the end. The peek has
   * refused a body with two, so the first is the only one.
   */
  private static byte[] rewriteTfServing(byte[] body, String name, String version)
      throws IOException {
    byte[] spec = rewriteNamed(firstField(body, MODEL_SPEC), name, version, true);
    ByteString.Output bytes = ByteString.newOutput(body.length + spec.length + 8);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    copyAllBut(body, lengthDelimited(MODEL_SPEC), NO_TAG, NO_TAG, out);
    out.writeByteArray(MODEL_SPEC, spec);
    out.flush();
    return bytes.toByteString().toByteArray();
  }

  /**
   * A message that names a model as OIP's request and TF Serving's {@code ModelSpec} do ({@code
   * name = 1}, {@code version = 2}), with the fields of each one given dropped and the new ones
   * written at the end. In a {@code ModelSpec} the version is an Int64Value, an empty one means the
   * latest, and a new version drops the {@code version_label} too.
   */
  private static byte[] rewriteNamed(byte[] message, String name, String version, boolean modelSpec)
      throws IOException {
    ByteString.Output bytes = ByteString.newOutput(message.length + 16);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    copyAllBut(
        message,
        name == null ? NO_TAG : lengthDelimited(NAME),
        version == null ? NO_TAG : lengthDelimited(VERSION),
        version == null || !modelSpec ? NO_TAG : lengthDelimited(VERSION_LABEL),
        out);
    if (name != null) {
      out.writeString(NAME, name);
    }
    if (version != null && !modelSpec) {
      out.writeString(VERSION, version);
    } else if (version != null && !version.isEmpty()) {
      long value = Long.parseLong(version);
      out.writeTag(VERSION, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(CodedOutputStream.computeInt64Size(INT64_VALUE, value));
      out.writeInt64(INT64_VALUE, value);
    }
    out.flush();
    return bytes.toByteString().toByteArray();
  }

  /** Copies {@code message}'s fields to {@code out} as they are, but those with the tags given. */
  private static void copyAllBut(
      byte[] message, int dropped, int alsoDropped, int lastDropped, CodedOutputStream out)
      throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(message);
    int start = 0;
    for (int tag = in.readTag(); tag != 0; start = in.getTotalBytesRead(), tag = in.readTag()) {
      in.skipField(tag);
      if (tag != dropped && tag != alsoDropped && tag != lastDropped) {
        out.writeRawBytes(message, start, in.getTotalBytesRead() - start);
      }
    }
  }

  /** The value of the first length-delimited {@code field} of {@code message}; empty if none. */
  private static byte[] firstField(byte[] message, int field) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(message);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == lengthDelimited(field)) {
        return in.readByteArray();
      }
      in.skipField(tag);
    }
    return EMPTY;
  }

  private static int lengthDelimited(int field) {
    return tag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  }

  /** A field's tag as it is on the wire (protobuf's own {@code makeTag} is not public). */
  static int tag(int field, int wireType) {
    return (field << 3) | wireType;
  }

  /** One bounded walk over a request body: the fields it may still read, and where it is. */
  private static final class Peek {
    private final CodedInputStream in;
    private int fieldsLeft;
    private final int maxFields;

    Peek(byte[] body, int maxFields) {
      this.in = CodedInputStream.newInstance(body);
      this.fieldsLeft = maxFields;
      this.maxFields = maxFields;
    }

    ModelRef oip() throws IOException {
      return named(false);
    }

    ModelRef tfServing() throws IOException {
      ModelRef spec = null;
      for (int tag = nextTag(); tag != 0; tag = nextTag()) {
        if (tag == lengthDelimited(MODEL_SPEC)) {
          if (spec != null) {
            throw RefusedBodyException.repeated("model_spec");
          }
          int limit = in.pushLimit(in.readRawVarint32());
          spec = named(true);
          in.popLimit(limit);
        } else {
          skip(tag);
        }
      }
      return spec == null ? new ModelRef("", "") : spec;
    }

    /**
     * The model a message names as OIP's request does ({@code name = 1}, {@code version = 2}, both
     * strings) or, with {@code modelSpec}, as TF Serving's {@code ModelSpec} does ({@code version =
     * 2} an Int64Value, or {@code version_label = 4}).
     */
    private ModelRef named(boolean modelSpec) throws IOException {
      String nameField = modelSpec ? "model_spec.name" : "model_name";
      String name = null;
      String version = null;
      for (int tag = nextTag(); tag != 0; tag = nextTag()) {
        if (tag == lengthDelimited(NAME)) {
          name = once(name, nameField, readName(nameField));
        } else if (tag == lengthDelimited(VERSION) && !modelSpec) {
          version = once(version, "model_version", readName("model_version"));
        } else if (tag == lengthDelimited(VERSION)) {
          // version and version_label are a oneof: either one twice, or both, is a repeat.
          version = once(version, "model_spec.version", Long.toString(int64Value()));
        } else if (tag == lengthDelimited(VERSION_LABEL) && modelSpec) {
          version = once(version, "model_spec.version", readName("model_spec.version_label"));
        } else {
          skip(tag);
        }
      }
      return new ModelRef(name == null ? "" : name, version == null ? "" : version);
    }

    /** An Int64Value message's value (0 when it has none). */
    private long int64Value() throws IOException {
      int limit = in.pushLimit(in.readRawVarint32());
      long value = 0;
      for (int inner = nextTag(); inner != 0; inner = nextTag()) {
        if (inner == tag(INT64_VALUE, WireFormat.WIRETYPE_VARINT)) {
          value = in.readInt64();
        } else {
          skip(inner);
        }
      }
      in.popLimit(limit);
      return value;
    }

    /** The next tag, 0 at the end of the message (or of the limit pushed). */
    private int nextTag() throws IOException {
      int tag = in.readTag();
      if (tag != 0 && --fieldsLeft < 0) {
        throw RefusedBodyException.tooManyFields(maxFields);
      }
      return tag;
    }

    private void skip(int tag) throws IOException {
      if (!in.skipField(tag)) {
        throw new InvalidProtocolBufferException(
            "Protocol message end-group tag did not match expected tag.");
      }
    }

    /**
     * A name field's string, refused by its length before any of it is decoded when it is longer
     * than {@link #MAX_MODEL_NAME_BYTES}.
     */
    private String readName(String field) throws IOException {
      int length = in.readRawVarint32();
      if (length > MAX_MODEL_NAME_BYTES) {
        throw RefusedBodyException.tooLong(field, length, MAX_MODEL_NAME_BYTES);
      }
      byte[] bytes = in.readRawBytes(length);
      if (!UnsafeByteOperations.unsafeWrap(bytes).isValidUtf8()) {
        throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String once(String previous, String field, String value)
        throws RefusedBodyException {
      if (previous != null) {
        throw RefusedBodyException.repeated(field);
      }
      return value;
    }
  }
}
