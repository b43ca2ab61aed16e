package dev.herald.bench.jmh;

import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.StoredEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Event ids ({@link Cursor}): encoded for every event stored and every event a multi-channel stream
 * gets, decoded for every resume ({@code Last-Event-ID}) and every history read. A reconnect storm of
 * thousands of clients decodes thousands at once, and a 32-channel stream encodes a 32-entry cursor per
 * event, so both directions sit on hot paths.
 *
 * <ul>
 *   <li>{@link #storedEventId}: {@link StoredEvent#id()}, a single-channel cursor (channel key hash included);</li>
 *   <li>{@link #encode} / {@link #decode}: a cursor of 1 or 32 channels from positions / from its text;</li>
 *   <li>{@link #key}: the channel key alone (FNV-1a over the name's UTF-8 bytes).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CursorBench {

  /** A cursor of {@code channels} positions and its text. */
  @State(Scope.Thread)
  public static class Multi {
    @Param({"1", "32"})
    public int channels;

    List<Cursor.Position> positions;
    String text;

    @Setup
    public void setUp() {
      positions = Events.positions(channels);
      text = Cursor.encode(positions);
      if (!Cursor.decode(text).positions().equals(positions)) {
        throw new IllegalStateException("cursor does not round-trip");
      }
    }
  }

  /** One stored event. */
  @State(Scope.Thread)
  public static class Single {
    StoredEvent event = Events.event(Events.channel(0), Events.SEQ, "{}");
    String channel = Events.channel(0);
  }

  /** A stored event's id: what a publish returns and a single-channel stream shows. */
  @Benchmark
  public String storedEventId(Single s) {
    return s.event.id();
  }

  /** The channel key (48 bits of FNV-1a 64) of a channel name. */
  @Benchmark
  public long key(Single s) {
    return Cursor.key(s.channel);
  }

  /** A cursor's text from its positions. */
  @Benchmark
  public String encode(Multi m) {
    return Cursor.encode(m.positions);
  }

  /** A cursor from its text, as a resume or a history read does. */
  @Benchmark
  public Cursor decode(Multi m) {
    return Cursor.decode(m.text);
  }
}
