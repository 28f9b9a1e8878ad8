package io.infergate.infer.observability.transport;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.AdvancedTlsX509TrustManager.Verification;
import io.infergate.infer.observability.Schedulers;
import io.netty.handler.ssl.OpenSsl;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC credentials for a TLS server port or TLS channels, built from {@link ServerTls} or
 * {@link ClientTls}, with their PEM files read again every refresh interval so certificates rotate
 * without a restart. grpc-netty negotiates TLS 1.2 or 1.3 with ALPN {@code h2} through BoringSSL
 * (netty-tcnative) where its native library loads, the JDK's provider otherwise; {@link
 * #provider()} says which.
 *
 * <p>Closing stops the refreshing; the credentials keep their last material.
 */
public final class TlsCredentials implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TlsCredentials.class);

  private final ServerCredentials server;
  private final ChannelCredentials channel;
  private final ScheduledExecutorService refresher;

  private TlsCredentials(
      ServerCredentials server,
      ChannelCredentials channel,
      List<PemFiles> files,
      Duration refreshInterval) {
    this.server = server;
    this.channel = channel;
    if (refreshInterval.isZero()) {
      this.refresher = null;
    } else {
      this.refresher = Schedulers.daemon("tls-refresh");
      long nanos = refreshInterval.toNanos();
      for (PemFiles file : files) {
        refresher.scheduleWithFixedDelay(file::refresh, nanos, nanos, TimeUnit.NANOSECONDS);
      }
    }
  }

  /**
   * Reads {@code tls}'s files and returns the server credentials for them.
   *
   * @throws IllegalArgumentException naming a file that cannot be used, and why
   */
  public static TlsCredentials forServer(ServerTls tls) {
    List<PemFiles> files = new ArrayList<>();
    KeyPairFiles identity = load(files, new KeyPairFiles(tls.certChain(), tls.privateKey()));
    TlsServerCredentials.Builder credentials =
        TlsServerCredentials.newBuilder().keyManager(identity.keyManager());
    if (tls.clientCa() != null) {
      // A client certificate names a caller, not the host it dials from: chain only.
      credentials.trustManager(
          trust(files, tls.clientCa(), Verification.CERTIFICATE_ONLY_VERIFICATION));
    }
    credentials.clientAuth(
        switch (tls.clientAuth()) {
          case NONE -> TlsServerCredentials.ClientAuth.NONE;
          case OPTIONAL -> TlsServerCredentials.ClientAuth.OPTIONAL;
          case REQUIRE -> TlsServerCredentials.ClientAuth.REQUIRE;
        });
    log.info("{} on the server's port, by {}", tls.describe(), provider());
    return new TlsCredentials(credentials.build(), null, files, tls.refreshInterval());
  }

  /**
   * Reads {@code tls}'s files and returns the channel credentials for them.
   *
   * @throws IllegalArgumentException naming a file that cannot be used, and why
   */
  public static TlsCredentials forChannels(ClientTls tls) {
    List<PemFiles> files = new ArrayList<>();
    TlsChannelCredentials.Builder credentials = TlsChannelCredentials.newBuilder();
    if (tls.ca() != null) {
      credentials.trustManager(
          trust(files, tls.ca(), Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION));
    }
    if (tls.mutual()) {
      KeyPairFiles identity = load(files, new KeyPairFiles(tls.certChain(), tls.privateKey()));
      credentials.keyManager(identity.keyManager());
    }
    log.info("{} on channels, by {}", tls.mutual() ? "mTLS" : "TLS", provider());
    return new TlsCredentials(null, credentials.build(), files, tls.refreshInterval());
  }

  /** The credentials of a TLS server port; null for channel credentials. */
  public ServerCredentials server() {
    return server;
  }

  /** The credentials of TLS channels; null for server credentials. */
  public ChannelCredentials channel() {
    return channel;
  }

  /** "OpenSSL (BoringSSL)" or "JDK": who does the TLS, for the start-up log line. */
  public static String provider() {
    return OpenSsl.isAvailable() ? OpenSsl.versionString() : "JDK";
  }

  @Override
  public void close() {
    if (refresher != null) {
      refresher.shutdownNow();
    }
  }

  private static <T extends PemFiles> T load(List<PemFiles> files, T file) {
    file.load();
    files.add(file);
    return file;
  }

  /**
   * A trust manager for the CA certificates in {@code ca}, read now and refreshed with the rest.
   */
  private static AdvancedTlsX509TrustManager trust(
      List<PemFiles> files, Path ca, Verification verification) {
    AdvancedTlsX509TrustManager trustManager;
    try {
      trustManager = AdvancedTlsX509TrustManager.newBuilder().setVerification(verification).build();
    } catch (CertificateException e) {
      throw new IllegalStateException("cannot make a trust manager: " + e.getMessage(), e);
    }
    return load(files, new CaFiles(ca, trustManager)).trustManager();
  }
}
