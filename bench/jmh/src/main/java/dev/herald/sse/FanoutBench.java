package dev.herald.sse;

import dev.herald.bench.jmh.Events;
import dev.herald.bench.jmh.Payloads;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-loop fan-out: one event, freshly encoded as the node fan-out hands it over
 * ({@code new EncodedEvent}), delivered by {@link LoopStreams#deliver} to the {@code streams} live
 * streams of its channel on one loop — for each stream the {@link StreamPositions} dedupe, the choice of
 * frame (the node's shared frame for single-channel streams; a per-stream cursor, id line and joined
 * frame for multi-channel ones), the queued-bytes accounting of {@link SseConnection#write} and the
 * completion callback. The socket write is replaced by a counter ({@link CountingResponse}), so this is
 * Herald's own CPU per delivery, the part the loop spends before Vert.x and Netty; it is the figure to
 * set beside the server's whole CPU per delivery measured by the load tool.
 *
 * <p>ns/op is per event; divide by {@code streams} for per delivery (with 1 stream, the event's encoding
 * dominates). B/op ({@code -prof gc}) is the garbage per event. The teardown checks every stream got
 * every event.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FanoutBench {
  @Param({"1", "100", "1000"})
  public int streams;

  @Param({"1", "4"})
  public int channelsPerStream;

  private LoopHarness harness;
  private String channel;
  private String data;
  private long firstSeq;
  private long seq;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    harness = LoopHarness.open(streams, channelsPerStream);
    channel = Events.channel(0);
    data = Payloads.data(Payloads.SMALL);
    firstSeq = harness.lastSeq();
    seq = firstSeq;
  }

  /** One event of channel 0 delivered to every stream of the loop. */
  @Benchmark
  public EncodedEvent deliver() {
    EncodedEvent event = new EncodedEvent(Events.event(channel, ++seq, data));
    harness.deliver(event);
    return event;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    try {
      harness.verify(seq - firstSeq);
    } finally {
      harness.close();
    }
  }
}
