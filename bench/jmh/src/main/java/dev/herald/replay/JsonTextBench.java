package dev.herald.replay;

import dev.herald.bench.jmh.Payloads;
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
 * Publish path: {@link JsonText#compact}, which the replay verticle runs on every published event's
 * data (token by token through Jackson, keeping numbers' spelling) before it stores it. It runs once per
 * publish on the replay verticle's single context, so it caps one node's publish rate. The input is the
 * payload as a publisher might send it, with whitespace and a line break between tokens.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JsonTextBench {
  @Param({Payloads.SMALL, Payloads.KIB, Payloads.MULTILINE})
  public String payload;

  private String text;

  @Setup
  public void setUp() {
    text = Payloads.pretty(payload);
    if (!JsonText.compact(text).equals(Payloads.data(payload))) {
      throw new IllegalStateException("compact form differs: " + JsonText.compact(text));
    }
  }

  /** The compact JSON text of published data. */
  @Benchmark
  public String compact() {
    return JsonText.compact(text);
  }
}
