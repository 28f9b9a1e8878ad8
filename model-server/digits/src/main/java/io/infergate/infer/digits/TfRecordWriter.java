package io.infergate.infer.digits;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes TFRecord files (TensorFlow's length-prefixed, CRC-checked record format), as TF Serving's
 * warm-up file {@code assets.extra/tf_serving_warmup_requests} is stored.
 */
public final class TfRecordWriter {
  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecordWriter() {}

  /** Writes {@code records} to {@code file}, replacing it. */
  public static void write(Path file, List<byte[]> records) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      for (byte[] record : records) {
        header.clear().putLong(0, record.length);
        header.putInt(8, maskedCrc(header.array(), 8));
        out.write(header.array());
        out.write(record);
        out.write(footer.putInt(0, maskedCrc(record, record.length)).array());
      }
    }
  }

  /** TensorFlow's masked CRC-32C: rotated and offset, so a CRC of CRCs is not trivially zero. */
  private static int maskedCrc(byte[] bytes, int length) {
    CRC32C crc32c = new CRC32C();
    crc32c.update(bytes, 0, length);
    int crc = (int) crc32c.getValue();
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }
}
