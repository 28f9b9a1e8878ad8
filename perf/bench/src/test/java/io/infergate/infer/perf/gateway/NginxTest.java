package io.infergate.infer.perf.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NginxTest {
  @Test
  void http2DirectiveArrivedIn1251() {
    assertThat(Nginx.hasHttp2Directive("nginx/1.22.1")).isFalse();
    assertThat(Nginx.hasHttp2Directive("nginx/1.25.0")).isFalse();
    assertThat(Nginx.hasHttp2Directive("nginx/1.25.1")).isTrue();
    assertThat(Nginx.hasHttp2Directive("nginx/1.26.3")).isTrue();
    assertThat(Nginx.hasHttp2Directive("nginx version: nginx/1.27.0 (Ubuntu)")).isTrue();
  }

  @Test
  void oldSyntaxPutsHttp2OnTheListenLine() {
    String config = Nginx.config(Path.of("/tmp/x"), 8081, "127.0.0.1:9000", false);

    assertThat(config)
        .contains("listen 127.0.0.1:8081 http2;")
        .doesNotContain("http2 on;")
        .contains("server 127.0.0.1:9000;")
        .contains("keepalive 64;")
        .contains("grpc_pass grpc://backend;")
        .contains("worker_processes 1;")
        .contains("access_log off;");
  }

  @Test
  void newSyntaxUsesTheHttp2Directive() {
    String config = Nginx.config(Path.of("/tmp/x"), 8081, "127.0.0.1:9000", true);

    assertThat(config).contains("listen 127.0.0.1:8081;").contains("http2 on;");
  }
}
