package dev.herald.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.bench.chart.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MergeTest {
  /** A part's JSON line as the fan-out mode writes it, with its latencies. */
  private static Map<String, Object> part(boolean ok, long deliveries, long serverCpuMs, long... latencies) {
    LogHistogram h = new LogHistogram();
    for (long v : latencies) {
      h.record(v);
    }
    Report r = new Report().json("mode", "fanout").json("label", "x/herald").json("subscribers", 100L)
        .json("channels", 50L).json("lost", 1L).json("deliveries_measured", deliveries)
        .json("deliveries_per_s", deliveries / 10.0).json("server_cpu_ms", serverCpuMs).json("tool_cpu_ms", 100L)
        .json("server_rss_kib_after", 1000L + deliveries).json("error_statuses", Map.of("503", 2L))
        .latency("latency", "latency", h).json("latency_buckets", h.buckets()).json("ok", ok);
    return Json.object(r.jsonLine());
  }

  @Test
  void partsOfOneRunBecomeOneLine() {
    long[] a = new long[99];
    java.util.Arrays.fill(a, 100);
    Map<String, Object> one = part(true, 1000, 500, a);
    Map<String, Object> two = part(true, 3000, 700, 5000, 200, 300);
    Map<String, Object> m = Json.object(Merge.merge(List.of(one, two), "fanout-wide/herald").jsonLine());

    assertEquals("fanout-wide/herald", m.get("label"));
    assertEquals(200L, m.get("subscribers"));
    assertEquals(100L, m.get("channels"));
    assertEquals(2L, m.get("lost"));
    assertEquals(400L, m.get("deliveries_per_s"));
    assertEquals(4000L, m.get("server_rss_kib_after"));
    assertEquals(Map.of("503", 4L), m.get("error_statuses"));
    assertEquals(150L, m.get("server_cpu_us_per_delivery"), "mean server CPU (600 ms) per delivery of both");
    assertEquals(50L, m.get("tool_cpu_us_per_delivery"), "both tools' CPU (200 ms) per delivery");
    // 102 values: 99 x 100 µs, 200, 300, 5000: the median is 100, p99 is 300 (bucket 300-301), the max 5000
    assertEquals(100L, m.get("latency_p50_us"));
    assertEquals(301L, m.get("latency_p99_us")); // the highest value of its bucket, as in one process
    assertEquals(5000L, m.get("latency_max_us"));
    assertEquals(102L, m.get("latency_count"));
    assertEquals("histograms", m.get("latency_merge"));
    assertEquals(2L, m.get("processes"));
    assertEquals(true, m.get("ok"));

    two.remove("latency_buckets");
    Map<String, Object> worst = Json.object(Merge.merge(List.of(one, part(false, 1, 1, 7)), null).jsonLine());
    assertEquals(false, worst.get("ok"));
    Map<String, Object> noBuckets = Json.object(Merge.merge(List.of(one, two), null).jsonLine());
    assertEquals("worst of the processes", noBuckets.get("latency_merge"));
    assertEquals(5000L, noBuckets.get("latency_p99_us"));
  }
}
