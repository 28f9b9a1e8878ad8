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
   * The longest model name read, in UTF-8 bytes: names are DNS-like labels in practice, and a bound
   * keeps a caller from making the gateway decode (and quote) megabytes as a name.
   */
  static final int MAX_MODEL_NAME_BYTES = 1024;

  private static final int NAME = 1;
  private static final int VERSION = 2;
  private static final int VERSION_LABEL = 4;
  private static final int MODEL_SPEC = 1;
  private static final int INT64_VALUE = 1;

  /**
   * The model the request body names.
   *
   * @throws IOException when the body is not a well-formed protobuf message
   * @throws ModelNameTooLongException when the name is longer than {@link #MAX_MODEL_NAME_BYTES}
   */
  ModelRef read(byte[] body) throws IOException {
    return switch (this) {
      case NONE -> new ModelRef("", "");
      case OIP -> readOip(CodedInputStream.newInstance(body));
      case TF_SERVING -> readTfServing(CodedInputStream.newInstance(body));
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

  private static ModelRef readOip(CodedInputStream in) throws IOException {
    String name = "";
    String version = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == lengthDelimited(NAME)) {
        name = readName(in, "model_name");
      } else if (tag == lengthDelimited(VERSION)) {
        version = in.readStringRequireUtf8();
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return new ModelRef(name, version);
  }

  /**
   * A name field's string, refused by its length before any of it is decoded when it is longer than
   * {@link #MAX_MODEL_NAME_BYTES}.
   */
  private static String readName(CodedInputStream in, String field) throws IOException {
    int length = in.readRawVarint32();
    if (length > MAX_MODEL_NAME_BYTES) {
      throw new ModelNameTooLongException(field, length, MAX_MODEL_NAME_BYTES);
    }
    byte[] bytes = in.readRawBytes(length);
    if (!UnsafeByteOperations.unsafeWrap(bytes).isValidUtf8()) {
      throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static ModelRef readTfServing(CodedInputStream in) throws IOException {
    ModelRef spec = new ModelRef("", "");
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == lengthDelimited(MODEL_SPEC)) {
        int limit = in.pushLimit(in.readRawVarint32());
        spec = readModelSpec(in);
        in.popLimit(limit);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return spec;
  }

  private static ModelRef readModelSpec(CodedInputStream in) throws IOException {
    String name = "";
    String version = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == lengthDelimited(NAME)) {
        name = readName(in, "model_spec.name");
      } else if (tag == lengthDelimited(VERSION)) {
        int limit = in.pushLimit(in.readRawVarint32());
        long value = 0;
        for (int inner = in.readTag(); inner != 0; inner = in.readTag()) {
          if (inner == tag(INT64_VALUE, WireFormat.WIRETYPE_VARINT)) {
            value = in.readInt64();
          } else if (!in.skipField(inner)) {
            break;
          }
        }
        in.popLimit(limit);
        version = Long.toString(value);
      } else if (tag == lengthDelimited(VERSION_LABEL)) {
        version = in.readStringRequireUtf8();
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return new ModelRef(name, version);
  }

  private static byte[] rewriteOip(byte[] body, String name, String version) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(body);
    ByteString.Output bytes = ByteString.newOutput(body.length + 16);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    boolean nameWritten = false;
    boolean versionWritten = false;
    int start = 0;
    for (int tag = in.readTag(); tag != 0; start = in.getTotalBytesRead(), tag = in.readTag()) {
      if (tag == lengthDelimited(NAME) && name != null) {
        in.skipField(tag);
        if (!nameWritten) {
          out.writeString(NAME, name);
          nameWritten = true;
        }
      } else if (tag == lengthDelimited(VERSION) && version != null) {
        in.skipField(tag);
        if (!versionWritten) {
          out.writeString(VERSION, version);
          versionWritten = true;
        }
      } else {
        copyField(in, tag, body, start, out);
      }
    }
    if (name != null && !nameWritten) {
      out.writeString(NAME, name);
    }
    if (version != null && !versionWritten) {
      out.writeString(VERSION, version);
    }
    out.flush();
    return bytes.toByteString().toByteArray();
  }

  private static byte[] rewriteTfServing(byte[] body, String name, String version)
      throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(body);
    ByteString.Output bytes = ByteString.newOutput(body.length + 16);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    boolean specWritten = false;
    int start = 0;
    for (int tag = in.readTag(); tag != 0; start = in.getTotalBytesRead(), tag = in.readTag()) {
      if (tag == lengthDelimited(MODEL_SPEC)) {
        byte[] spec = rewriteModelSpec(in.readByteArray(), name, version);
        if (!specWritten) {
          out.writeByteArray(MODEL_SPEC, spec);
          specWritten = true;
        }
      } else {
        copyField(in, tag, body, start, out);
      }
    }
    if (!specWritten) {
      out.writeByteArray(MODEL_SPEC, rewriteModelSpec(new byte[0], name, version));
    }
    out.flush();
    return bytes.toByteString().toByteArray();
  }

  private static byte[] rewriteModelSpec(byte[] spec, String name, String version)
      throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(spec);
    ByteString.Output bytes = ByteString.newOutput(spec.length + 16);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    int start = 0;
    for (int tag = in.readTag(); tag != 0; start = in.getTotalBytesRead(), tag = in.readTag()) {
      boolean replaced =
          (tag == lengthDelimited(NAME) && name != null)
              || ((tag == lengthDelimited(VERSION) || tag == lengthDelimited(VERSION_LABEL))
                  && version != null);
      if (replaced) {
        in.skipField(tag);
      } else {
        copyField(in, tag, spec, start, out);
      }
    }
    if (name != null) {
      out.writeString(NAME, name);
    }
    if (version != null && !version.isEmpty()) {
      long value = Long.parseLong(version);
      out.writeTag(VERSION, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(CodedOutputStream.computeInt64Size(INT64_VALUE, value));
      out.writeInt64(INT64_VALUE, value);
    }
    out.flush();
    return bytes.toByteString().toByteArray();
  }

  private static int lengthDelimited(int field) {
    return tag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  }

  /** Copies one field (tag and value, as they are) from {@code source} to {@code out}. */
  private static void copyField(
      CodedInputStream in, int tag, byte[] source, int start, CodedOutputStream out)
      throws IOException {
    in.skipField(tag);
    out.writeRawBytes(source, start, in.getTotalBytesRead() - start);
  }

  /** A field's tag as it is on the wire (protobuf's own {@code makeTag} is not public). */
  static int tag(int field, int wireType) {
    return (field << 3) | wireType;
  }
}
