package io.infergate.infer.modelserver.telemetry;

/** Which protocol a call came in on: the {@code api} attribute of the call metrics. */
public enum Api {
  /** The Open Inference Protocol's {@code ModelInfer}. */
  OIP("oip"),
  /** TF Serving's {@code Predict}. */
  TFSERVING("tfserving");

  private final String value;

  Api(String value) {
    this.value = value;
  }

  /** The attribute value. */
  public String value() {
    return value;
  }
}
