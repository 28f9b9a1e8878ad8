package io.infergate.infer.observability.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificate authorities and the certificates they sign, made in-process for TLS tests: EC P-256
 * keys, written as PEM files (keys in PKCS#8) exactly as {@code openssl} would write them, so the
 * servers read them through their real configuration.
 */
public final class TestCertificates {
  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

  private TestCertificates() {}

  /** A self-signed CA called {@code name}, valid from an hour ago for a day. */
  public static Authority authority(String name) {
    KeyPair keys = keyPair();
    X500Principal subject = new X500Principal("CN=" + name);
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            subject,
            serial(),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(1))),
            subject,
            keys.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Authority(new Issued(sign(builder, keys.getPrivate()), keys.getPrivate()));
  }

  /** A certificate and its private key. */
  public record Issued(X509Certificate certificate, PrivateKey key) {
    /** Writes the certificate to {@code dir/NAME.crt} and the key to {@code dir/NAME.key}. */
    public Written written(Path dir, String name) {
      Path cert = dir.resolve(name + ".crt");
      Path key = dir.resolve(name + ".key");
      writeTo(cert, key);
      return new Written(cert, key);
    }

    /** Writes the certificate and the key as PEM, replacing the files' contents. */
    public void writeTo(Path certificateFile, Path keyFile) {
      try {
        Files.writeString(certificateFile, pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The certificate's serial number, to tell which certificate a server presented. */
    public BigInteger serial() {
      return certificate.getSerialNumber();
    }
  }

  /** Where {@link Issued#written} put a certificate and its key. */
  public record Written(Path certificate, Path key) {}

  /** A CA that signs server and client certificates. */
  public static final class Authority {
    private final Issued self;

    private Authority(Issued self) {
      this.self = self;
    }

    /** The CA's own certificate and key. */
    public Issued self() {
      return self;
    }

    /** Writes the CA's certificate to {@code dir/NAME.crt} and returns that file. */
    public Path writeCertificate(Path dir, String name) {
      return self.written(dir, name).certificate();
    }

    /**
     * A server certificate for {@code localhost} and {@code 127.0.0.1}, valid from an hour ago for
     * a day.
     */
    public Issued server(String commonName) {
      Instant now = Instant.now();
      return issue(
          commonName,
          now.minus(Duration.ofHours(1)),
          now.plus(Duration.ofDays(1)),
          KeyPurposeId.id_kp_serverAuth,
          List.of(
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    }

    /**
     * A client certificate with {@code commonName} and, if given, a URI subject alternative name
     * such as a SPIFFE ID, valid from an hour ago for a day.
     */
    public Issued client(String commonName, String... uris) {
      Instant now = Instant.now();
      return client(commonName, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), uris);
    }

    /** A client certificate valid from {@code notBefore} to {@code notAfter}. */
    public Issued client(String commonName, Instant notBefore, Instant notAfter, String... uris) {
      List<GeneralName> names = new ArrayList<>();
      for (String uri : uris) {
        names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
      }
      return issue(commonName, notBefore, notAfter, KeyPurposeId.id_kp_clientAuth, names);
    }

    private Issued issue(
        String commonName,
        Instant notBefore,
        Instant notAfter,
        KeyPurposeId purpose,
        List<GeneralName> names) {
      KeyPair keys = keyPair();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              self.certificate(),
              serial(),
              Date.from(notBefore),
              Date.from(notAfter),
              new X500Principal("CN=" + commonName),
              keys.getPublic());
      try {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        if (!names.isEmpty()) {
          builder.addExtension(
              Extension.subjectAlternativeName,
              false,
              new GeneralNames(names.toArray(new GeneralName[0])));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Issued(sign(builder, self.key()), keys.getPrivate());
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIALS.incrementAndGet());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
