package dev.herald.gateway;

import dev.herald.bench.jmh.Payloads;
import java.util.Map;
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
 * Publish path: {@link RawJson#object}, the gateway's read of a publish body
 * ({@code {"event": …, "data": …}}) that keeps {@code data} as the exact text the client sent, with
 * duplicate-key detection at every depth. It runs on the event loop for every {@code POST} of an event,
 * before the replay verticle compacts the data ({@code JsonTextBench}), so the two together are the
 * per-publish JSON cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RawJsonBench {
  @Param({Payloads.SMALL, Payloads.KIB, Payloads.MULTILINE})
  public String payload;

  private String body;

  @Setup
  public void setUp() {
    String data = Payloads.pretty(payload).strip();
    body = "{\"event\": \"update\", \"data\": " + data + "}";
    String raw = RawJson.object(body).get("data").raw();
    if (!raw.equals(data)) {
      throw new IllegalStateException("data not kept as sent: " + raw);
    }
  }

  /** The fields of a publish body, each value as its raw JSON text. */
  @Benchmark
  public Map<String, ?> object() {
    return RawJson.object(body);
  }
}
