package dev.herald.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LogHistogramTest {

  @Test
  void smallValuesAreExact() {
    LogHistogram h = new LogHistogram();
    for (int v = 1; v <= 100; v++) {
      h.record(v);
    }
    assertEquals(50, h.percentile(50));
    assertEquals(90, h.percentile(90));
    assertEquals(99, h.percentile(99));
    assertEquals(100, h.percentile(100));
    assertEquals(100, h.max());
    assertEquals(1, h.min());
    assertEquals(50.5, h.mean(), 1e-9);
  }

  @Test
  void largeValuesWithinOnePercentOfExactPercentiles() {
    Random rnd = new Random(42);
    long[] values = new long[100_000];
    LogHistogram a = new LogHistogram();
    LogHistogram b = new LogHistogram();
    for (int i = 0; i < values.length; i++) {
      values[i] = (long) Math.exp(rnd.nextDouble() * 20); // 1 .. ~485 million
      (i % 2 == 0 ? a : b).record(values[i]);
    }
    a.add(b);
    Arrays.sort(values);
    assertEquals(values.length, a.count());
    for (double p : new double[] {50, 90, 99, 99.9}) {
      long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
      long got = a.percentile(p);
      assertTrue(got >= exact && got <= exact + exact / 100 + 1, "p" + p + ": " + got + " vs " + exact);
    }
    assertEquals(values[values.length - 1], a.max());
  }

  @Test
  void bucketsTileTheRange() {
    for (int i = 0; i < 7000; i++) {
      long lo = LogHistogram.lowest(i);
      long hi = LogHistogram.highest(i);
      assertEquals(i, LogHistogram.index(lo), "lowest of " + i);
      assertEquals(i, LogHistogram.index(hi), "highest of " + i);
      assertEquals(i + 1, LogHistogram.index(hi + 1), "after " + i);
    }
    assertEquals(0, new LogHistogram().percentile(99));
  }
}
