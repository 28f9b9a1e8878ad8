package io.infergate.infer.observability.transport;

import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.CertificateUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/** A certificate chain and its private key, behind the key manager a TLS handshake asks. */
final class KeyPairFiles extends PemFiles {
  private static final byte[] PROBE = "key matches certificate".getBytes(StandardCharsets.US_ASCII);

  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();

  KeyPairFiles(Path certChain, Path privateKey) {
    super(certChain, privateKey);
  }

  AdvancedTlsX509KeyManager keyManager() {
    return keyManager;
  }

  @Override
  String apply(byte[][] contents) throws GeneralSecurityException, IOException {
    X509Certificate[] chain = CertificateUtils.getX509Certificates(stream(contents[0]));
    if (chain.length == 0) {
      throw new GeneralSecurityException("no certificate in the certificate chain file");
    }
    PrivateKey key = CertificateUtils.getPrivateKey(stream(contents[1]));
    checkMatch(key, chain[0]);
    keyManager.updateIdentityCredentials(chain, key);
    return "certificate " + describe(chain[0]);
  }

  /**
   * Signs with the key and verifies with the certificate: a key that is not the certificate's would
   * otherwise be taken and fail every handshake, which is what a rotation copying the certificate
   * and then the key looks like in between.
   */
  private static void checkMatch(PrivateKey key, X509Certificate certificate)
      throws GeneralSecurityException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default ->
              throw new GeneralSecurityException(
                  "private key type " + key.getAlgorithm() + " (expected: RSA or EC, PKCS#8 PEM)");
        };
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(PROBE);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(PROBE);
    if (!verifier.verify(signature)) {
      throw new GeneralSecurityException(
          "the private key is not the key of certificate "
              + certificate.getSubjectX500Principal().getName());
    }
  }
}
