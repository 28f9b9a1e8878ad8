package io.infergate.infer.gateway.proxy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.infergate.infer.observability.telemetry.HistogramSeries;
import io.infergate.infer.observability.telemetry.Tally;
import io.infergate.infer.router.resilience.CallOutcome;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.Locale;

/**
 * A variant's attribute sets, made when a table is built: {@code [model, variant, outcome]} for
 * each {@link CallOutcome}, {@code [model, variant]} for retries, shadow drops and breaker state,
 * {@code [model, from_variant, cause]} for each {@link Skip}, and the model and variant of its
 * spans. Recording picks a set by ordinal, so a call allocates nothing here.
 */
final class VariantTelemetry {
  private static final CallOutcome[] OUTCOMES = CallOutcome.values();

  /** The {@code outcome} attribute's values, by {@link CallOutcome} ordinal. */
  private static final String[] OUTCOME_NAMES = new String[OUTCOMES.length];

  /** The {@code cause} attribute's values, by {@link Skip} ordinal. */
  private static final String[] SKIP_CAUSES = new String[Skip.values().length];

  static {
    for (CallOutcome outcome : OUTCOMES) {
      OUTCOME_NAMES[outcome.ordinal()] = outcome.name().toLowerCase(Locale.ROOT);
    }
    for (Skip skip : Skip.values()) {
      SKIP_CAUSES[skip.ordinal()] = skip.header();
    }
  }

  /** By {@link AnswerDecoder#NOT_DECODABLE} and {@link AnswerDecoder#QUEUE_FULL}. */
  private static final String[] NOT_COMPARED_REASONS = {"not_decodable", "queue_full"};

  /** Canary drift's distributions: the predicted (top-1) class, and the top-1 score. */
  static final int PREDICTION = 0;

  static final int TOP1_SCORE = 1;
  private static final String[] DISTRIBUTIONS = {"prediction", "top1_score"};

  final RouteTelemetry route;

  /** The variant's name, or {@link GatewayTelemetry#NO_VARIANT}. */
  final String variant;

  private final Attributes[] byOutcome;

  /** {@code infergate.gateway.calls} by outcome, shared with other tables. */
  private final Tally[] callsByOutcome;

  /** {@code infergate.gateway.call.duration} by outcome, shared with other tables. */
  private final HistogramSeries[] durationByOutcome;

  private final Attributes[] bySkip;
  private final Attributes byVariant;

  /** {@code infergate.model} and {@code infergate.variant}, for a span of this variant. */
  final Attributes spanAttributes;

  /**
   * {@code [model, variant, shadow_variant]}, and with each not-compared reason; null: no shadow.
   */
  private final Attributes byShadowPair;

  private final Attributes[] byNotCompared;

  /**
   * {@code [model, variant, reference_variant, distribution]} by {@link #PREDICTION} and {@link
   * #TOP1_SCORE}; null for the reference itself and on routes without canary drift.
   */
  private final Attributes[] byCanaryDistribution;

  /** {@code [model, variant, reason]} by not-counted reason; null without canary drift. */
  private final Attributes[] byCanaryNotCounted;

  VariantTelemetry(RouteTelemetry route, String variant) {
    this.route = route;
    this.variant = variant;
    String model = route.model;
    this.byVariant =
        Attributes.of(GatewayTelemetry.MODEL, model, GatewayTelemetry.VARIANT, variant);
    this.byOutcome = each(byVariant, GatewayTelemetry.OUTCOME, OUTCOME_NAMES);
    this.callsByOutcome = new Tally[OUTCOMES.length];
    this.durationByOutcome = new HistogramSeries[OUTCOMES.length];
    for (int i = 0; i < OUTCOMES.length; i++) {
      callsByOutcome[i] = route.instruments.calls.series(byOutcome[i]);
      durationByOutcome[i] = route.instruments.duration.series(byOutcome[i]);
    }
    this.bySkip =
        each(
            Attributes.of(GatewayTelemetry.MODEL, model, GatewayTelemetry.FROM_VARIANT, variant),
            GatewayTelemetry.CAUSE,
            SKIP_CAUSES);
    this.spanAttributes =
        Attributes.of(GatewayTelemetry.SPAN_MODEL, model, GatewayTelemetry.SPAN_VARIANT, variant);
    String shadow = route.shadowVariant;
    if (shadow == null || shadow.equals(variant)) {
      this.byShadowPair = null;
      this.byNotCompared = null;
    } else {
      this.byShadowPair =
          Attributes.of(
              GatewayTelemetry.MODEL,
              model,
              GatewayTelemetry.VARIANT,
              variant,
              GatewayTelemetry.SHADOW_VARIANT,
              shadow);
      this.byNotCompared = each(byShadowPair, GatewayTelemetry.REASON, NOT_COMPARED_REASONS);
    }
    String reference = route.canaryReference;
    if (reference == null || variant.equals(GatewayTelemetry.NO_VARIANT)) {
      this.byCanaryDistribution = null;
      this.byCanaryNotCounted = null;
    } else {
      this.byCanaryNotCounted = each(byVariant, GatewayTelemetry.REASON, NOT_COMPARED_REASONS);
      if (reference.equals(variant)) {
        this.byCanaryDistribution = null;
      } else {
        this.byCanaryDistribution =
            each(
                byVariant.toBuilder().put(GatewayTelemetry.REFERENCE_VARIANT, reference).build(),
                GatewayTelemetry.DISTRIBUTION,
                DISTRIBUTIONS);
      }
    }
  }

  /** A call answered (by this variant, or by none) with {@code outcome} after {@code nanos}. */
  void answered(CallOutcome outcome, long nanos) {
    int index = outcome.ordinal();
    callsByOutcome[index].add(1);
    durationByOutcome[index].record(nanos / 1e9);
  }

  /** A call meant for this variant was answered by another, because of {@code why}. */
  void fellBack(Skip why) {
    route.instruments.fallbacks.add(1, bySkip[why.ordinal()]);
  }

  /** An attempt on this variant never reached a model and is made again. */
  void retried() {
    route.instruments.retries.add(1, byVariant);
  }

  /** A shadow copy for this variant was not sent. */
  void shadowDropped() {
    route.instruments.shadowDropped.add(1, byVariant);
  }

  /**
   * This variant's answers and its route's shadow's were compared: {@code rows} predictions, of
   * which {@code top1Matches} had the same top class, with {@code absDiff} the sum over them of the
   * mean absolute difference of their scores.
   */
  void shadowCompared(int rows, int top1Matches, double absDiff) {
    if (byShadowPair == null) {
      return;
    }
    GatewayTelemetry instruments = route.instruments;
    instruments.shadowCompared.add(rows, byShadowPair);
    instruments.shadowTop1Matches.add(top1Matches, byShadowPair);
    instruments.shadowAbsDiff.add(absDiff, byShadowPair);
  }

  /** A call of this variant's whose shadow answered was not compared, for {@code reason}. */
  void shadowNotCompared(int reason) {
    if (byNotCompared != null) {
      route.instruments.shadowNotCompared.add(1, byNotCompared[reason]);
    }
  }

  /** An answer of this variant was not counted into its canary-drift window, for {@code reason}. */
  void canaryNotCounted(int reason) {
    if (byCanaryNotCounted != null) {
      route.instruments.canaryNotCounted.add(1, byCanaryNotCounted[reason]);
    }
  }

  /** Reports the predictions in this variant's canary-drift window. */
  void recordCanaryPredictions(long predictions, GatewayTelemetry.CanaryGauges into) {
    into.predictions().record(predictions, byVariant);
  }

  /**
   * Reports how far this variant's answers of {@code distribution} ({@link #PREDICTION}, {@link
   * #TOP1_SCORE}) are from its reference's.
   */
  void recordCanaryDrift(
      int distribution, double psi, double jensenShannon, GatewayTelemetry.CanaryGauges into) {
    if (byCanaryDistribution != null) {
      into.psi().record(psi, byCanaryDistribution[distribution]);
      into.jensenShannon().record(jensenShannon, byCanaryDistribution[distribution]);
    }
  }

  /** Reports {@code breaker}'s state: 0 closed, 1 half-open, 2 open (forced or not). */
  void recordBreaker(CircuitBreaker breaker, ObservableLongMeasurement into) {
    into.record(stateValue(breaker.getState()), byVariant);
  }

  /** {@code base} with {@code key} set to each of {@code values}, in their order. */
  private static Attributes[] each(Attributes base, AttributeKey<String> key, String[] values) {
    Attributes[] sets = new Attributes[values.length];
    for (int i = 0; i < values.length; i++) {
      sets[i] = base.toBuilder().put(key, values[i]).build();
    }
    return sets;
  }

  static long stateValue(CircuitBreaker.State state) {
    return switch (state) {
      case HALF_OPEN -> 1;
      case OPEN, FORCED_OPEN -> 2;
      default -> 0; // CLOSED, DISABLED and METRICS_ONLY let every call through.
    };
  }

  @Override
  public String toString() {
    return route.model + "/" + variant;
  }
}
