package io.infergate.infer.gateway.admin;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.infergate.infer.proto.admin.v1.RouteState;
import io.infergate.infer.proto.admin.v1.VariantState;
import io.infergate.infer.router.Route;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the admin tests read off calls and answers. */
final class AdminCalls {
  private AdminCalls() {}

  /** The status code {@code call} ended with: OK, or its failure's. */
  static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  /** The failure {@code call} must end with. */
  static StatusRuntimeException failure(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  /** A route's weights as the API answered them, by variant in route order. */
  static Map<String, Integer> weights(RouteState route) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (VariantState variant : route.getVariantsList()) {
      weights.put(variant.getName(), variant.getWeight());
    }
    return weights;
  }

  /** A route's weights as the data path serves them. */
  static Map<String, Integer> weights(Route<?> route) {
    return ReleaseControl.weightsOf(route);
  }
}
