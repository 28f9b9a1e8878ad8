package io.infergate.infer.gateway.proxy;

import io.infergate.infer.observability.telemetry.Tally;
import io.opentelemetry.api.common.Attributes;

/**
 * A route's attribute sets, made when a table is built so that a call allocates none: {@code
 * [model]} for calls in flight, {@code [model, reason]} for each way of shedding, and the sets of
 * calls that no variant answered ({@link #none}).
 */
final class RouteTelemetry {
  final GatewayTelemetry instruments;
  final String model;

  /** The route's shadow variant, or null if it has none. */
  final String shadowVariant;

  /** The route's canary-drift reference variant, or null if its answers are not compared. */
  final String canaryReference;

  private final Attributes byModel;

  /** Calls in flight on this model, shared with its routes in other tables. */
  private final Tally inFlight;

  private final Attributes routeFull;
  private final Attributes bulkheadFull;

  /** The sets of a call that no variant answered. */
  final VariantTelemetry none;

  /**
   * @param shadowVariant the route's shadow variant, whose answers its other variants' are compared
   *     with; null when the route has none
   * @param canaryReference the variant whose answers the route's others' are compared with ({@code
   *     canaryDrift}); null when they are not
   */
  RouteTelemetry(
      GatewayTelemetry instruments, String model, String shadowVariant, String canaryReference) {
    this.instruments = instruments;
    this.model = model;
    this.shadowVariant = shadowVariant;
    this.canaryReference = canaryReference;
    this.byModel = Attributes.of(GatewayTelemetry.MODEL, model);
    this.inFlight = instruments.inFlight.series(byModel);
    this.routeFull =
        Attributes.of(GatewayTelemetry.MODEL, model, GatewayTelemetry.REASON, "route_full");
    this.bulkheadFull =
        Attributes.of(GatewayTelemetry.MODEL, model, GatewayTelemetry.REASON, "bulkhead_full");
    this.none = new VariantTelemetry(this, GatewayTelemetry.NO_VARIANT);
  }

  void admitted() {
    inFlight.add(1);
  }

  void released() {
    inFlight.add(-1);
  }

  /** The route was at its limit of calls in flight. */
  void shedRouteFull() {
    instruments.shed.add(1, routeFull);
  }

  /** Every variant that could take the call was at its own limit. */
  void shedBulkheadFull() {
    instruments.shed.add(1, bulkheadFull);
  }
}
