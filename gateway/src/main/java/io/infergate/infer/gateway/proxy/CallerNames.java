package io.infergate.infer.gateway.proxy;

import io.grpc.Grpc;
import io.grpc.ServerCall;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The names a caller's client certificate carries, which a route's {@code overrideAllow.identities}
 * is compared with: its URI subject alternative names (SPIFFE IDs), its DNS ones and its subject's
 * common name. The TLS handshake has already checked the certificate against the configured CA, so
 * the names are the CA's word. Read only when a call asks for an override, never on the ordinary
 * path. The admin port reads the same names to find a certificate's role ({@code
 * admin.clientRoles}).
 */
public final class CallerNames {
  private static final int DNS_NAME = 2;
  private static final int URI = 6;

  private CallerNames() {}

  /** The names, or an empty list for a caller without TLS or without a client certificate. */
  public static List<String> of(ServerCall<?, ?> call) {
    return of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
  }

  /**
   * The names of {@code session}'s verified peer certificate, in order: URI and DNS subject
   * alternative names, then the subject's common name; an empty list for a null session or one
   * without a client certificate.
   */
  public static List<String> of(SSLSession session) {
    if (session == null) {
      return List.of();
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> alternative : alternatives) {
          Object type = alternative.get(0);
          if ((type.equals(URI) || type.equals(DNS_NAME))
              && alternative.get(1) instanceof String name) {
            names.add(name);
          }
        }
      }
    } catch (CertificateParsingException e) {
      // A certificate the CA signed but Java cannot read names of: it proves nothing here.
      return List.of();
    }
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN") && rdn.getValue() instanceof String name) {
          names.add(name);
        }
      }
    } catch (InvalidNameException e) {
      // Java wrote this name itself in RFC 2253 form; it parses. Without it, the SANs still count.
    }
    return names;
  }
}
