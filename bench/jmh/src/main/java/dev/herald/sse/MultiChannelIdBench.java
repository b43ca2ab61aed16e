package dev.herald.sse;

import dev.herald.sse.api.StreamRequest;
import dev.herald.bench.jmh.Events;
import dev.herald.bench.jmh.Payloads;
import dev.herald.replay.api.StoredEvent;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
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
 * The per-stream work of a multi-channel stream for each event it gets ({@code ChannelStream.deliver}):
 * the dedupe decision of {@link StreamPositions#accept}, then a cursor covering all the stream's
 * channels ({@link StreamPositions#cursor}), its {@code id:} line and the frame joined from it and the
 * shared body. Unlike a single-channel stream, which writes the node's shared frame, this is paid per
 * stream per event, so it multiplies with the subscriber count. Measured for streams following 1, 4
 * and 32 ({@code sse.maxChannelsPerStream}) channels, every channel with a position.
 *
 * <p>Two events of channel 0 in two epochs alternate, so every {@code accept} is a {@code WRITE}
 * without allocating a new event per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MultiChannelIdBench {
  @Param({"1", "4", "32"})
  public int channels;

  private StreamPositions positions;
  private StoredEvent a;
  private StoredEvent b;
  private Buffer body;
  private boolean flip;

  @Setup
  public void setUp() {
    List<String> names = new ArrayList<>(channels);
    for (int i = 0; i < channels; i++) {
      names.add(Events.channel(i));
    }
    positions = new StreamPositions(names);
    for (int i = 0; i < channels; i++) {
      positions.accept(i, Events.event(names.get(i), Events.SEQ + i, "{}"), false);
    }
    String data = Payloads.data(Payloads.SMALL);
    // two epochs in turn, each event the first of its epoch: every one is written (a live event of a new
    // epoch must be its first one, else it is a hole)
    StoredEvent first = Events.event(names.get(0), 1, data);
    a = new StoredEvent(first.channel(), first.epoch() + 2, 1, first.event(), data, first.publishedAt());
    b = new StoredEvent(first.channel(), first.epoch() + 1, 1, first.event(), data, first.publishedAt());
    body = new EncodedEvent(a).body(StreamRequest.PLAIN);
  }

  private StoredEvent next() {
    flip = !flip;
    StoredEvent e = flip ? b : a;
    if (positions.accept(0, e, true) != StreamPositions.Verdict.WRITE) {
      throw new IllegalStateException("expected a WRITE verdict");
    }
    return e;
  }

  /** Dedupe decision and the stream's cursor only. */
  @Benchmark
  public String cursor() {
    next();
    return positions.cursor();
  }

  /** Everything a multi-channel stream builds per event before the write: cursor, id line, joined frame. */
  @Benchmark
  public Buffer frame() {
    next();
    return SseFrames.join(SseFrames.idLine(positions.cursor()), body);
  }
}
