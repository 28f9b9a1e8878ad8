/**
 * {@code bin/gatewayctl}: the release manager's command line over the gateway's admin API ({@code
 * infergate.admin.v1.GatewayAdmin}), with tables for people, {@code -o json} for scripts and one
 * exit code per kind of failure. Starting point: {@link
 * io.infergate.infer.gateway.ctl.GatewayCtlMain}.
 */
package io.infergate.infer.gateway.ctl;
