/** Test fixtures: a small OIP server on loopback with injectable failures, stalls and variants. */
package io.infergate.infer.perf.loadtest.testing;
