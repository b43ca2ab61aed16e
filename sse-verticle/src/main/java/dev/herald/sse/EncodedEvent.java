package dev.herald.sse;

import dev.herald.replay.api.Names;
import dev.herald.replay.api.StoredEvent;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One stored event and its SSE bytes, encoded once per node and shared by every loop and stream that
 * delivers it. Each variant (per envelope: {@code StreamRequest.PLAIN}, {@code CHANNEL}, {@code EVENT})
 * is built on first use; two loops racing to build the same variant build equal buffers and either
 * one wins (the buffers never change afterwards).
 */
final class EncodedEvent {
  private static final int VARIANTS = 3;
  private final StoredEvent event;
  private final AtomicReferenceArray<Buffer> bodies = new AtomicReferenceArray<>(VARIANTS);
  private final AtomicReferenceArray<Buffer> frames = new AtomicReferenceArray<>(VARIANTS);
  private volatile Buffer idLine;

  EncodedEvent(StoredEvent event) {
    this.event = event;
  }

  StoredEvent event() {
    return event;
  }

  /** The event without its id line, in the given envelope. */
  Buffer body(int envelope) {
    Buffer b = bodies.get(envelope);
    if (b == null) {
      b = SseFrames.body(event.channel(), name(), event.id(), event.data(), envelope);
      bodies.set(envelope, b);
    }
    return b;
  }

  /** The event name to send: names were validated at publish; one that is not valid is never echoed. */
  private String name() {
    String name = event.event();
    return name != null && Names.isValidEvent(name) ? name : null;
  }

  /** {@code id: <the event's own id>}, as a single-channel stream shows it. */
  Buffer idLine() {
    Buffer b = idLine;
    if (b == null) {
      b = SseFrames.idLine(event.id());
      idLine = b;
    }
    return b;
  }

  /** The whole frame of a single-channel stream: its own id line and the body. */
  Buffer singleChannelFrame(int envelope) {
    Buffer b = frames.get(envelope);
    if (b == null) {
      Buffer id = idLine();
      Buffer payload = body(envelope);
      b = Buffer.buffer(id.length() + payload.length()).appendBuffer(id).appendBuffer(payload);
      frames.set(envelope, b);
    }
    return b;
  }

  /** About how many bytes this event takes on the wire, for queue accounting before it is written. */
  int approximateSize() {
    return event.data().length() + 64;
  }
}
