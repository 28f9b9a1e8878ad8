/**
 * Routing decisions for the gateway: which route serves a model, which variant of it serves a call
 * (weighted, sticky, overridden), whether the call is copied to a shadow, and which endpoint of the
 * variant gets it. Pure logic on the JDK, with no I/O and no gRPC types, so that every decision is
 * unit-testable and cheap enough for the hot path: no locks and no allocation per call.
 *
 * <p>This is the one routing model: the gateway's config loader builds these types directly ({@link
 * io.infergate.infer.router.Variant#of}, {@link io.infergate.infer.router.Shadow#of}, {@link
 * io.infergate.infer.router.Route#builder}), their checks are the only routing checks, and the
 * gateway's live table is a {@link io.infergate.infer.router.RoutingTable} whose variants carry the
 * gateway's targets.
 *
 * <p>Starting points: {@link io.infergate.infer.router.Router} (holds the current table), {@link
 * io.infergate.infer.router.Route#builder} and {@link io.infergate.infer.router.RoutingTable#of}.
 *
 * <p>Parameters and results that may be null say so in their javadoc; everything else is non-null.
 */
package io.infergate.infer.router;
