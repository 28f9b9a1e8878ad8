package io.infergate.infer.gateway.admin;

import io.infergate.infer.router.ConfigNames;

/** What an admin identity may do; each role may do everything the ones before it may. */
public enum Role {
  /** Reads routes and weights. */
  VIEWER,
  /** Also changes weights and runs ramps: promote, roll back. */
  OPERATOR,
  /** Everything an operator may, and whatever later needs more. */
  ADMIN;

  /** Whether this role may do what {@code required} may. */
  boolean allows(Role required) {
    return compareTo(required) >= 0;
  }

  /**
   * The role a tokens file or {@code admin.clientRoles} names in lower case ({@code viewer}, {@code
   * operator}, {@code admin}), or null.
   */
  public static Role fromConfigName(String name) {
    return ConfigNames.find(values(), name);
  }

  /** The lower-case name a config file and the API use. */
  public String configName() {
    return ConfigNames.of(this);
  }
}
