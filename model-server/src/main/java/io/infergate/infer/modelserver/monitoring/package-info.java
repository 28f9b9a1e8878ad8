/**
 * Model monitoring in the serving path: each call's inputs checked against the training baseline
 * that ships with its version ({@code assets.extra/baseline.json}), and the inputs' and predicted
 * classes' distributions over a sliding window compared with that baseline (PSI, Jensen–Shannon).
 * The hot path makes one pass over the decoded input, allocating nothing per value; the divergences
 * are computed only when metrics are collected.
 *
 * <p>Starting points: {@link io.infergate.infer.observability.baseline.Baseline} (the file) and
 * {@link io.infergate.infer.modelserver.monitoring.VersionMonitor} (one per monitored version).
 */
package io.infergate.infer.modelserver.monitoring;
