/**
 * The data plane: a handler registry of raw-bytes methods, the per-call forwarding listener pair,
 * the routes in force (the router's table whose variants carry their channels), shadow copies, the
 * answers decoded off the call's path (shadow agreement, canary drift), and the few statuses the
 * gateway makes itself.
 *
 * <p>Starting points: {@link io.infergate.infer.gateway.proxy.LiveRoutes} (the live table and its
 * reloads) and {@link io.infergate.infer.gateway.proxy.ForwardingRegistry} (what the server
 * serves).
 */
package io.infergate.infer.gateway.proxy;
