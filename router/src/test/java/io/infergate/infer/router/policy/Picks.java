package io.infergate.infer.router.policy;

/** The endpoints a balancer picks over a run of calls, as the policy tests check them. */
final class Picks {
  private Picks() {}

  /** The picks for {@code calls} calls made one after another, each released before the next. */
  static int[] oneAtATime(EndpointBalancer balancer, int calls) {
    int[] picks = new int[calls];
    for (int i = 0; i < calls; i++) {
      picks[i] = balancer.pick();
      balancer.release(picks[i]);
    }
    return picks;
  }

  /**
   * The picks for {@code calls} calls that are all still in flight, never picking an endpoint whose
   * bit is set in {@code excluded}.
   */
  static int[] allInFlight(EndpointBalancer balancer, int calls, long excluded) {
    int[] picks = new int[calls];
    for (int i = 0; i < calls; i++) {
      picks[i] = balancer.pick(excluded);
    }
    return picks;
  }
}
