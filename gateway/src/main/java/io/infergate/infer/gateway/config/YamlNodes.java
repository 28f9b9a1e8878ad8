package io.infergate.infer.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.infergate.infer.router.CanaryDrift;
import io.infergate.infer.router.Endpoint;
import io.infergate.infer.router.OverrideAccess;
import io.infergate.infer.router.Route;
import io.infergate.infer.router.Shadow;
import io.infergate.infer.router.Variant;
import io.infergate.infer.router.policy.SlowStartPolicy;
import io.infergate.infer.router.resilience.BreakerPolicy;
import io.infergate.infer.router.resilience.Deadlines;
import io.infergate.infer.router.resilience.Limits;
import io.infergate.infer.router.resilience.OutlierPolicy;
import io.infergate.infer.router.resilience.Resilience;
import io.infergate.infer.router.resilience.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The YAML shape of a route, a variant and a shadow, as Jackson binds them: each creator hands what
 * the file says to the router's own factories, which parse and check it, so that a file is turned
 * into router types in one pass and the router's messages are the ones users see (the binder
 * prefixes each with the node's path). {@link #describe} goes the other way, for the report of the
 * effective configuration.
 */
final class YamlNodes {
  private YamlNodes() {}

  /** The YAML shape of a route's settings and values for the effective-configuration report. */
  static Map<String, Object> describe(Route<Rewrite> route) {
    Map<String, Object> yaml = new LinkedHashMap<>();
    yaml.put("model", route.model());
    putIfPresent(yaml, "stickyHeader", route.stickyHeader());
    putIfPresent(yaml, "overrideHeader", route.overrideHeader());
    OverrideAccess access = route.overrideAccess();
    if (route.overrideHeader() != null) {
      // Counts and names only: tokens never reach the log.
      Map<String, Object> allow = new LinkedHashMap<>();
      if (access.anyCaller()) {
        allow.put("anyCaller", true);
      }
      putIfPresent(allow, "secretHeader", access.secretHeader());
      putIfPresent(allow, "secretsEnv", access.secretsEnv());
      if (access.checksIdentities()) {
        allow.put("identities", access.identities());
      }
      if (access.fileTokens() > 0) {
        allow.put("secrets", access.fileTokens() + " in the file (not shown)");
      }
      if (!allow.isEmpty()) {
        yaml.put("overrideAllow", allow);
      }
      yaml.put("overrideDenied", access.denied().configName());
    }
    Shadow shadow = route.shadow();
    if (shadow != null) {
      Map<String, Object> copies = new LinkedHashMap<>();
      copies.put("variant", shadow.variant());
      copies.put("fraction", shadow.fraction());
      copies.put("maxInFlight", shadow.maxInFlight());
      copies.put("timeout", shadow.timeout());
      copies.put("headers", shadow.headers());
      yaml.put("shadow", copies);
    }
    CanaryDrift drift = route.canaryDrift();
    if (drift != null) {
      Map<String, Object> compared = new LinkedHashMap<>();
      compared.put("reference", route.variant(route.canaryReference()).name());
      compared.put("window", drift.window());
      compared.put("bucket", drift.bucket());
      compared.put("minAnswers", drift.minAnswers());
      compared.put("fraction", drift.fraction());
      yaml.put("canaryDrift", compared);
    }
    List<Map<String, Object>> variants = new ArrayList<>();
    for (int i = 0; i < route.variants().size(); i++) {
      Variant variant = route.variant(i);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", variant.name());
      entry.put("weight", variant.weight());
      entry.put("endpoints", variant.endpoints().stream().map(Endpoint::toString).toList());
      entry.put("balance", variant.balance().configName());
      Rewrite rewrite = route.target(i);
      if (!rewrite.isNone()) {
        Map<String, Object> renamed = new LinkedHashMap<>();
        putIfPresent(renamed, "model", rewrite.model());
        putIfPresent(renamed, "version", rewrite.version());
        entry.put("rewrite", renamed);
      }
      variants.add(entry);
    }
    yaml.put("variants", variants);
    if (!route.fallback().isEmpty()) {
      yaml.put("fallback", route.fallback());
    }
    Resilience resilience = route.resilience();
    Map<String, Object> deadlines = new LinkedHashMap<>();
    deadlines.put("default", resilience.deadlines().initial());
    deadlines.put("max", resilience.deadlines().max());
    yaml.put("deadline", deadlines);
    yaml.put("limits", resilience.limits());
    yaml.put("breaker", resilience.breaker());
    yaml.put("outlier", resilience.outlier());
    yaml.put("retry", resilience.retry());
    yaml.put("slowStart", resilience.slowStart());
    return yaml;
  }

  private static void putIfPresent(Map<String, Object> yaml, String key, Object value) {
    if (value != null) {
      yaml.put(key, value);
    }
  }

  /** {@code routes[i]}: a route and its variants, each variant carrying its rewrite. */
  record RouteNode(Route<Rewrite> route) {
    @JsonCreator
    static RouteNode fromYaml(
        @JsonProperty("model") String model,
        @JsonProperty("stickyHeader") String stickyHeader,
        @JsonProperty("overrideHeader") String overrideHeader,
        @JsonProperty("overrideAllow") OverrideAllowNode overrideAllow,
        @JsonProperty("overrideDenied") String overrideDenied,
        @JsonProperty("shadow") ShadowNode shadow,
        @JsonProperty("canaryDrift") CanaryDriftNode canaryDrift,
        @JsonProperty("variants") List<VariantNode> variants,
        @JsonProperty("fallback") List<String> fallback,
        @JsonProperty("deadline") DeadlinesNode deadline,
        @JsonProperty("limits") LimitsNode limits,
        @JsonProperty("breaker") BreakerNode breaker,
        @JsonProperty("outlier") OutlierNode outlier,
        @JsonProperty("retry") RetryNode retry,
        @JsonProperty("slowStart") SlowStartNode slowStart) {
      Route.Builder<Rewrite> builder =
          Route.<Rewrite>builder(model)
              .stickyHeader(stickyHeader)
              .overrideHeader(overrideHeader)
              .overrideAccess(access(overrideAllow, overrideDenied))
              .shadow(shadow == null ? null : shadow.shadow())
              .canaryDrift(canaryDrift == null ? null : canaryDrift.canaryDrift())
              .fallback(fallback == null ? List.of() : fallback)
              .resilience(
                  Resilience.of(
                      deadline == null ? null : deadline.deadlines(),
                      limits == null ? null : limits.limits(),
                      breaker == null ? null : breaker.policy(),
                      outlier == null ? null : outlier.policy(),
                      retry == null ? null : retry.policy(),
                      slowStart == null ? null : slowStart.policy()));
      if (variants != null) {
        for (int i = 0; i < variants.size(); i++) {
          VariantNode variant = variants.get(i);
          if (variant == null) {
            // Jackson reports a variant it could not build itself; this is an explicit null.
            throw new IllegalArgumentException(
                "variants[" + i + "]: missing (expected: a variant)");
          }
          builder.variant(variant.variant(), variant.rewrite());
        }
      }
      return new RouteNode(builder.build());
    }

    /** Null when the route says nothing about access, so the route can tell it was left out. */
    private static OverrideAccess access(OverrideAllowNode allow, String denied) {
      if (allow == null) {
        return denied == null ? null : OverrideAccess.nobody(denied);
      }
      return OverrideAccess.of(
          allow.anyCaller(),
          allow.secretHeader(),
          allow.secrets(),
          allow.secretsEnv(),
          allow.identities(),
          denied,
          System::getenv);
    }
  }

  /**
   * {@code routes[i].overrideAllow}: who may use the override header. Tokens are best read from
   * {@code secretsEnv}, so the file holds no secret; mTLS identities are names of callers' client
   * certificates.
   */
  record OverrideAllowNode(
      Boolean anyCaller,
      String secretHeader,
      List<String> secrets,
      String secretsEnv,
      List<String> identities) {
    @JsonCreator
    static OverrideAllowNode fromYaml(
        @JsonProperty("anyCaller") Boolean anyCaller,
        @JsonProperty("secretHeader") String secretHeader,
        @JsonProperty("secrets") List<String> secrets,
        @JsonProperty("secretsEnv") String secretsEnv,
        @JsonProperty("identities") List<String> identities) {
      return new OverrideAllowNode(anyCaller, secretHeader, secrets, secretsEnv, identities);
    }
  }

  /** {@code routes[i].variants[j]}. */
  record VariantNode(Variant variant, Rewrite rewrite) {
    @JsonCreator
    static VariantNode fromYaml(
        @JsonProperty("name") String name,
        @JsonProperty("weight") Integer weight,
        @JsonProperty("endpoints") List<String> endpoints,
        @JsonProperty("balance") String balance,
        @JsonProperty("rewrite") Rewrite rewrite) {
      return new VariantNode(
          Variant.of(name, weight, endpoints, balance), rewrite == null ? Rewrite.NONE : rewrite);
    }
  }

  /** {@code routes[i].shadow}. */
  record ShadowNode(Shadow shadow) {
    @JsonCreator
    static ShadowNode fromYaml(
        @JsonProperty("variant") String variant,
        @JsonProperty("fraction") Double fraction,
        @JsonProperty("maxInFlight") Integer maxInFlight,
        @JsonProperty("timeout") Duration timeout,
        @JsonProperty("headers") List<String> headers) {
      return new ShadowNode(Shadow.of(variant, fraction, maxInFlight, timeout, headers));
    }
  }

  /** {@code routes[i].canaryDrift}. */
  record CanaryDriftNode(CanaryDrift canaryDrift) {
    @JsonCreator
    static CanaryDriftNode fromYaml(
        @JsonProperty("reference") String reference,
        @JsonProperty("window") Duration window,
        @JsonProperty("bucket") Duration bucket,
        @JsonProperty("minAnswers") Integer minAnswers,
        @JsonProperty("fraction") Double fraction) {
      return new CanaryDriftNode(CanaryDrift.of(reference, window, bucket, minAnswers, fraction));
    }
  }

  /** {@code routes[i].deadline}. */
  record DeadlinesNode(Deadlines deadlines) {
    @JsonCreator
    static DeadlinesNode fromYaml(
        @JsonProperty("default") Duration initial, @JsonProperty("max") Duration max) {
      return new DeadlinesNode(Deadlines.of(initial, max));
    }
  }

  /** {@code routes[i].limits}. */
  record LimitsNode(Limits limits) {
    @JsonCreator
    static LimitsNode fromYaml(
        @JsonProperty("maxInFlight") Integer maxInFlight,
        @JsonProperty("maxInFlightPerVariant") Integer maxInFlightPerVariant,
        @JsonProperty("pushback") Duration pushback) {
      return new LimitsNode(Limits.of(maxInFlight, maxInFlightPerVariant, pushback));
    }
  }

  /** {@code routes[i].breaker}. */
  record BreakerNode(BreakerPolicy policy) {
    @JsonCreator
    static BreakerNode fromYaml(
        @JsonProperty("window") Duration window,
        @JsonProperty("minimumCalls") Integer minimumCalls,
        @JsonProperty("failureRate") Float failureRate,
        @JsonProperty("slowCall") Duration slowCall,
        @JsonProperty("slowCallRate") Float slowCallRate,
        @JsonProperty("openFor") Duration openFor,
        @JsonProperty("halfOpenCalls") Integer halfOpenCalls,
        @JsonProperty("maxHalfOpen") Duration maxHalfOpen) {
      return new BreakerNode(
          BreakerPolicy.of(
              window,
              minimumCalls,
              failureRate,
              slowCall,
              slowCallRate,
              openFor,
              halfOpenCalls,
              maxHalfOpen));
    }
  }

  /** {@code routes[i].outlier}. */
  record OutlierNode(OutlierPolicy policy) {
    @JsonCreator
    static OutlierNode fromYaml(
        @JsonProperty("consecutiveFailures") Integer consecutiveFailures,
        @JsonProperty("baseEjectionTime") Duration baseEjectionTime,
        @JsonProperty("maxEjectionTime") Duration maxEjectionTime,
        @JsonProperty("maxEjectionPercent") Integer maxEjectionPercent) {
      return new OutlierNode(
          OutlierPolicy.of(
              consecutiveFailures, baseEjectionTime, maxEjectionTime, maxEjectionPercent));
    }
  }

  /** {@code routes[i].slowStart}. */
  record SlowStartNode(SlowStartPolicy policy) {
    @JsonCreator
    static SlowStartNode fromYaml(@JsonProperty("window") Duration window) {
      return new SlowStartNode(SlowStartPolicy.of(window));
    }
  }

  /** {@code routes[i].retry}. */
  record RetryNode(RetryPolicy policy) {
    @JsonCreator
    static RetryNode fromYaml(
        @JsonProperty("maxAttempts") Integer maxAttempts,
        @JsonProperty("budgetRatio") Double budgetRatio,
        @JsonProperty("minRetriesPerSecond") Integer minRetriesPerSecond) {
      return new RetryNode(RetryPolicy.of(maxAttempts, budgetRatio, minRetriesPerSecond));
    }
  }
}
