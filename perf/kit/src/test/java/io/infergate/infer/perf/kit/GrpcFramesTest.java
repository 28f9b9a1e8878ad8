package io.infergate.infer.perf.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GrpcFramesTest {
  @Test
  void prefixesAZeroFlagAndABigEndianLength() {
    byte[] message = new byte[300];
    message[0] = 42;

    byte[] frame = GrpcFrames.frame(message);

    assertThat(frame).hasSize(305);
    assertThat(frame).startsWith(0, 0, 0, 1, 44, 42);
  }

  @Test
  void unframesWhatItFramed() {
    byte[] message = {10, 6, 'd', 'i', 'g', 'i', 't', 's'};

    assertThat(GrpcFrames.unframe(GrpcFrames.frame(message))).isEqualTo(message);
  }

  @Test
  void framesAnEmptyMessage() {
    assertThat(GrpcFrames.frame(new byte[0])).containsExactly(0, 0, 0, 0, 0);
  }

  @Test
  void rejectsAWrongLengthPrefix() {
    byte[] frame = GrpcFrames.frame(new byte[3]);
    frame[4] = 4;

    assertThatThrownBy(() -> GrpcFrames.unframe(frame))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("length prefix: 4 (expected: 3)");
  }

  @Test
  void rejectsACompressedFrame() {
    byte[] frame = GrpcFrames.frame(new byte[3]);
    frame[0] = 1;

    assertThatThrownBy(() -> GrpcFrames.unframe(frame))
        .hasMessage("compressed flag: 1 (expected: 0)");
  }
}
