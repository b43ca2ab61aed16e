package dev.herald.replay.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;

/**
 * Event-bus codec for {@link StoredEvent}, the body of fan-out messages on
 * {@link HistoryAddresses#channel(String)}. Locally the record is passed as is (it is immutable);
 * across the cluster it travels as a compact binary frame, decoded once per receiving node.
 */
public final class StoredEventCodec implements MessageCodec<StoredEvent, StoredEvent> {
  public static final String NAME = "herald-stored-event";

  /** Registers the codec as the default for {@link StoredEvent} unless it already is. */
  public static void register(EventBus bus) {
    try {
      bus.registerDefaultCodec(StoredEvent.class, new StoredEventCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // one registration per Vertx instance is enough
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, StoredEvent e) {
    putString(buffer, e.channel());
    buffer.appendLong(e.epoch()).appendLong(e.seq()).appendLong(e.publishedAt());
    if (e.event() == null) {
      buffer.appendInt(-1);
    } else {
      putString(buffer, e.event());
    }
    putString(buffer, e.data());
  }

  @Override
  public StoredEvent decodeFromWire(int pos, Buffer buffer) {
    int[] at = {pos};
    String channel = getString(buffer, at);
    long epoch = buffer.getLong(at[0]);
    long seq = buffer.getLong(at[0] + 8);
    long publishedAt = buffer.getLong(at[0] + 16);
    at[0] += 24;
    String event = getString(buffer, at);
    String data = getString(buffer, at);
    return new StoredEvent(channel, epoch, seq, event, data, publishedAt);
  }

  @Override
  public StoredEvent transform(StoredEvent e) {
    return e;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }

  private static void putString(Buffer b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    b.appendInt(bytes.length).appendBytes(bytes);
  }

  private static String getString(Buffer b, int[] at) {
    int len = b.getInt(at[0]);
    at[0] += 4;
    if (len < 0) {
      return null;
    }
    String s = b.getString(at[0], at[0] + len, "UTF-8");
    at[0] += len;
    return s;
  }
}
