package io.infergate.infer.gateway.ctl;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.infergate.infer.observability.config.DurationFlagConverter;
import io.infergate.infer.observability.config.Durations;
import io.infergate.infer.observability.transport.ClientTls;
import io.infergate.infer.observability.transport.TlsCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;

/**
 * The flags every command takes to reach the admin port: where, with which token, over plaintext,
 * TLS or mutual TLS, and how long to wait. Flags win over the environment.
 */
final class AdminConnection {
  static final String ADMIN_VARIABLE = "GATEWAYCTL_ADMIN";
  static final String TOKEN_FILE_VARIABLE = "GATEWAYCTL_TOKEN_FILE";
  static final String TOKEN_VARIABLE = "GATEWAYCTL_TOKEN";
  static final String DEFAULT_ADMIN = "127.0.0.1:8090";

  @Option(
      scope = ScopeType.INHERIT,
      names = "--admin",
      paramLabel = "HOST:PORT",
      description = "the gateway's admin port (default: $GATEWAYCTL_ADMIN, else 127.0.0.1:8090)")
  String admin;

  @Option(
      scope = ScopeType.INHERIT,
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "file holding the bearer token (default: $GATEWAYCTL_TOKEN_FILE, else the token in"
              + " $GATEWAYCTL_TOKEN)")
  Path tokenFile;

  @Option(
      scope = ScopeType.INHERIT,
      names = "--deadline",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationFlagConverter.class,
      description = "how long each admin call may take (default: ${DEFAULT-VALUE})")
  Duration deadline;

  @Option(
      scope = ScopeType.INHERIT,
      names = "--ca",
      paramLabel = "FILE",
      description = "CA certificates (PEM) the admin port's certificate must chain to: TLS")
  Path ca;

  @Option(
      scope = ScopeType.INHERIT,
      names = "--cert",
      paramLabel = "FILE",
      description = "client certificate chain (PEM) to present: mutual TLS (needs --key)")
  Path cert;

  @Option(
      scope = ScopeType.INHERIT,
      names = "--key",
      paramLabel = "FILE",
      description = "the client certificate's key (PEM)")
  Path key;

  /**
   * Connects (lazily, as gRPC does) to the admin port these flags and {@code environment} name.
   *
   * @param command the command running, which a usage error names
   * @throws ParameterException naming the flag whose value cannot be used
   */
  AdminSession open(Map<String, String> environment, CommandLine command) {
    String fromEnvironment = variable(environment, ADMIN_VARIABLE);
    String address =
        admin != null ? admin : fromEnvironment != null ? fromEnvironment : DEFAULT_ADMIN;
    HostAndPort target;
    try {
      target = HostAndPort.parse(address, admin != null ? "--admin" : ADMIN_VARIABLE);
    } catch (IllegalArgumentException e) {
      throw usage(command, e.getMessage());
    }
    if (deadline.isNegative() || deadline.isZero()) {
      throw usage(command, "--deadline: " + Durations.format(deadline) + " (expected: > 0)");
    }
    String token = token(environment, command);
    TlsCredentials tls = tls(command);
    ChannelCredentials credentials =
        tls == null ? InsecureChannelCredentials.create() : tls.channel();
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(target.host(), target.port(), credentials).build();
    return new AdminSession(channel, tls, token, deadline);
  }

  /** The bearer token, or null for none (the gateway answers UNAUTHENTICATED). */
  private String token(Map<String, String> environment, CommandLine command) {
    Path file = tokenFile;
    String flag = "--token-file";
    if (file == null && variable(environment, TOKEN_FILE_VARIABLE) != null) {
      file = Path.of(variable(environment, TOKEN_FILE_VARIABLE));
      flag = TOKEN_FILE_VARIABLE;
    }
    if (file == null) {
      return variable(environment, TOKEN_VARIABLE);
    }
    String token;
    try {
      token = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw usage(command, flag + ": " + file + ": cannot read (" + e + ")");
    }
    if (token.isEmpty() || token.chars().anyMatch(Character::isWhitespace)) {
      throw usage(command, flag + ": " + file + ": expected one token and nothing else");
    }
    return token;
  }

  /** Channel credentials for {@code --ca}, {@code --cert} and {@code --key}; null: plaintext. */
  private TlsCredentials tls(CommandLine command) {
    if (ca == null && cert == null && key == null) {
      return null;
    }
    try {
      // Read once: a command lives for one call, so the files need no refreshing.
      return TlsCredentials.forChannels(new ClientTls(ca, cert, key, Duration.ZERO));
    } catch (IllegalArgumentException e) {
      // ClientTls names its keys as the config file does; say which flag.
      throw usage(
          command,
          e.getMessage()
              .replace("certChain", "--cert")
              .replace("privateKey", "--key")
              .replaceAll("(?m)^ca:", "--ca:"));
    }
  }

  /** The variable's value, stripped; null when it is unset or blank, as shells treat {@code X=}. */
  private static String variable(Map<String, String> environment, String name) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static ParameterException usage(CommandLine command, String message) {
    return new ParameterException(command, message);
  }

  /** {@code host:port} or {@code [v6-address]:port}. */
  record HostAndPort(String host, int port) {
    static HostAndPort parse(String text, String name) {
      int colon = text.lastIndexOf(':');
      String host = colon < 0 ? "" : text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port = -1;
      try {
        port = colon < 0 ? -1 : Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (host.isEmpty() || port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            name + ": \"" + text + "\" (expected: HOST:PORT with a port in 1..65535)");
      }
      return new HostAndPort(host, port);
    }
  }
}
