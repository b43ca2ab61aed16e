package dev.herald.bench.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ChartTest {
  @TempDir
  Path dir;

  private static String fanout(String label, long subs, long channels, double deliveries, long p99, double cpu) {
    return "{\"mode\":\"fanout\",\"label\":\"" + label + "\",\"date\":\"2026-11-22T00:00:00Z\",\"cores\":2,"
        + "\"options\":{\"rate\":\"100\"},\"subscribers\":" + subs + ",\"channels\":" + channels
        + ",\"rate_target\":100,\"duration_s\":15,\"deliveries_per_s\":" + deliveries + ",\"latency_p50_us\":500,"
        + "\"latency_p99_us\":" + p99 + ",\"server_cpu_us_per_delivery\":" + cpu
        + ",\"lost\":0,\"duplicated\":0,\"out_of_order\":0,\"notes\":[\"a \\\"quoted\\\" note\"],\"ok\":true}";
  }

  @Test
  void jsonReadsTheToolsLines() {
    Map<String, Object> m = Json.object(
        "{\"a\":1,\"b\":-2.5,\"c\":\"x\\\"y\\u00b5\",\"d\":[true,false,null],\"e\":{},\"f\":1e3}");
    assertEquals(1L, m.get("a"));
    assertEquals(-2.5, m.get("b"));
    assertEquals("x\"yµ", m.get("c"));
    assertEquals(java.util.Arrays.asList(true, false, null), m.get("d"));
    assertEquals(Map.of(), m.get("e"));
    assertEquals(1000.0, m.get("f"));
    assertThrows(IllegalArgumentException.class, () -> Json.object("{\"a\":1"));
    assertThrows(IllegalArgumentException.class, () -> Json.object("[1]"));
    assertThrows(IllegalArgumentException.class, () -> Json.object("{\"a\":1} x"));
  }

  @Test
  void labelsGiveScenarioAndTarget() {
    RunRecord r = RunRecord.of(Json.object(fanout("fanout-1k/nchan-1w", 1000, 1, 1e5, 2000, 6.5)));
    assertEquals("fanout-1k", r.scenario());
    assertEquals("nchan-1w", r.target());
    assertTrue(r.ok());
    RunRecord plain = RunRecord.of(Json.object(fanout("mine", 1000, 10, 1e5, 2000, 6.5)));
    assertEquals("fanout-1000x10", plain.scenario());
    assertEquals("mine", plain.target());
  }

  @Test
  void mediansOfOddAndEvenCounts() {
    List<RunRecord> rs = new ArrayList<>();
    for (double v : new double[] {5, 1, 3}) {
      rs.add(RunRecord.of(Json.object(fanout("s/t", 10, 1, v, 1, 1))));
    }
    assertEquals(3.0, RunRecord.median(rs, "deliveries_per_s"));
    rs.add(RunRecord.of(Json.object(fanout("s/t", 10, 1, 4, 1, 1))));
    assertEquals(3.5, RunRecord.median(rs, "deliveries_per_s"));
    assertTrue(Double.isNaN(RunRecord.median(rs, "no_such_key")));
  }

  @Test
  void summaryHasMediansAndHeraldToPeerRatios() {
    List<RunRecord> rs = new ArrayList<>();
    rs.add(RunRecord.of(Json.object(fanout("fanout-1k/herald", 1000, 1, 100_000, 1000, 3.0))));
    rs.add(RunRecord.of(Json.object(fanout("fanout-1k/nchan-1w", 1000, 1, 50_000, 4000, 6.0))));
    rs.add(RunRecord.of(Json.object(fanout("fanout-1k/herald", 1000, 1, 120_000, 3000, 5.0))));
    rs.add(RunRecord.of(Json.object(fanout("fanout-1k/nchan-1w", 1000, 1, 50_000, 4000, 6.0))));
    String md = Summary.render(rs);
    assertTrue(md.contains("### fanout-1k"), md);
    assertTrue(md.contains("| herald | 2 | 2 | 110,000 |"), md);
    // deliveries 110,000 / 50,000; p99 2,000 / 4,000; CPU 4 / 6
    assertTrue(md.contains("| **herald ÷ nchan-1w** | | | 2.20× | 1.00× | 0.50× | 0.67× |"), md);
    assertFalse(md.contains("nchan-1w ÷"), md);
    assertFalse(md.contains("÷ ceiling"), md);

    rs.add(RunRecord.of(Json.object(fanout("fanout-1k/ceiling", 1000, 1, 200_000, 1000, 2.0))));
    md = Summary.render(rs);
    // every target as a fraction of the ceiling; the ceiling is no peer of Herald's
    assertTrue(md.contains("| **herald ÷ ceiling** | | | 0.55× | 1.00× | 2.00× | 2.00× |"), md);
    assertTrue(md.contains("| nchan-1w ÷ ceiling | | | 0.25× | 1.00× | 4.00× | 3.00× |"), md);
    assertFalse(md.contains("ceiling ÷"), md);
    assertEquals(md.indexOf("herald ÷ ceiling"), md.lastIndexOf("herald ÷ ceiling"), md);
  }

  @Test
  void drawsAPngOfTheFanoutRuns() throws Exception {
    Path in = dir.resolve("results.jsonl");
    List<String> lines = new ArrayList<>();
    for (String t : new String[] {"herald", "nchan-1w", "sse-channel", "ceiling"}) {
      lines.add(fanout("fanout-1k/" + t, 1000, 1, 100_000, 3000, 5));
      lines.add(fanout("fanout-10k/" + t, 10_000, 1, 100_000, 9000, 4));
      lines.add(fanout("fanout-10k-1k/" + t, 10_000, 1000, 50_000, 20_000, 9));
    }
    lines.add("not json");
    lines.add("{\"mode\":\"idle\",\"label\":\"idle-15k/herald\",\"subscribers\":15000,\"rss_per_conn_bytes\":4000}");
    Files.write(in, lines, StandardCharsets.UTF_8);
    Path png = dir.resolve("chart.png");
    assertEquals(0, ChartMain.run(new String[] {"chart", "--in", in.toString(), "--out", png.toString(),
        "--width", "900", "--height", "800"}));
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(900, img.getWidth());
    assertEquals(800, img.getHeight());
    // something besides the white background was drawn in the plot area
    int inked = 0;
    for (int y = 100; y < 700; y += 3) {
      for (int x = 100; x < 600; x += 3) {
        if (img.getRGB(x, y) != 0xFFFFFFFF) {
          inked++;
        }
      }
    }
    assertNotEquals(0, inked);

    Path idleOnly = dir.resolve("idle.jsonl");
    Files.write(idleOnly, List.of(lines.get(lines.size() - 1)), StandardCharsets.UTF_8);
    assertEquals(2, ChartMain.run(new String[] {"chart", "--in", idleOnly.toString(), "--out",
        dir.resolve("none.png").toString()}));
    assertEquals(2, ChartMain.run(new String[] {"chart", "--out", png.toString()}));
  }

  @Test
  void logAxisTicksAndLabels() {
    Axis a = Axis.logAround(1000, 10_000);
    assertTrue(a.ticks().containsAll(List.of(1000.0, 2000.0, 5000.0, 10_000.0)), a.ticks().toString());
    assertEquals(0.0, Axis.linearFromZero(0, 95).min);
    assertEquals("1,000", Axis.label(1000));
    assertEquals("150k", Axis.label(150_000));
    assertEquals("2.5", Axis.label(2.5));
  }
}
