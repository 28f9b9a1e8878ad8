package io.infergate.infer.observability.transport;

import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.CertificateUtils;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

/** CA certificates behind the trust manager that checks a peer's certificate chain. */
final class CaFiles extends PemFiles {
  private final AdvancedTlsX509TrustManager trustManager;

  CaFiles(Path ca, AdvancedTlsX509TrustManager trustManager) {
    super(ca);
    this.trustManager = trustManager;
  }

  AdvancedTlsX509TrustManager trustManager() {
    return trustManager;
  }

  @Override
  String apply(byte[][] contents) throws GeneralSecurityException, java.io.IOException {
    X509Certificate[] roots = CertificateUtils.getX509Certificates(stream(contents[0]));
    if (roots.length == 0) {
      throw new GeneralSecurityException("no certificate in the CA file");
    }
    trustManager.updateTrustCredentials(roots);
    return roots.length + " CA certificate(s), first " + describe(roots[0]);
  }
}
