package io.infergate.infer.router;

import io.infergate.infer.router.policy.BalancePolicy;
import io.infergate.infer.router.policy.EndpointBalancer;
import java.util.ArrayList;
import java.util.List;

/**
 * One deployment that can serve a route's model, such as {@code stable} or {@code canary}. Variants
 * are what traffic is split between, so a model can be ramped, A/B tested or shadowed without
 * clients changing the model name they ask for.
 *
 * <p>Messages of the exceptions name fields relative to the variant ({@code weight: -5 (expected:
 * >= 0)}); the config layer prefixes where the variant sits, such as {@code
 * routes[0].variants[1].}.
 *
 * @param name unique within its route; the value an override header names and the seed of sticky
 *     hashing, so renaming a variant reshuffles its sticky keys
 * @param weight share of traffic relative to the route's other variants; 0 takes no traffic except
 *     by override or as a shadow
 * @param endpoints backends serving this variant, at least one
 * @param balance how calls are spread over {@code endpoints}
 */
public record Variant(String name, int weight, List<Endpoint> endpoints, BalancePolicy balance) {
  private static final String WEIGHT = ">= 0";

  /**
   * Validates the variant and copies {@code endpoints}.
   *
   * @throws IllegalArgumentException naming each bad field, if the name is blank, the weight
   *     negative, there are no endpoints or no policy
   */
  public Variant {
    Problems problems = new Problems();
    problems.nonBlank(name, "name");
    problems.check(weight >= 0, "weight", weight, WEIGHT);
    problems.check(
        endpoints != null
            && !endpoints.isEmpty()
            && endpoints.size() <= EndpointBalancer.MAX_ENDPOINTS
            && endpoints.stream().allMatch(e -> e != null),
        "endpoints",
        endpoints,
        "1.." + EndpointBalancer.MAX_ENDPOINTS + ", none null");
    problems.check(balance != null, "balance", null, policies());
    problems.throwIfAny();
    endpoints = List.copyOf(endpoints);
  }

  /**
   * Returns the variant a config file describes, parsing its endpoints ({@code host:port}, or
   * {@code dns:///name:port} for every address of a name) and its policy ({@code round_robin}, the
   * default, or {@code least_outstanding}); null stands for a key the file leaves out.
   *
   * @throws IllegalArgumentException naming each bad field ({@code endpoints[1]: "nowhere"
   *     (expected: host:port ...)}), all at once
   */
  public static Variant of(String name, Integer weight, List<String> endpoints, String balance) {
    Problems problems = new Problems();
    problems.nonBlank(name, "name");
    problems.check(weight == null || weight >= 0, "weight", weight, WEIGHT);
    problems.check(weight != null, "weight", null, "an integer " + WEIGHT);
    List<Endpoint> parsed = new ArrayList<>();
    if (endpoints == null || endpoints.isEmpty()) {
      problems.add("endpoints", endpoints, "at least one host:port");
    } else if (endpoints.size() > EndpointBalancer.MAX_ENDPOINTS) {
      problems.describe(
          "endpoints",
          endpoints.size() + " endpoints",
          "at most " + EndpointBalancer.MAX_ENDPOINTS + " host:port");
    } else {
      for (int i = 0; i < endpoints.size(); i++) {
        parsed.add(Endpoint.parse(endpoints.get(i), "endpoints[" + i + "]", problems));
      }
    }
    BalancePolicy policy =
        balance == null ? BalancePolicy.ROUND_ROBIN : BalancePolicy.fromConfigName(balance);
    problems.check(policy != null, "balance", balance, policies());
    problems.throwIfAny();
    return new Variant(name, weight, parsed, policy);
  }

  /**
   * Returns this variant serving {@code endpoints} instead, validated as a variant is: how the
   * gateway serves the addresses a {@code dns:///} endpoint resolves to.
   *
   * @throws IllegalArgumentException if {@code endpoints} is empty, has a null or is too long
   */
  public Variant withEndpoints(List<Endpoint> endpoints) {
    return new Variant(name, weight, endpoints, balance);
  }

  /** Whether one of the endpoints is a name to re-resolve ({@code dns:///name:port}). */
  public boolean hasNames() {
    for (Endpoint endpoint : endpoints) {
      if (endpoint.dns()) {
        return true;
      }
    }
    return false;
  }

  private static String policies() {
    List<String> names = new ArrayList<>();
    for (BalancePolicy policy : BalancePolicy.values()) {
      names.add(policy.configName());
    }
    return "one of " + String.join(", ", names);
  }
}
