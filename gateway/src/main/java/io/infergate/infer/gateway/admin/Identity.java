package io.infergate.infer.gateway.admin;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * Who made an admin call: the name the audit log records, and the role it was checked against.
 *
 * @param name as the tokens file gives it, such as {@code alice} or {@code ci-release}
 * @param role what it may do
 */
public record Identity(String name, Role role) {
  /**
   * Names the audit log gives the changes no caller made ({@code config-file}, {@code gateway}): no
   * token or certificate may carry them, or a caller could pass its change off as one of those.
   */
  public static final Set<String> RESERVED_NAMES =
      Set.of(ReleaseControl.CONFIG_FILE, ReleaseControl.GATEWAY);

  public Identity {
    requireNonNull(name, "name");
    requireNonNull(role, "role");
  }
}
