package dev.herald.sse;

import dev.herald.replay.api.Names;
import dev.herald.replay.api.StoredEvent;
import io.vertx.core.buffer.Buffer;

/**
 * One stored event and its SSE bytes, encoded once per node and shared by every loop and stream that
 * delivers it. Each variant is built on first use; two loops racing to build the same variant build
 * equal buffers and either one wins (the fields are volatile, the buffers never change afterwards).
 */
final class EncodedEvent {
  private final StoredEvent event;
  private volatile Buffer body;
  private volatile Buffer envelopeBody;
  private volatile Buffer idLine;
  private volatile Buffer frame;
  private volatile Buffer envelopeFrame;

  EncodedEvent(StoredEvent event) {
    this.event = event;
  }

  StoredEvent event() {
    return event;
  }

  /** The event without its id line, plain or enveloped. */
  Buffer body(boolean envelope) {
    Buffer b = envelope ? envelopeBody : body;
    if (b == null) {
      if (envelope) {
        b = SseFrames.envelopeBody(event.channel(), name(), event.data());
        envelopeBody = b;
      } else {
        b = SseFrames.body(name(), event.data());
        body = b;
      }
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
  Buffer singleChannelFrame(boolean envelope) {
    Buffer b = envelope ? envelopeFrame : frame;
    if (b == null) {
      Buffer id = idLine();
      Buffer payload = body(envelope);
      b = Buffer.buffer(id.length() + payload.length()).appendBuffer(id).appendBuffer(payload);
      if (envelope) {
        envelopeFrame = b;
      } else {
        frame = b;
      }
    }
    return b;
  }

  /** About how many bytes this event takes on the wire, for queue accounting before it is written. */
  int approximateSize() {
    return event.data().length() + 64;
  }
}
