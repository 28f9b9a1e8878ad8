package io.infergate.infer.router;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.router.policy.EndpointBalancer;
import io.infergate.infer.router.resilience.InFlightLimit;
import io.infergate.infer.router.resilience.Resilience;
import io.infergate.infer.router.resilience.RetryBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How calls for one model are served: which variants exist, how traffic is split between them, what
 * keeps a caller on one variant, and what is copied to a shadow. The gateway asks a route three
 * questions per call, all without locks or allocation: {@link #pick} (which variant), {@link
 * #balancer} (which endpoint of it) and {@link #shadowFor} (whether to copy the call, and where).
 *
 * <p>Each variant carries a target of type {@code T}: whatever its user attaches to a variant (the
 * gateway: its channels and rewrite), so that a variant and what serves it travel together and are
 * swapped together. {@link #withTargets} attaches new targets to the same validated routing.
 *
 * <p>A route is immutable except for its balancers, which count calls in flight. They belong to the
 * route so that a reloaded {@link RoutingTable} starts with fresh balancers; a call must therefore
 * be released on the balancer it was picked from, which the gateway keeps for the call's lifetime.
 *
 * <p>Validation messages name fields relative to the route ({@code variants[1].name: "a" (expected:
 * unique, but variants[0] has it too)}); the config layer prefixes the route, such as {@code
 * routes[0].}.
 *
 * @param <T> what each variant carries for its user
 */
public final class Route<T> {
  /** Variants a route may have: one bit each in the set of variants a call has tried. */
  public static final int MAX_VARIANTS = 64;

  private static final String HEADER =
      "absent, or a lower-case header name of a-z, 0-9, '-', '_' and '.', not grpc-* or *-bin";

  private final String model;
  private final List<Variant> variants;
  private final Object[] targets;
  private final String stickyHeader;
  private final String overrideHeader;
  private final OverrideAccess overrideAccess;
  private final Shadow shadow;
  private final CanaryDrift canaryDrift;
  private final List<String> fallback;
  private final Resilience resilience;

  private final WeightedSplit split;
  private final int[] fallbackChain;
  private final InFlightLimit admission;
  private final RetryBudget retryBudget;
  private final String[] names;
  private final EndpointBalancer[] balancers;
  private final int shadowVariant;

  /** The variant the others' answers are compared with; -1 without {@link #canaryDrift}. */
  private final int canaryReference;

  /**
   * A draw's low 32 bits below this copy the call; 0 when there is no shadow, 2^32 at fraction 1.
   */
  private final long shadowThreshold;

  private Route(Builder<T> builder) {
    Problems problems = new Problems();
    problems.nonBlank(builder.model, "model");
    model = builder.model;
    variants = List.copyOf(builder.variants);
    targets = builder.targets.toArray();
    problems.check(!variants.isEmpty(), "variants", null, "at least one");
    if (variants.size() > MAX_VARIANTS) {
      problems.describe("variants", variants.size() + " variants", "at most " + MAX_VARIANTS);
    }
    names = new String[variants.size()];
    long totalWeight = 0;
    for (int i = 0; i < names.length; i++) {
      names[i] = variants.get(i).name();
      totalWeight += variants.get(i).weight();
      for (int earlier = 0; earlier < i; earlier++) {
        if (names[earlier].equals(names[i])) {
          problems.add(
              "variants[" + i + "].name",
              names[i],
              "unique, but variants[" + earlier + "] has it too");
          break;
        }
      }
    }
    if (!variants.isEmpty() && (totalWeight <= 0 || totalWeight > Integer.MAX_VALUE)) {
      problems.describe("variants", "total weight " + totalWeight, "1.." + Integer.MAX_VALUE);
    }
    stickyHeader = builder.stickyHeader;
    problems.check(isHeaderName(stickyHeader), "stickyHeader", stickyHeader, HEADER);
    overrideHeader = builder.overrideHeader;
    problems.check(isHeaderName(overrideHeader), "overrideHeader", overrideHeader, HEADER);
    if (overrideHeader == null && builder.overrideAccess != null) {
      problems.describe(
          "overrideAllow",
          "set without overrideHeader",
          "overrideHeader, or neither overrideAllow nor overrideDenied");
    }
    overrideAccess =
        builder.overrideAccess == null ? OverrideAccess.NOBODY : builder.overrideAccess;
    if (overrideHeader != null && overrideHeader.equals(overrideAccess.secretHeader())) {
      problems.add(
          "overrideAllow.secretHeader", overrideAccess.secretHeader(), "not the overrideHeader");
    }
    shadow = builder.shadow;
    shadowVariant = shadow == null ? -1 : indexOf(shadow.variant());
    if (shadow != null && shadowVariant < 0) {
      problems.add("shadow.variant", shadow.variant(), "one of " + List.of(names));
    }
    canaryDrift = builder.canaryDrift;
    canaryReference = canaryDrift == null ? -1 : referenceOf(canaryDrift, problems);
    fallback = List.copyOf(builder.fallback);
    fallbackChain = new int[fallback.size()];
    for (int i = 0; i < fallbackChain.length; i++) {
      fallbackChain[i] = indexOf(fallback.get(i));
      if (fallbackChain[i] < 0) {
        problems.add("fallback[" + i + "]", fallback.get(i), "one of " + List.of(names));
      } else if (fallback.subList(0, i).contains(fallback.get(i))) {
        problems.add("fallback[" + i + "]", fallback.get(i), "each variant at most once");
      }
    }
    resilience = builder.resilience;
    problems.throwIfAny();
    // At least 1, so that a tiny but positive fraction still copies some calls.
    shadowThreshold = shadow == null ? 0 : Math.max(1, Math.round(shadow.fraction() * 0x1.0p32));
    split = new WeightedSplit(variants);
    balancers = newBalancers(variants);
    admission = new InFlightLimit(resilience.limits().maxInFlight());
    retryBudget = new RetryBudget(resilience.retry(), System::nanoTime);
  }

  /** The same routing as {@code source}, with fresh balancers and targets from {@code factory}. */
  private <S> Route(Route<S> source, TargetFactory<? super S, ? extends T> factory) {
    model = source.model;
    variants = source.variants;
    stickyHeader = source.stickyHeader;
    overrideHeader = source.overrideHeader;
    overrideAccess = source.overrideAccess;
    shadow = source.shadow;
    canaryDrift = source.canaryDrift;
    canaryReference = source.canaryReference;
    fallback = source.fallback;
    fallbackChain = source.fallbackChain;
    resilience = source.resilience;
    admission = new InFlightLimit(resilience.limits().maxInFlight());
    retryBudget = new RetryBudget(resilience.retry(), System::nanoTime);
    split = source.split;
    names = source.names;
    shadowVariant = source.shadowVariant;
    shadowThreshold = source.shadowThreshold;
    balancers = newBalancers(variants);
    targets = new Object[variants.size()];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = factory.create(variants.get(i), source.target(i), balancers[i]);
    }
  }

  /** Starts a route for {@code model}, the name clients put in their requests. */
  public static <T> Builder<T> builder(String model) {
    return new Builder<>(model);
  }

  /**
   * Returns this routing with new targets, one per variant from {@code factory}, and fresh
   * balancers, which the factory receives; nothing is validated again.
   */
  public <U> Route<U> withTargets(TargetFactory<? super T, ? extends U> factory) {
    requireNonNull(factory, "factory");
    return new Route<U>(this, factory);
  }

  /**
   * Returns this route with some variants' weights changed, validated as a route from the config
   * file is, with the same targets; the release-control API's one way to change weights.
   *
   * @param weights new weight by variant name; variants not named keep theirs
   * @throws IllegalArgumentException naming each bad field ({@code weights["x"]: unknown variant},
   *     {@code variants[1].weight: -5 (expected: >= 0)}, or the total weight), one a line
   */
  public Route<T> withWeights(Map<String, Integer> weights) {
    requireNonNull(weights, "weights");
    Problems problems = new Problems();
    for (Map.Entry<String, Integer> entry : weights.entrySet()) {
      if (indexOf(entry.getKey()) < 0) {
        problems.describe(
            "weights[\"" + entry.getKey() + "\"]", "unknown variant", "one of " + List.of(names));
      } else if (entry.getValue() == null || entry.getValue() < 0) {
        problems.add("variants[" + indexOf(entry.getKey()) + "].weight", entry.getValue(), ">= 0");
      }
    }
    problems.throwIfAny();
    return withVariants(
        old ->
            new Variant(
                old.name(),
                weights.getOrDefault(old.name(), old.weight()),
                old.endpoints(),
                old.balance()));
  }

  /**
   * Returns this route with each variant's endpoints replaced by what {@code endpoints} gives for
   * it, with the same targets: how the gateway serves the addresses that the variant's {@code
   * dns:///} names resolve to.
   *
   * @throws IllegalArgumentException if a variant would have no endpoints, or too many
   */
  public Route<T> withEndpoints(Function<Variant, List<Endpoint>> endpoints) {
    requireNonNull(endpoints, "endpoints");
    return withVariants(old -> old.withEndpoints(endpoints.apply(old)));
  }

  /** This routing with each variant replaced by {@code change}'s, validated again. */
  private Route<T> withVariants(Function<Variant, Variant> change) {
    Builder<T> builder =
        new Builder<T>(model)
            .stickyHeader(stickyHeader)
            .overrideHeader(overrideHeader)
            .overrideAccess(overrideAccess == OverrideAccess.NOBODY ? null : overrideAccess)
            .shadow(shadow)
            // The reference as resolved now: new weights must not make the canary its own
            // reference.
            .canaryDrift(
                canaryDrift == null ? null : canaryDrift.withReference(names[canaryReference]))
            .fallback(fallback)
            .resilience(resilience);
    for (int i = 0; i < variants.size(); i++) {
      builder.variant(change.apply(variants.get(i)), target(i));
    }
    return builder.build();
  }

  /** Returns the model name clients ask for. */
  public String model() {
    return model;
  }

  /** Returns the variants in config order; {@link #pick} returns indexes into this list. */
  public List<Variant> variants() {
    return variants;
  }

  /**
   * Returns the variant at {@code index}, as returned by {@link #pick} or {@link #shadowVariant}.
   */
  public Variant variant(int index) {
    return variants.get(index);
  }

  /** Returns what the variant at {@code index} carries; null if it was given none. */
  @SuppressWarnings("unchecked")
  public T target(int index) {
    return (T) targets[index];
  }

  /** Returns the request header whose value keeps a caller on one variant, or null if none. */
  public String stickyHeader() {
    return stickyHeader;
  }

  /** Returns the request header that names the variant to use, or null if none. */
  public String overrideHeader() {
    return overrideHeader;
  }

  /**
   * Returns which callers the {@link #overrideHeader} works for; {@link OverrideAccess#NOBODY} when
   * the route has no allow rule. The gateway asks it before passing an override to {@link #pick}.
   */
  public OverrideAccess overrideAccess() {
    return overrideAccess;
  }

  /** Returns the shadow config, or null if calls are not copied. */
  public Shadow shadow() {
    return shadow;
  }

  /** Returns how variants' answers are compared with the reference's, or null if they are not. */
  public CanaryDrift canaryDrift() {
    return canaryDrift;
  }

  /**
   * Returns the index of the variant whose answers the others' are compared with: the one {@link
   * CanaryDrift#reference} names, else the one of highest weight as built; -1 without {@link
   * #canaryDrift}.
   */
  public int canaryReference() {
    return canaryReference;
  }

  /**
   * Returns the variants tried in order when the one picked cannot serve; empty for the default.
   */
  public List<String> fallback() {
    return fallback;
  }

  /** Returns the route's deadlines, limits, breaker, ejection and retry settings. */
  public Resilience resilience() {
    return resilience;
  }

  /**
   * Returns the limit on the route's calls in flight. Fresh for each table, like the balancers: a
   * call releases it on the route it acquired it from.
   */
  public InFlightLimit admission() {
    return admission;
  }

  /** Returns the retries the route may still make; fresh for each table. */
  public RetryBudget retryBudget() {
    return retryBudget;
  }

  /**
   * Returns the index of the variant to try next for a call whose earlier choices cannot serve, or
   * -1 if none is left. {@code tried} has bit {@code i} set for each variant {@code i} already
   * tried. With a {@link #fallback} chain, its first variant not tried; otherwise the variants with
   * weight not tried, in proportion to their weights, so a failing canary's share spreads over the
   * others as its weight would; a sticky key goes to its next choice, and back to its first once
   * that recovers.
   */
  public int next(long tried, String stickyKey, long random) {
    if (fallbackChain.length > 0) {
      for (int index : fallbackChain) {
        if ((tried & (1L << index)) == 0) {
          return index;
        }
      }
      return -1;
    }
    if (stickyKey != null && !stickyKey.isEmpty()) {
      return split.pickSticky(stickyKey, tried);
    }
    return split.pick(random, tried);
  }

  /**
   * Returns the index of the variant that serves a call.
   *
   * <p>The caller must already have passed the route's {@link #overrideAccess}: pass null as {@code
   * overrideValue} for a caller it does not allow.
   *
   * <ol>
   *   <li>An {@code overrideValue} equal to a variant's name picks that variant, even one with
   *       weight 0, so testers can reach a dark variant. A value naming no variant is ignored
   *       rather than refused: a stale header from a client must not break its calls, so the call
   *       falls through to the next rule.
   *   <li>A non-empty {@code stickyKey} picks by weighted rendezvous hashing: the same key gets the
   *       same variant while weights are unchanged, and a ramp only moves keys onto the variant
   *       being raised. An empty key counts as absent, so that callers who send an empty header are
   *       spread by weight instead of all sharing one variant.
   *   <li>Otherwise a weighted random choice from the high 32 bits of {@code random}.
   * </ol>
   *
   * @param stickyKey value of the {@link #stickyHeader} of the call, or null
   * @param overrideValue value of the {@link #overrideHeader} of the call, or null
   * @param random a uniformly random long, such as {@code ThreadLocalRandom.current().nextLong()};
   *     the same value may be passed to {@link #shadowFor}, which uses the other 32 bits
   */
  public int pick(String stickyKey, String overrideValue, long random) {
    if (overrideValue != null) {
      int forced = indexOf(overrideValue);
      if (forced >= 0) {
        return forced;
      }
    }
    if (stickyKey != null && !stickyKey.isEmpty()) {
      return split.pickSticky(stickyKey);
    }
    return split.pick(random);
  }

  /**
   * Returns the index of the variant to copy a call served by variant {@code served} to, or -1: the
   * {@link #shadowVariant} with probability {@code shadow().fraction()}, never when the route has
   * no shadow or the call is already served by the shadow variant. Uses only the low 32 bits of
   * {@code random}, so it is independent of {@link #pick} given the same value.
   */
  public int shadowFor(int served, long random) {
    return served != shadowVariant && shouldShadow(random) ? shadowVariant : -1;
  }

  /**
   * Returns whether to copy a call: true with probability {@code shadow().fraction()}, never when
   * the route has no shadow. Uses only the low 32 bits of {@code random}.
   */
  public boolean shouldShadow(long random) {
    return (random & 0xffff_ffffL) < shadowThreshold;
  }

  /** Returns the index of the variant that receives copies, or -1 if the route has no shadow. */
  public int shadowVariant() {
    return shadowVariant;
  }

  /**
   * Returns the balancer that picks an endpoint of variant {@code index}, in its endpoint order.
   */
  public EndpointBalancer balancer(int index) {
    return balancers[index];
  }

  private int indexOf(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static EndpointBalancer[] newBalancers(List<Variant> variants) {
    EndpointBalancer[] balancers = new EndpointBalancer[variants.size()];
    for (int i = 0; i < balancers.length; i++) {
      Variant variant = variants.get(i);
      balancers[i] = EndpointBalancer.of(variant.balance(), variant.endpoints().size());
    }
    return balancers;
  }

  /** The index of the variant {@code drift} compares with, or -1 after adding why there is none. */
  private int referenceOf(CanaryDrift drift, Problems problems) {
    if (drift.reference() != null) {
      int named = indexOf(drift.reference());
      if (named < 0) {
        problems.add("canaryDrift.reference", drift.reference(), "one of " + List.of(names));
      }
      return named;
    }
    int heaviest = -1;
    for (int i = 0; i < variants.size(); i++) {
      if (heaviest < 0 || variants.get(i).weight() > variants.get(heaviest).weight()) {
        heaviest = i;
      }
    }
    return heaviest;
  }

  /**
   * Whether {@code name} may be used as a gRPC request header read as text: lower-case token
   * characters only, not reserved ({@code grpc-*}) and not binary ({@code *-bin}); null (no header)
   * is fine.
   */
  static boolean isHeaderName(String name) {
    if (name == null) {
      return true;
    }
    if (name.isEmpty() || name.startsWith("grpc-") || name.endsWith("-bin")) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean valid =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
      if (!valid) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "Route[model="
        + model
        + ", variants="
        + variants
        + ", stickyHeader="
        + stickyHeader
        + ", overrideHeader="
        + overrideHeader
        + ", overrideAccess="
        + overrideAccess
        + ", shadow="
        + shadow
        + ", canaryDrift="
        + canaryDrift
        + ", fallback="
        + fallback
        + ", resilience="
        + resilience
        + "]";
  }

  /**
   * Makes a variant's target for a route with new targets ({@link #withTargets}).
   *
   * @param <T> what the variant carried
   * @param <U> what it is to carry
   */
  @FunctionalInterface
  public interface TargetFactory<T, U> {
    /**
     * Returns what {@code variant} is to carry, given what it carried and the balancer of the new
     * route that picks among its endpoints.
     */
    U create(Variant variant, T target, EndpointBalancer balancer);
  }

  /**
   * Collects a route's parts; {@link #build} validates them together.
   *
   * @param <T> what each variant carries
   */
  public static final class Builder<T> {
    private final String model;
    private final List<Variant> variants = new ArrayList<>();
    private final List<T> targets = new ArrayList<>();
    private String stickyHeader;
    private String overrideHeader;
    private OverrideAccess overrideAccess;
    private Shadow shadow;
    private CanaryDrift canaryDrift;
    private final List<String> fallback = new ArrayList<>();
    private Resilience resilience = Resilience.DEFAULT;

    private Builder(String model) {
      this.model = model;
    }

    /** Adds a variant that carries nothing (a null target). */
    public Builder<T> variant(Variant variant) {
      return variant(variant, null);
    }

    /**
     * Adds a variant and what it carries; the order of calls is the order of {@link
     * Route#variants()}.
     */
    public Builder<T> variant(Variant variant, T target) {
      variants.add(requireNonNull(variant, "variant"));
      targets.add(target);
      return this;
    }

    /**
     * Sets the header that keeps a caller on one variant, such as {@code x-user-id}; null for none.
     */
    public Builder<T> stickyHeader(String name) {
      stickyHeader = name;
      return this;
    }

    /**
     * Sets the header that names the variant to use, such as {@code x-variant-override}; null for
     * none.
     */
    public Builder<T> overrideHeader(String name) {
      overrideHeader = name;
      return this;
    }

    /**
     * Sets which callers the override header works for; null (the default) for nobody, so that an
     * override header without an allow rule is ignored.
     */
    public Builder<T> overrideAccess(OverrideAccess access) {
      overrideAccess = access;
      return this;
    }

    /** Sets which variant receives copies of calls, and how many; null for none. */
    public Builder<T> shadow(Shadow shadow) {
      this.shadow = shadow;
      return this;
    }

    /** Sets how variants' answers are compared with a reference variant's; null for not at all. */
    public Builder<T> canaryDrift(CanaryDrift canaryDrift) {
      this.canaryDrift = canaryDrift;
      return this;
    }

    /**
     * Sets the variants to try, in order, when the one picked cannot serve; empty (the default)
     * spreads its calls over the others by weight.
     */
    public Builder<T> fallback(List<String> variants) {
      fallback.clear();
      fallback.addAll(requireNonNull(variants, "variants"));
      return this;
    }

    /** Sets the route's deadlines, limits, breaker, ejection and retry settings. */
    public Builder<T> resilience(Resilience resilience) {
      this.resilience = requireNonNull(resilience, "resilience");
      return this;
    }

    /**
     * Returns the validated route.
     *
     * @throws IllegalArgumentException naming each bad field, one a line, if the model is blank,
     *     there are no variants, two variants share a name, the total weight is not in
     *     1..Integer.MAX_VALUE, a header name is not a lower-case gRPC header name or the shadow
     *     names no variant of this route, or a fallback names none or one twice
     */
    public Route<T> build() {
      return new Route<>(this);
    }
  }
}
