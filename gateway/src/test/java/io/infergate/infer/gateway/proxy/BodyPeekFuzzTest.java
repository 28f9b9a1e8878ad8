package io.infergate.infer.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.infergate.infer.proto.tfserving.ModelSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the gateway's body peek with arbitrary bytes as the request of every forwarded method. The
 * peek either names a model or throws an {@link IOException} (malformed, or a {@link
 * RefusedBodyException}), which the gateway answers with INVALID_ARGUMENT; nothing else may escape
 * it. Where the peek names a model and protobuf's own parser reads the same bytes as the method's
 * request, both must name the same model and version: routing and serving agree. A rewrite of a
 * body the peek accepted must read back as the names written.
 *
 * <p>Regression mode (every build) runs the committed inputs in {@code
 * BodyPeekFuzzTestInputs/peekOfEveryForwardedMethod}; {@code JAZZER_FUZZ=1} fuzzes (see
 * docs/security.md).
 */
class BodyPeekFuzzTest {
  /** Small, so the fuzzer reaches the bound; the default is 4,096. */
  private static final int MAX_FIELDS = 64;

  private static final List<Peeked> METHODS = methods();

  @FuzzTest(maxDuration = "30s")
  void peekOfEveryForwardedMethod(byte[] body) throws IOException {
    for (Peeked method : METHODS) {
      ModelRef ref;
      try {
        ref = method.forwarded.model(body);
      } catch (IOException refused) {
        // INVALID_ARGUMENT at the gateway; its description is the message.
        assertThat(Statuses.malformedBody(refused).getCode())
            .isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
        continue;
      }
      assertThat(ref.name().getBytes(StandardCharsets.UTF_8).length)
          .isLessThanOrEqualTo(BodyFormat.MAX_MODEL_NAME_BYTES);
      if (method.forwarded.request() != BodyFormat.NONE) {
        servedAs(method, body, ref);
        rewritten(method.forwarded.request(), body);
      }
    }
  }

  /** What protobuf's parser makes of the body, where it parses, names the model routed by. */
  private static void servedAs(Peeked method, byte[] body, ModelRef routed) {
    Message parsed;
    try {
      parsed = method.prototype.getParserForType().parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      return; // The model server refuses it as well.
    }
    assertThat(modelOf(parsed))
        .as("model the server reads, for %s", method.forwarded.descriptor().getFullMethodName())
        .isEqualTo(routed);
  }

  /**
   * The model a parsed request names, in the peek's terms: OIP requests have {@code name = 1} and
   * {@code version = 2} (strings), TF Serving's {@code model_spec = 1}.
   */
  private static ModelRef modelOf(Message parsed) {
    Descriptors.FieldDescriptor first = parsed.getDescriptorForType().findFieldByNumber(1);
    if (first.getJavaType() == Descriptors.FieldDescriptor.JavaType.STRING) {
      Descriptors.FieldDescriptor second = parsed.getDescriptorForType().findFieldByNumber(2);
      return new ModelRef((String) parsed.getField(first), (String) parsed.getField(second));
    }
    ModelSpec spec = (ModelSpec) parsed.getField(first);
    String version =
        switch (spec.getVersionChoiceCase()) {
          case VERSION -> Long.toString(spec.getVersion().getValue());
          case VERSION_LABEL -> spec.getVersionLabel();
          case VERSIONCHOICE_NOT_SET -> "";
        };
    return new ModelRef(spec.getName(), version);
  }

  private static void rewritten(BodyFormat format, byte[] body) throws IOException {
    byte[] rewritten = format.rewrite(body, "renamed", "3");
    // The rewrite writes one name and one version, no repeat; it may add a model_spec and an
    // Int64Value around them, so the re-read gets room beyond the bound the original met.
    assertThat(format.read(rewritten, 2 * MAX_FIELDS + 4)).isEqualTo(new ModelRef("renamed", "3"));
  }

  private static List<Peeked> methods() {
    List<Peeked> methods = new ArrayList<>();
    List<ServiceDescriptor> services = MethodCatalog.services();
    var catalog = MethodCatalog.methods(services, MAX_FIELDS);
    for (ServiceDescriptor service : services) {
      for (MethodDescriptor<?, ?> generated : service.getMethods()) {
        Message prototype =
            (Message)
                ((MethodDescriptor.PrototypeMarshaller<?>) generated.getRequestMarshaller())
                    .getMessagePrototype();
        methods.add(new Peeked(catalog.get(generated.getFullMethodName()), prototype));
      }
    }
    return methods;
  }

  /** A forwarded method and its generated request type, which the model server parses. */
  private record Peeked(ForwardedMethod forwarded, Message prototype) {}
}
