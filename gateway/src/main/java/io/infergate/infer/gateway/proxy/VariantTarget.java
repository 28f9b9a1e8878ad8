package io.infergate.infer.gateway.proxy;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.infergate.infer.gateway.config.Rewrite;
import io.infergate.infer.router.Endpoint;
import io.infergate.infer.router.Shadow;
import io.infergate.infer.router.Variant;
import io.infergate.infer.router.policy.EndpointBalancer;
import java.io.IOException;
import java.util.List;

/**
 * What a variant of the live routing table carries: a channel per endpoint (in the variant's
 * endpoint order), the balancer of its route that spreads calls over them, its rewrite, and, for
 * the variant that receives its route's shadow copies, their bounds and counters.
 */
final class VariantTarget {
  private final String name;
  private final List<Endpoint> endpoints;
  private final ManagedChannel[] channels;
  private final EndpointBalancer balancer;
  private final Rewrite rewrite;
  private final ShadowCopies copies;

  /**
   * @param shadow the route's shadow when this variant receives its copies, otherwise null
   */
  VariantTarget(
      Variant variant,
      ManagedChannel[] channels,
      EndpointBalancer balancer,
      Rewrite rewrite,
      Shadow shadow) {
    this.name = variant.name();
    this.endpoints = variant.endpoints();
    this.channels = channels.clone();
    this.balancer = balancer;
    this.rewrite = rewrite.isNone() ? null : rewrite;
    this.copies = shadow == null ? null : new ShadowCopies(this, shadow);
  }

  String name() {
    return name;
  }

  /**
   * An endpoint for one call, skipping those whose channel is known to be failing; -1 when every
   * one is. The caller must {@link #release} what it got, exactly once.
   */
  int pick() {
    for (int attempt = 0; attempt < channels.length; attempt++) {
      int index = balancer.pick();
      if (channels[index].getState(true) != ConnectivityState.TRANSIENT_FAILURE) {
        return index;
      }
      balancer.release(index);
    }
    return -1;
  }

  void release(int index) {
    balancer.release(index);
  }

  ManagedChannel channel(int index) {
    return channels[index];
  }

  Endpoint endpoint(int index) {
    return endpoints.get(index);
  }

  List<Endpoint> endpoints() {
    return endpoints;
  }

  /** The copies this variant receives as its route's shadow; null if it is not the shadow. */
  ShadowCopies copies() {
    return copies;
  }

  /** The body to send: the caller's bytes untouched, unless this variant renames the model. */
  byte[] body(BodyFormat format, byte[] body) throws IOException {
    return rewrite == null ? body : format.rewrite(body, rewrite.model(), rewrite.version());
  }

  @Override
  public String toString() {
    return "VariantTarget[" + name + " " + endpoints + "]";
  }
}
