/**
 * The gateway's configuration: YAML, environment variables and flags bound into one record whose
 * routes are the router's types ({@link io.infergate.infer.gateway.config.GatewayConfigLoader},
 * {@link io.infergate.infer.gateway.config.GatewayConfig}), and hot reload by polling through the
 * same loader ({@link io.infergate.infer.gateway.config.ConfigWatcher}).
 */
package io.infergate.infer.gateway.config;
