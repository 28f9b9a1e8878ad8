package io.infergate.infer.gateway.admin;

import static java.util.Objects.requireNonNull;

/**
 * Who made an admin call: the name the audit log records, and the role it was checked against.
 *
 * @param name as the tokens file gives it, such as {@code alice} or {@code ci-release}
 * @param role what it may do
 */
public record Identity(String name, Role role) {
  public Identity {
    requireNonNull(name, "name");
    requireNonNull(role, "role");
  }
}
