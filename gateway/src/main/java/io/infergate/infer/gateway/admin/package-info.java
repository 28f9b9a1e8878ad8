/**
 * Release control: the admin port's {@code infergate.admin.v1.GatewayAdmin} service, its identity
 * check (bearer tokens, client certificates) and the durable, audited routing state behind it.
 * Starting points: {@link io.infergate.infer.gateway.admin.AdminServer} and {@link
 * io.infergate.infer.gateway.admin.ReleaseControl}.
 */
package io.infergate.infer.gateway.admin;
