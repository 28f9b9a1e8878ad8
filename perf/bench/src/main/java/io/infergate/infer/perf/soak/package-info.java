/**
 * The soak: one model server under a steady closed-loop load for minutes while a new version of its
 * model is published every few seconds, sampled for RSS, native memory, heap, threads and file
 * descriptors, to show that none of them grows with the swaps.
 *
 * <p>Starting point: {@link io.infergate.infer.perf.soak.SoakBench} ({@code perf/bin/soak}).
 */
package io.infergate.infer.perf.soak;
