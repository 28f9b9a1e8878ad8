package io.infergate.infer.perf.gateway;

import io.infergate.infer.perf.kit.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nginx as the reference gRPC proxy: one worker, {@code grpc_pass} to an upstream with idle
 * keep-alive connections, no access log. Connection reuse limits are raised on both sides so that
 * nginx, like the gateway, never closes a connection in the middle of a run (its defaults close
 * client and upstream connections every 1,000 requests, and h2load does not reconnect).
 */
final class Nginx {
  private Nginx() {}

  /** The binary, or null when nginx is not installed. */
  static String binary() {
    for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return null;
  }

  /** {@code nginx/1.22.1}, from {@code nginx -v}. */
  static String version(String binary) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(binary, "-v").redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    Matcher matcher = Pattern.compile("nginx/[0-9.]+").matcher(out);
    return matcher.find() ? matcher.group() : out.trim();
  }

  /**
   * Whether this nginx takes {@code http2 on;} (1.25.1 and later) rather than {@code listen ...
   * http2}, which those versions deprecate.
   */
  static boolean hasHttp2Directive(String version) {
    Matcher matcher = Pattern.compile("nginx/(\\d+)\\.(\\d+)\\.(\\d+)").matcher(version);
    if (!matcher.find()) {
      return false;
    }
    int major = Integer.parseInt(matcher.group(1));
    int minor = Integer.parseInt(matcher.group(2));
    int patch = Integer.parseInt(matcher.group(3));
    return major > 1 || (major == 1 && (minor > 25 || (minor == 25 && patch >= 1)));
  }

  /** The configuration: one worker, listening on {@code port}, proxying to {@code backend}. */
  static String config(Path prefix, int port, String backend, boolean http2Directive) {
    String listen =
        http2Directive
            ? "    listen 127.0.0.1:" + port + ";\n    http2 on;\n"
            : "    listen 127.0.0.1:" + port + " http2;\n";
    return "worker_processes 1;\n"
        + "daemon off;\n"
        + "pid "
        + prefix.resolve("nginx.pid")
        + ";\n"
        + "error_log "
        + prefix.resolve("error.log")
        + " warn;\n"
        + "events { worker_connections 8192; }\n"
        + "http {\n"
        + "  access_log off;\n"
        + "  client_body_temp_path "
        + prefix.resolve("body")
        + ";\n"
        + "  keepalive_requests 1000000000;\n"
        + "  keepalive_timeout 600s;\n"
        + "  upstream backend {\n"
        + "    server "
        + backend
        + ";\n"
        + "    keepalive 64;\n"
        + "    keepalive_requests 1000000000;\n"
        + "    keepalive_timeout 600s;\n"
        + "  }\n"
        + "  server {\n"
        + listen
        + "    http2_max_concurrent_streams 1024;\n"
        + "    location / { grpc_pass grpc://backend; }\n"
        + "  }\n"
        + "}\n";
  }

  /** Writes the configuration under {@code prefix} and starts nginx with it, in the foreground. */
  static ChildProcess start(
      String binary, String cpus, Path prefix, int port, String backend, String version)
      throws IOException, InterruptedException {
    Files.createDirectories(prefix);
    Path conf = prefix.resolve("nginx.conf");
    Files.writeString(conf, config(prefix, port, backend, hasHttp2Directive(version)));
    return ChildProcess.startListening(
        "nginx",
        ChildProcess.pinned(cpus, List.of(binary, "-c", conf.toString(), "-p", prefix.toString())),
        prefix.resolve("nginx.out"),
        "127.0.0.1",
        port,
        Duration.ofSeconds(30));
  }
}
