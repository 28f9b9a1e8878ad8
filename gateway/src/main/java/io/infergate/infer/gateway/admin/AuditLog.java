package io.infergate.infer.gateway.admin;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code STATE_DIR/audit.jsonl}: one JSON object a line for every change of the routing state,
 * appended and fsync'd before the change is answered. Never rewritten.
 */
final class AuditLog implements AutoCloseable {
  static final String FILE = "audit.jsonl";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileChannel channel;

  AuditLog(Path dir) throws IOException {
    channel =
        FileChannel.open(
            dir.resolve(FILE),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
  }

  /** Appends one entry; durable when this returns. Callers serialize their calls. */
  void append(
      Instant time,
      String identity,
      String model,
      Map<String, Integer> before,
      Map<String, Integer> after,
      String reason,
      long revision)
      throws IOException {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("time", time.toString());
    entry.put("identity", identity);
    entry.put("model", model);
    entry.put("before", before);
    entry.put("after", after);
    entry.put("reason", reason);
    entry.put("revision", revision);
    ByteBuffer line = ByteBuffer.wrap((JSON.writeValueAsString(entry) + "\n").getBytes(UTF_8));
    while (line.hasRemaining()) {
      channel.write(line);
    }
    channel.force(false);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
