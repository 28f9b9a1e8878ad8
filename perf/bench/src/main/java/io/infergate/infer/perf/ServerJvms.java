package io.infergate.infer.perf;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of suites that start the gateway in JVMs of their own, by default from the suite's
 * own classpath ({@code @Mixin ServerJvms jvms;}): {@code --gateway-classpath} and {@code
 * --jvm-options}; a suite whose servers want other JVM options by default names them ({@code @Mixin
 * ServerJvms jvms = new ServerJvms("-Xms1g -Xmx1g");}).
 */
public final class ServerJvms {
  @Option(names = "--gateway-classpath", description = "the gateway's (default: this JVM's)")
  private String gatewayClasspath;

  @Option(
      names = "--jvm-options",
      description = "options of every server JVM (default: ${DEFAULT-VALUE})")
  private String jvmOptions;

  /** Server JVMs with a 1 GiB heap at most unless {@code --jvm-options} says otherwise. */
  public ServerJvms() {
    this("-Xmx1g");
  }

  /**
   * @param defaultJvmOptions the options of every server JVM unless {@code --jvm-options} says
   *     otherwise, separated by white space
   */
  public ServerJvms(String defaultJvmOptions) {
    this.jvmOptions = defaultJvmOptions;
  }

  /** The gateway's classpath: as given, else this JVM's. */
  public String gatewayClasspath() {
    return gatewayClasspath != null ? gatewayClasspath : ownClasspath();
  }

  /** This JVM's classpath, which holds every server's classes. */
  public static String ownClasspath() {
    return System.getProperty("java.class.path");
  }

  /** The options every server JVM starts with, one per element. */
  public List<String> jvmOptions() {
    return Arrays.asList(jvmOptions.trim().split("\\s+"));
  }

  /** The environment table's {@code JVM} row: the suite's JVM and the servers' options. */
  public String describe() {
    return Suite.jvm() + ", server JVMs with `" + jvmOptions + "`";
  }
}
