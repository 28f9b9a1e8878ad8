package io.infergate.infer.perf.loadtest;

import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection's response header blocks, HPACK-decoded into what the harness reads from them: the
 * status and the variant. Blocks made only of indexed fields are decoded once and reused: such a
 * block leaves the decoder's table as it is, so the same bytes mean the same headers until a block
 * with literals changes the table. Runs on the connection's event loop.
 */
final class ResponseHeaderBlocks {
  private final DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false);
  private final AsciiString variantHeader;

  /**
   * Response header blocks made only of indexed fields (which leave the HPACK table as it is), with
   * what they decoded to: the same bytes decode to the same headers until another block changes the
   * table. A grpc-java server's headers and trailers are such blocks from the second call on.
   */
  private final List<ByteBuf> indexedBlocks = new ArrayList<>();

  private final List<Block> indexedHeaders = new ArrayList<>();

  ResponseHeaderBlocks(AsciiString variantHeader) {
    this.variantHeader = variantHeader;
  }

  /**
   * The block of {@code stream}, decoded (or as decoded before, when it is an indexed-only one).
   */
  Block decode(int stream, ByteBuf block) throws Http2Exception {
    for (int i = 0; i < indexedBlocks.size(); i++) {
      if (ByteBufUtil.equals(indexedBlocks.get(i), block)) {
        return indexedHeaders.get(i);
      }
    }
    boolean indexedOnly = indexedOnly(block);
    if (!indexedOnly) {
      indexedBlocks.clear(); // the table may change: what those blocks meant may too
      indexedHeaders.clear();
    }
    ByteBuf copy = indexedOnly && indexedBlocks.size() < 4 ? Unpooled.copiedBuffer(block) : null;
    Block headers = new Block(hpack.decodeHeaders(stream, block), variantHeader); // reads it
    if (copy != null) {
      indexedBlocks.add(copy);
      indexedHeaders.add(headers);
    }
    return headers;
  }

  /** Whether an HPACK block holds only indexed fields (RFC 7541 §6.1): 1xxxxxxx, 7-bit prefix. */
  static boolean indexedOnly(ByteBuf block) {
    int i = block.readerIndex();
    int end = block.writerIndex();
    if (i == end) {
      return false;
    }
    while (i < end) {
      int b = block.getUnsignedByte(i++);
      if ((b & 0x80) == 0) {
        return false;
      }
      if ((b & 0x7f) == 0x7f) {
        while (i < end && (block.getUnsignedByte(i) & 0x80) != 0) {
          i++;
        }
        i++;
      }
    }
    return i == end;
  }

  /** What the harness reads from one response header block. */
  static final class Block {
    final Http2Headers headers;

    /** The variant header's value, or null. */
    final String variant;

    /** The call's status when {@code :status} is not 200, else null. */
    final Status httpError;

    private Status grpcStatus;

    Block(Http2Headers headers, AsciiString variantHeader) {
      this.headers = headers;
      CharSequence v = headers.get(variantHeader);
      this.variant = v == null ? null : v.toString();
      CharSequence status = headers.status();
      this.httpError =
          status == null || AsciiString.contentEquals(status, "200")
              ? null
              : Status.UNKNOWN.withDescription("HTTP status " + status);
    }

    /** The status these trailers carry (computed on first use). */
    Status grpcStatus() {
      if (grpcStatus == null) {
        grpcStatus = H2Transport.statusOf(headers);
      }
      return grpcStatus;
    }
  }
}
