package io.infergate.infer.demo;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.File;
import java.io.IOException;
import picocli.CommandLine.Option;

/** A demo client's TLS flags, named as ghz and bin/loadtest name them; none means plaintext. */
final class TlsOptions {
  @Option(names = "--cacert", paramLabel = "FILE", description = "CA of the server (PEM): TLS")
  File cacert;

  @Option(names = "--cert", paramLabel = "FILE", description = "client certificate (PEM): mTLS")
  File cert;

  @Option(names = "--key", paramLabel = "FILE", description = "the client certificate's key")
  File key;

  /** Plaintext, TLS or mutual TLS, as the flags say. */
  ChannelCredentials credentials() throws IOException {
    if (cacert == null) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder().trustManager(cacert);
    if (cert != null) {
      tls.keyManager(cert, key);
    }
    return tls.build();
  }

  /** "plaintext", "TLS" or "mTLS", for the client's report. */
  String describe() {
    return cacert == null ? "plaintext" : cert == null ? "TLS" : "mTLS";
  }
}
