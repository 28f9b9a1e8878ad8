package io.infergate.infer.gateway.config;

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
import java.util.function.Function;

/**
 * The YAML shape of a route, a variant and a shadow, as Jackson binds them: records whose
 * components are the file's keys, each of which hands what the file says to the router's own
 * factories, which parse and check it, so that the router's messages are the ones users see ({@link
 * #built} and the binder prefix each with its path). {@link #describe} goes the other way, for the
 * report of the effective configuration.
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

  /** A key the file leaves out (null) takes the router's default. */
  private static <T> T or(T value, T defaultValue) {
    return value == null ? defaultValue : value;
  }

  /**
   * What {@code build} makes of {@code node}, or null when the file leaves the key out or when the
   * router refuses the node: then each line of its message, prefixed with {@code key}, goes to
   * {@code problems}. The router names the keys of the node it checks, and the binder the path of
   * the node whose creator throws; a node built inside another one is named here, so that every
   * problem has its full path ({@code routes[0].breaker.minimumCalls}) and binding goes on to find
   * the others.
   */
  static <N, T> T built(String key, N node, Function<N, T> build, List<String> problems) {
    if (node == null) {
      return null;
    }
    try {
      return build.apply(node);
    } catch (IllegalArgumentException e) {
      for (String line : String.valueOf(e.getMessage()).split("\n")) {
        problems.add(key + "." + line.strip());
      }
      return null;
    }
  }

  /**
   * {@code routes[i]}: a route and its variants, each variant carrying its rewrite. Jackson binds
   * this and the other nodes by their components' names, which are the file's keys.
   */
  record RouteNode(
      String model,
      String stickyHeader,
      String overrideHeader,
      OverrideAllowNode overrideAllow,
      String overrideDenied,
      ShadowNode shadow,
      CanaryDriftNode canaryDrift,
      List<VariantNode> variants,
      List<String> fallback,
      DeadlinesNode deadline,
      LimitsNode limits,
      BreakerNode breaker,
      OutlierNode outlier,
      RetryNode retry,
      SlowStartNode slowStart) {
    /**
     * The route as the router builds and checks it.
     *
     * @throws IllegalArgumentException naming each bad key, one a line
     */
    Route<Rewrite> route() {
      List<String> problems = new ArrayList<>();
      Shadow copies = built("shadow", shadow, ShadowNode::shadow, problems);
      CanaryDrift drift = built("canaryDrift", canaryDrift, CanaryDriftNode::canaryDrift, problems);
      Deadlines deadlines = built("deadline", deadline, DeadlinesNode::deadlines, problems);
      Limits bounds = built("limits", limits, LimitsNode::limits, problems);
      BreakerPolicy breakerPolicy = built("breaker", breaker, BreakerNode::policy, problems);
      OutlierPolicy outlierPolicy = built("outlier", outlier, OutlierNode::policy, problems);
      RetryPolicy retryPolicy = built("retry", retry, RetryNode::policy, problems);
      SlowStartPolicy slowStartPolicy =
          built("slowStart", slowStart, SlowStartNode::policy, problems);
      // A variant the router refuses is left out, as is a node Jackson could not bind: the route's
      // own problems with what is left then name "variants" and read as the same problem.
      List<Variant> built = new ArrayList<>();
      List<Rewrite> targets = new ArrayList<>();
      List<VariantNode> declared = variants == null ? List.of() : variants;
      for (int i = 0; i < declared.size(); i++) {
        VariantNode node = declared.get(i);
        if (node == null) {
          // Jackson reports a variant it could not bind itself; this is an explicit null.
          problems.add("variants[" + i + "]: missing (expected: a variant)");
          throw new IllegalArgumentException(String.join("\n", problems));
        }
        Variant variant = built("variants[" + i + "]", node, VariantNode::variant, problems);
        if (variant != null) {
          built.add(variant);
          targets.add(node.target());
        }
      }
      try {
        Route.Builder<Rewrite> builder =
            Route.<Rewrite>builder(model)
                .stickyHeader(stickyHeader)
                .overrideHeader(overrideHeader)
                .overrideAccess(access(overrideAllow, overrideDenied))
                .shadow(copies)
                .canaryDrift(drift)
                .fallback(fallback == null ? List.of() : fallback)
                .resilience(
                    new Resilience(
                        or(deadlines, Deadlines.DEFAULT),
                        or(bounds, Limits.DEFAULT),
                        or(breakerPolicy, BreakerPolicy.DEFAULT),
                        or(outlierPolicy, OutlierPolicy.DEFAULT),
                        or(retryPolicy, RetryPolicy.DEFAULT),
                        or(slowStartPolicy, SlowStartPolicy.OFF)));
        for (int i = 0; i < built.size(); i++) {
          builder.variant(built.get(i), targets.get(i));
        }
        Route<Rewrite> route = builder.build();
        if (problems.isEmpty()) {
          return route;
        }
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
      throw new IllegalArgumentException(String.join("\n", problems));
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
      List<String> identities) {}

  /** {@code routes[i].variants[j]}. */
  record VariantNode(
      String name, Integer weight, List<String> endpoints, String balance, Rewrite rewrite) {
    Variant variant() {
      return Variant.of(name, weight, endpoints, balance);
    }

    /** What the variant's servers are sent: its rewrite, else the caller's body as it is. */
    Rewrite target() {
      return rewrite == null ? Rewrite.NONE : rewrite;
    }
  }

  /** {@code routes[i].shadow}. */
  record ShadowNode(
      String variant,
      Double fraction,
      Integer maxInFlight,
      Duration timeout,
      List<String> headers) {
    Shadow shadow() {
      return Shadow.of(variant, fraction, maxInFlight, timeout, headers);
    }
  }

  /** {@code routes[i].canaryDrift}. */
  record CanaryDriftNode(
      String reference, Duration window, Duration bucket, Integer minAnswers, Double fraction) {
    CanaryDrift canaryDrift() {
      return CanaryDrift.of(reference, window, bucket, minAnswers, fraction);
    }
  }

  /** {@code routes[i].deadline}: {@code default} is a Java keyword, so that key is renamed. */
  record DeadlinesNode(@JsonProperty("default") Duration initial, Duration max) {
    Deadlines deadlines() {
      Deadlines defaults = Deadlines.DEFAULT;
      return new Deadlines(or(initial, defaults.initial()), or(max, defaults.max()));
    }
  }

  /** {@code routes[i].limits}. */
  record LimitsNode(Integer maxInFlight, Integer maxInFlightPerVariant, Duration pushback) {
    Limits limits() {
      Limits defaults = Limits.DEFAULT;
      return new Limits(
          or(maxInFlight, defaults.maxInFlight()),
          or(maxInFlightPerVariant, defaults.maxInFlightPerVariant()),
          or(pushback, defaults.pushback()));
    }
  }

  /** {@code routes[i].breaker}. */
  record BreakerNode(
      Duration window,
      Integer minimumCalls,
      Float failureRate,
      Duration slowCall,
      Float slowCallRate,
      Duration openFor,
      Integer halfOpenCalls,
      Duration maxHalfOpen) {
    BreakerPolicy policy() {
      BreakerPolicy defaults = BreakerPolicy.DEFAULT;
      return new BreakerPolicy(
          or(window, defaults.window()),
          or(minimumCalls, defaults.minimumCalls()),
          or(failureRate, defaults.failureRate()),
          or(slowCall, defaults.slowCall()),
          or(slowCallRate, defaults.slowCallRate()),
          or(openFor, defaults.openFor()),
          or(halfOpenCalls, defaults.halfOpenCalls()),
          or(maxHalfOpen, defaults.maxHalfOpen()));
    }
  }

  /** {@code routes[i].outlier}. */
  record OutlierNode(
      Integer consecutiveFailures,
      Duration baseEjectionTime,
      Duration maxEjectionTime,
      Integer maxEjectionPercent) {
    OutlierPolicy policy() {
      OutlierPolicy defaults = OutlierPolicy.DEFAULT;
      return new OutlierPolicy(
          or(consecutiveFailures, defaults.consecutiveFailures()),
          or(baseEjectionTime, defaults.baseEjectionTime()),
          or(maxEjectionTime, defaults.maxEjectionTime()),
          or(maxEjectionPercent, defaults.maxEjectionPercent()));
    }
  }

  /** {@code routes[i].slowStart}. */
  record SlowStartNode(Duration window) {
    SlowStartPolicy policy() {
      return new SlowStartPolicy(or(window, SlowStartPolicy.OFF.window()));
    }
  }

  /** {@code routes[i].retry}. */
  record RetryNode(Integer maxAttempts, Double budgetRatio, Integer minRetriesPerSecond) {
    RetryPolicy policy() {
      RetryPolicy defaults = RetryPolicy.DEFAULT;
      return new RetryPolicy(
          or(maxAttempts, defaults.maxAttempts()),
          or(budgetRatio, defaults.budgetRatio()),
          or(minRetriesPerSecond, defaults.minRetriesPerSecond()));
    }
  }
}
