package io.infergate.infer.gateway.testing;

import io.infergate.infer.router.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a backend that can be cut the way {@code kill -9} cuts a server: every
 * connection reset at once (RST, no HTTP/2 goodbye) and the port left refusing connections. A
 * backend's own shutdown sends GOAWAY and RST_STREAM(CANCEL) instead, which is not what a crash
 * looks like to the gateway.
 */
public final class SeveredLink implements AutoCloseable {
  private final ServerSocket listener;
  private final Endpoint target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  private SeveredLink(Endpoint target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "severed-link-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts relaying to {@code target}. */
  public static SeveredLink to(Endpoint target) throws IOException {
    return new SeveredLink(target);
  }

  /** Where the relay listens. */
  public Endpoint endpoint() {
    return new Endpoint("127.0.0.1", listener.getLocalPort());
  }

  /** Resets every connection and stops listening, as a crashed server's kernel does. */
  public void sever() {
    try {
      listener.close();
    } catch (IOException e) {
      // Closing a listener does not fail in a way that matters here.
    }
    for (Socket socket : sockets) {
      try {
        socket.setSoLinger(true, 0); // close() then sends RST, not FIN
        socket.close();
      } catch (IOException e) {
        // Already gone.
      }
    }
  }

  @Override
  public void close() {
    sever();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket inbound = listener.accept();
        Socket outbound = new Socket(target.host(), target.port());
        sockets.add(inbound);
        sockets.add(outbound);
        pipe(inbound, outbound);
        pipe(outbound, inbound);
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void pipe(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 << 10];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // The other side went away; sever() or the peer closed.
              }
            },
            "severed-link-pipe");
    thread.setDaemon(true);
    thread.start();
  }
}
