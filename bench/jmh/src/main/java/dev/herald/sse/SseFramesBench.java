package dev.herald.sse;

import dev.herald.bench.jmh.Events;
import dev.herald.bench.jmh.Payloads;
import dev.herald.replay.api.StoredEvent;
import io.vertx.core.buffer.Buffer;
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
 * SSE frame encoding ({@link SseFrames} through {@link EncodedEvent}): what the node fan-out spends once
 * per event and variant before any stream gets it. Its cost is paid for every published event on every
 * node that has a subscriber, so it bounds the event rate of a channel; its allocation is the garbage
 * each event leaves (run with {@code -prof gc} for B/op).
 *
 * <ul>
 *   <li>{@link #singleChannelFrame}: the whole frame a single-channel stream gets (the event's id, i.e. a
 *       cursor encode, the {@code id:} line, the body, one joined buffer) — the common case;</li>
 *   <li>{@link #body}: the body alone ({@code event:} and {@code data:} lines), which multi-channel streams
 *       share and prefix with their own id line;</li>
 * </ul>
 * each for the {@link Payloads} and plain or {@code envelope=1} data.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SseFramesBench {
  @Param({Payloads.SMALL, Payloads.KIB, Payloads.MULTILINE})
  public String payload;

  /** {@code envelope=0} or {@code 1} (both keep the event's name in its {@code event:} line). */
  @Param({"0", "1"})
  public int envelope;

  private StoredEvent event;

  @Setup
  public void setUp() {
    event = Events.event(Events.channel(0), Events.SEQ, Payloads.data(payload));
    String frame = new EncodedEvent(event).singleChannelFrame(envelope).toString();
    if (!frame.startsWith("id: " + event.id() + "\nevent: update\ndata: ") || !frame.endsWith("\n\n")) {
      throw new IllegalStateException("unexpected frame: " + frame);
    }
  }

  /** The frame of a single-channel stream, built from scratch as the fan-out does once per event. */
  @Benchmark
  public Buffer singleChannelFrame() {
    return new EncodedEvent(event).singleChannelFrame(envelope);
  }

  /** The shared body (no id line), as multi-channel streams use it. */
  @Benchmark
  public Buffer body() {
    return new EncodedEvent(event).body(envelope);
  }
}
