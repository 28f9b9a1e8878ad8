package io.infergate.infer.gateway.admin;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * {@code STATE_DIR/audit.jsonl}: one {@link AuditRecord} a line for every change of the routing
 * state, appended and fsync'd before the change is answered. Never rewritten, except that a line
 * torn by a crash mid-append is cut off when the log is opened again (it was never answered; the
 * committed state it belonged to re-appends it, see {@link ReleaseControl}).
 */
final class AuditLog implements AutoCloseable {
  static final String FILE = "audit.jsonl";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final FileChannel channel;
  private long lastRevision;

  /** Entries an append failed to write: written first by the next append, so none is lost. */
  private final List<AuditRecord> unwritten = new ArrayList<>();

  AuditLog(Path dir) throws IOException {
    file = dir.resolve(FILE);
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    cutTornLine();
    List<AuditRecord> last = read(null, 1);
    lastRevision = last.isEmpty() ? 0 : last.get(0).revision();
    channel.position(channel.size());
  }

  /** The revision of the newest entry, 0 if none. */
  long lastRevision() {
    return lastRevision;
  }

  /** Appends {@code entries}; durable when this returns. Callers serialize their calls. */
  void append(List<AuditRecord> entries) throws IOException {
    unwritten.addAll(entries);
    if (unwritten.isEmpty()) {
      return;
    }
    StringBuilder lines = new StringBuilder();
    for (AuditRecord entry : unwritten) {
      lines.append(JSON.writeValueAsString(entry)).append('\n');
    }
    ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(UTF_8));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    channel.force(false);
    lastRevision = unwritten.get(unwritten.size() - 1).revision();
    unwritten.clear();
  }

  /**
   * The newest {@code limit} entries, oldest first; only {@code model}'s unless it is null or
   * empty. Reads the whole file: the log grows by a line per change, which is rare.
   */
  List<AuditRecord> read(String model, int limit) throws IOException {
    Deque<AuditRecord> newest = new ArrayDeque<>();
    try (BufferedReader lines =
        new BufferedReader(Channels.newReader(FileChannel.open(file), UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        AuditRecord entry = parse(line);
        if (entry == null || (model != null && !model.isEmpty() && !model.equals(entry.model()))) {
          continue;
        }
        newest.addLast(entry);
        if (newest.size() > limit) {
          newest.removeFirst();
        }
      }
    }
    return new ArrayList<>(newest);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private static AuditRecord parse(String line) {
    try {
      return line.isBlank() ? null : JSON.readValue(line, AuditRecord.class);
    } catch (JsonProcessingException e) {
      // A hand-edited or foreign line: history skips it rather than failing every read.
      return null;
    }
  }

  /** Cuts the file after its last newline: whatever follows was torn by a crash mid-append. */
  private void cutTornLine() throws IOException {
    long size = channel.size();
    ByteBuffer one = ByteBuffer.allocate(1);
    long end = size;
    while (end > 0) {
      one.clear();
      channel.read(one, end - 1);
      if (one.get(0) == '\n') {
        break;
      }
      end--;
    }
    if (end < size) {
      channel.truncate(end);
      channel.force(true);
    }
  }
}
