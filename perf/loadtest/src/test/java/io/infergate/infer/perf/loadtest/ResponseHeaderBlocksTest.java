package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class ResponseHeaderBlocksTest {
  private static boolean indexedOnly(int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    return ResponseHeaderBlocks.indexedOnly(Unpooled.wrappedBuffer(b));
  }

  @Test
  void aBlockOfIndexedFieldsLeavesTheTableAsItIs() {
    assertThat(indexedOnly(0x88, 0xbe, 0xbf)).isTrue();
    assertThat(indexedOnly(0x88, 0xff, 0x85, 0x01, 0xc0)).isTrue(); // index 127 + 5 + 128
  }

  @Test
  void literalsSizeUpdatesEmptyAndCutBlocksMayChangeIt() {
    assertThat(indexedOnly(0x88, 0x40, 0x01, 0x61, 0x01, 0x62)).isFalse(); // incremental indexing
    assertThat(indexedOnly(0x20, 0x88)).isFalse(); // table size update
    assertThat(indexedOnly(0x88, 0x0f, 0x10, 0x01, 0x61)).isFalse(); // without indexing
    assertThat(indexedOnly()).isFalse();
    assertThat(indexedOnly(0x88, 0xff)).isFalse();
    assertThat(indexedOnly(0x88, 0xff, 0x85)).isFalse();
  }
}
