package io.infergate.infer.gateway.testing;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.infergate.infer.observability.testing.TestCertificates.Issued;
import io.infergate.infer.observability.testing.TestCertificates.Written;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** What a TLS caller of the gateway's ports presents and trusts. */
public final class CallerCredentials {
  private CallerCredentials() {}

  /**
   * Mutual TLS: presents {@code identity}'s certificate (its files written in {@code dir}) and
   * trusts only the CA in {@code caFile}.
   */
  public static ChannelCredentials mutual(Path dir, Path caFile, Issued identity) {
    Written files = identity.written(dir, "caller-" + identity.serial());
    try {
      return TlsChannelCredentials.newBuilder()
          .trustManager(caFile.toFile())
          .keyManager(files.certificate().toFile(), files.key().toFile())
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
