package io.infergate.infer.modelserver.telemetry;

import java.util.Locale;

/** Which protocol a call came in on: the {@code api} attribute of the call metrics. */
public enum Api {
  /** The Open Inference Protocol's {@code ModelInfer}: {@code oip}. */
  OIP,
  /** TF Serving's {@code Predict}: {@code tfserving}. */
  TFSERVING;

  private final String value = name().toLowerCase(Locale.ROOT);

  /** The attribute value: the constant's name in lower case. */
  public String value() {
    return value;
  }
}
