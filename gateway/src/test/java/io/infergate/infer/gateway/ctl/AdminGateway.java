package io.infergate.infer.gateway.ctl;

import io.infergate.infer.gateway.testing.AdminPlane;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.proto.admin.v1.GetRoutesResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@link AdminPlane} as gatewayctl meets it: route {@code digits} split between two fake backends
 * {@code v1} (weight 100) and {@code v2} (0), which tag their answers with {@code x-served-by}; and
 * the viewer's and the operator's tokens in files, for {@code --token-file}.
 */
final class AdminGateway {
  static final String VIEWER = AdminPlane.VIEWER;
  static final String OPERATOR = AdminPlane.OPERATOR;

  final FakeBackend v1;
  final FakeBackend v2;
  final AdminPlane plane;
  final Path viewerTokenFile;
  final Path operatorTokenFile;

  AdminGateway(TestBed bed, Path dir) throws IOException {
    v1 = bed.backend("v1");
    v2 = bed.backend("v2");
    viewerTokenFile = Files.writeString(dir.resolve("viewer.token"), VIEWER + "\n");
    operatorTokenFile = Files.writeString(dir.resolve("operator.token"), OPERATOR + "\n");
    plane = AdminPlane.start(bed, dir, v1, 100, v2, 0);
  }

  /** {@code --admin} for this gateway's admin port. */
  String address() {
    return "127.0.0.1:" + plane.adminPort();
  }

  /**
   * The routes as the viewer reads them with the admin API: how a test checks what gatewayctl did.
   */
  GetRoutesResponse routes() {
    return plane.client(VIEWER).routes();
  }

  /** gatewayctl run in-process against this gateway, with an empty environment. */
  CtlRun ctl(String... args) {
    return CtlRun.of(Map.of(), args);
  }
}
