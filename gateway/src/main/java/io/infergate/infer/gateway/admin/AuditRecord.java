package io.infergate.infer.gateway.admin;

import java.util.Map;

/**
 * One line of the audit log: one change of one route's weights or ramp, as JSON.
 *
 * @param time ISO-8601 instant
 * @param identity who: a token's or certificate's name, {@code config-file} or {@code gateway}
 * @param action what: the admin method's name, or {@code config-file}, {@code ramp-step}, {@code
 *     ramp-complete}, {@code gate-rollback}
 * @param before the route's weights before, by variant
 * @param after the route's weights after, by variant
 * @param reason why, in the writer's words or the gates'
 * @param revision the routing state's revision this change made
 * @param figures what the gates saw, for ramp steps and rollbacks; else empty
 */
record AuditRecord(
    String time,
    String identity,
    String action,
    String model,
    Map<String, Integer> before,
    Map<String, Integer> after,
    String reason,
    long revision,
    Map<String, Double> figures) {
  AuditRecord {
    before = before == null ? Map.of() : before;
    after = after == null ? Map.of() : after;
    reason = reason == null ? "" : reason;
    figures = figures == null ? Map.of() : figures;
  }
}
