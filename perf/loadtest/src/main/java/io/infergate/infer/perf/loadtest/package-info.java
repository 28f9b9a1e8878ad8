/**
 * The ghz-compatible load harness behind {@code bin/loadtest}: ghz's flags, config files and report
 * formats, plus an open-loop mode that measures latency from each call's intended send time,
 * per-variant attribution from {@code x-variant}, an SLO search and a self-contained HTML report.
 *
 * <p>Starting points: {@link io.infergate.infer.perf.loadtest.LoadtestMain}.
 */
package io.infergate.infer.perf.loadtest;
