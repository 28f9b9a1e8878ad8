package io.infergate.infer.modelserver.backend;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.infer.digits.TfRecordWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfRecordsTest {
  @TempDir Path dir;

  @Test
  void masksTheCastagnoliChecksumAsTensorFlowDoes() {
    // CRC-32C("123456789") = 0xE3069283 (RFC 3720's check value), rotated right 15 and offset.
    byte[] check = "123456789".getBytes(US_ASCII);
    int crc = 0xE3069283;
    assertThat(TfRecords.maskedCrc(check, 0, check.length))
        .isEqualTo(((crc >>> 15) | (crc << 17)) + 0xa282ead8);
  }

  @Test
  void readsBackWhatItWrote() throws IOException {
    Path file = dir.resolve("records");
    List<byte[]> records = List.of(new byte[0], "one".getBytes(US_ASCII), new byte[70_000]);

    TfRecordWriter.write(file, records);

    assertThat(Files.size(file)).isEqualTo(3 * 16 + 3 + 70_000);
    assertThat(TfRecords.read(file, 10)).containsExactlyElementsOf(records);
  }

  @Test
  void namesTheRecordThatIsCorruptOrTruncated() throws IOException {
    Path file = dir.resolve("records");
    TfRecordWriter.write(file, List.of("first".getBytes(US_ASCII), "second".getBytes(US_ASCII)));
    byte[] bytes = Files.readAllBytes(file);

    byte[] flipped = bytes.clone();
    flipped[bytes.length - 6] ^= 1; // inside the second record's data
    Files.write(file, flipped);
    assertThatThrownBy(() -> TfRecords.read(file, 10))
        .isInstanceOf(IOException.class)
        .hasMessage("record 1: corrupt data (checksum mismatch)");

    Files.write(file, Arrays.copyOf(bytes, bytes.length - 2));
    assertThatThrownBy(() -> TfRecords.read(file, 10)).hasMessage("record 1: truncated data");

    Files.write(file, bytes);
    assertThatThrownBy(() -> TfRecords.read(file, 1)).hasMessage("more than 1 records");
  }
}
