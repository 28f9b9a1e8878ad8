package io.infergate.infer.observability.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain TCP connections to a gRPC server, each asking one question: does the server serve it (its
 * first bytes are an HTTP/2 SETTINGS frame, which a gRPC server sends as soon as it takes a
 * connection on), or does it close it before writing anything (as a server refusing a connection at
 * accept does)? Connections stay open until {@link #close()}, so each counts as a client's would.
 */
public final class NewConnections implements AutoCloseable {
  /** HTTP/2's SETTINGS frame type, the 4th byte of a frame header. */
  private static final int SETTINGS = 0x4;

  private static final int TIMEOUT_MILLIS = 10_000;

  private final String host;
  private final int port;
  private final List<Socket> open = new ArrayList<>();

  public NewConnections(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /**
   * Opens one more connection: true if the server answers with SETTINGS, false if it closes or
   * resets the connection first.
   *
   * @throws IOException if the server sends something else, or nothing within 10 s
   */
  public boolean openOneMore() throws IOException {
    Socket socket = new Socket();
    open.add(socket);
    socket.setSoTimeout(TIMEOUT_MILLIS);
    byte[] header = new byte[9];
    try {
      socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
      InputStream in = socket.getInputStream();
      for (int read = 0; read < header.length; ) {
        int n = in.read(header, read, header.length - read);
        if (n < 0) {
          return false;
        }
        read += n;
      }
    } catch (SocketException e) {
      // A reset (a server closing with SO_LINGER 0), seen by the read or, when it comes first, by
      // the connect itself.
      return false;
    }
    if (header[3] != SETTINGS) {
      throw new IOException("the server's first frame has type " + header[3] + ", not SETTINGS");
    }
    return true;
  }

  /** Opens {@code count} more connections, one after another: how many the server served. */
  public int openMore(int count) throws IOException {
    int served = 0;
    for (int i = 0; i < count; i++) {
      served += openOneMore() ? 1 : 0;
    }
    return served;
  }

  @Override
  public void close() throws IOException {
    for (Socket socket : open) {
      socket.close();
    }
  }
}
