package io.infergate.infer.modelserver.backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * TensorFlow's TFRecord file format, as TF Serving's warm-up files use it. Each record is: its
 * length (uint64), a masked CRC-32C of those 8 bytes (uint32), the data, a masked CRC-32C of the
 * data (uint32); integers little-endian.
 */
public final class TfRecords {
  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecords() {}

  /**
   * The records of {@code file}, checking every checksum.
   *
   * @throws IOException if the file cannot be read, is truncated or corrupt, or holds more than
   *     {@code maxRecords} records; the message says which record
   */
  public static List<byte[]> read(Path file, int maxRecords) throws IOException {
    List<byte[]> records = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] header = new byte[12];
      while (true) {
        int headerBytes = in.readNBytes(header, 0, header.length);
        if (headerBytes == 0) {
          return records;
        }
        int index = records.size();
        if (headerBytes < header.length) {
          throw new IOException("record " + index + ": truncated length header");
        }
        ByteBuffer fields = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long length = fields.getLong(0);
        if (fields.getInt(8) != maskedCrc(header, 0, 8)) {
          throw new IOException("record " + index + ": corrupt length header (checksum mismatch)");
        }
        if (records.size() == maxRecords) {
          throw new IOException("more than " + maxRecords + " records");
        }
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
          throw new IOException("record " + index + ": length " + length + " is too large");
        }
        byte[] data = in.readNBytes((int) length);
        byte[] footer = in.readNBytes(4);
        if (data.length < length || footer.length < 4) {
          throw new IOException("record " + index + ": truncated data");
        }
        int crc = ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (crc != maskedCrc(data, 0, data.length)) {
          throw new IOException("record " + index + ": corrupt data (checksum mismatch)");
        }
        records.add(data);
      }
    }
  }

  /** TensorFlow's masked CRC-32C: rotated and offset, so a CRC of CRCs is not trivially zero. */
  static int maskedCrc(byte[] bytes, int offset, int length) {
    CRC32C crc32c = new CRC32C();
    crc32c.update(bytes, offset, length);
    int crc = (int) crc32c.getValue();
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }
}
