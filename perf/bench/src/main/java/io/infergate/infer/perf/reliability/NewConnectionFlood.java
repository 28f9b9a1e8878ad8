package io.infergate.infer.perf.reliability;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Opens TCP connections to a server from one address as fast as one thread can, and closes each at
 * once, without a byte of HTTP/2: what a server pays to accept and refuse a connection, with
 * nothing else in the way. Past the server's per-source burst almost every connection is refused at
 * accept, so the server's CPU over the run divided by the refusals it logged is its cost of one
 * refusal. Prints the connections it made once done.
 */
@Command(
    name = "new-connection-flood",
    description = "TCP connect + close from one address in a loop, for a fixed time.")
public final class NewConnectionFlood implements Callable<Integer> {
  @Mixin TargetFlag target;

  @Option(names = "--seconds", defaultValue = "20", description = "how long to flood")
  double seconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new NewConnectionFlood()).execute(args));
  }

  @Override
  public Integer call() {
    InetSocketAddress address =
        new InetSocketAddress(target.address().host(), target.address().port());
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long connected = 0;
    long failed = 0;
    while (System.nanoTime() - end < 0) {
      try (Socket socket = new Socket()) {
        // Linger 0: our close is a reset too, so neither side keeps TIME_WAIT and the flood
        // cannot run out of local ports.
        socket.setSoLinger(true, 0);
        socket.connect(address, 1_000);
        connected++;
      } catch (IOException e) {
        failed++;
      }
    }
    System.out.println(
        "flood: connected=" + connected + " failed=" + failed + " seconds=" + seconds);
    return 0;
  }
}
