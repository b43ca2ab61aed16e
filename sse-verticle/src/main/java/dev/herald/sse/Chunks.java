package dev.herald.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 chunk framing ({@code <size in hex>\r\n<frame>\r\n}) of the frames one loop writes, for
 * streams that write past Vert.x's response encoder ({@link SseConnection}). The chunk of the frame
 * written last is kept: the streams of a channel write the same frame one after another, so they share
 * one chunk, built once and, from its second use on, held in native memory (Netty would otherwise copy
 * it into a native buffer for every socket). Loop thread only.
 */
final class Chunks {
  private static final byte[] CRLF = {'\r', '\n'};

  private Buffer lastFrame;
  private ByteBuf lastChunk;
  private boolean shared;

  /** The chunk of {@code frame}, ready to be written to one channel (its own indices, never released). */
  ByteBuf of(Buffer frame) {
    if (frame != lastFrame) {
      lastFrame = frame;
      lastChunk = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(chunk(frame, false)));
      shared = false;
    } else if (!shared) {
      lastChunk = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(chunk(frame, true)));
      shared = true;
    }
    return lastChunk.duplicate();
  }

  /** The chunk bytes of {@code frame}, on the heap or in native memory. */
  static ByteBuffer chunk(Buffer frame, boolean direct) {
    int len = frame.length();
    byte[] head = (Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    int total = head.length + len + CRLF.length;
    ByteBuffer out = direct ? ByteBuffer.allocateDirect(total) : ByteBuffer.allocate(total);
    out.put(head);
    ByteBuf body = Internals.byteBuf(frame);
    body.getBytes(body.readerIndex(), out.slice().limit(len));
    out.position(out.position() + len);
    out.put(CRLF);
    out.flip();
    return out;
  }
}
