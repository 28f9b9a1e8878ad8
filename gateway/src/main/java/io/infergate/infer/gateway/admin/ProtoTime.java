package io.infergate.infer.gateway.admin;

import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code java.time} to and from protobuf's well-known time types, as the admin API carries them.
 */
final class ProtoTime {
  private ProtoTime() {}

  static com.google.protobuf.Duration duration(Duration duration) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(duration.getSeconds())
        .setNanos(duration.getNano())
        .build();
  }

  static Duration duration(com.google.protobuf.Duration duration) {
    return Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
