package io.infergate.infer.perf;

/**
 * One A-then-B round at one concurrency.
 *
 * @param concurrency threads of the Session.run loop, and calls in flight for ModelInfer
 * @param sessionRun A: the in-process loop; its CPU is the loop process's
 * @param modelInfer B: ModelInfer over gRPC; its CPU is the model server process's
 * @param loadCpuSeconds CPU the load generator (the benchmark process) used in B's window
 * @param idleServerCpuSeconds CPU the model server used while A ran, which A had to share a core
 *     with; near zero unless something on the server runs without calls
 */
record Round(
    int concurrency,
    Measurement sessionRun,
    Measurement modelInfer,
    double loadCpuSeconds,
    double idleServerCpuSeconds) {

  /** B's throughput over A's. */
  double ratio() {
    return modelInfer.throughput() / sessionRun.throughput();
  }
}
