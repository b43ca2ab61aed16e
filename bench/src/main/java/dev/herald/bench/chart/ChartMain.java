package dev.herald.bench.chart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The load tool's offline modes, over JSON lines collected with {@code --out}:
 * <pre>
 *   bench chart   --in results.jsonl [--in more.jsonl] --out chart.png [--title TEXT] [--width 1400] [--height 1250]
 *   bench summary --in results.jsonl [--in more.jsonl] [--out summary.md]
 * </pre>
 * {@code chart} draws deliveries/s, p99 latency and server CPU per delivery against subscribers for
 * each target (fan-out runs); {@code summary} prints medians per scenario and target and Herald/peer
 * ratios as Markdown. Exit status 0, or 2 for bad options / unreadable input / nothing to draw.
 */
public final class ChartMain {
  private ChartMain() {
  }

  /** Whether {@code mode} is one of these offline modes. */
  public static boolean handles(String mode) {
    return mode.equals("chart") || mode.equals("summary");
  }

  /** Runs {@code args} ({@code chart|summary --key value ...}); returns the exit status. */
  public static int run(String[] args) {
    System.setProperty("java.awt.headless", "true");
    String mode = args[0];
    List<Path> in = new ArrayList<>();
    String out = null;
    String title = null;
    int width = 1400;
    int height = 1250;
    try {
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        String v = i + 1 < args.length ? args[i + 1] : null;
        switch (a) {
          case "--in" -> in.add(Path.of(need(a, v)));
          case "--out" -> out = need(a, v);
          case "--title" -> title = need(a, v);
          case "--width" -> width = Integer.parseInt(need(a, v));
          case "--height" -> height = Integer.parseInt(need(a, v));
          case "--help", "-h" -> {
            System.out.println(usage());
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
        i++;
      }
      if (in.isEmpty()) {
        throw new IllegalArgumentException("give --in FILE (JSON lines from bench --out)");
      }
      if (mode.equals("chart") && out == null) {
        throw new IllegalArgumentException("give --out FILE.png");
      }
      if (width < 600 || height < 600) {
        throw new IllegalArgumentException("--width and --height are at least 600");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("bench " + mode + ": " + e.getMessage());
      System.err.println(usage());
      return 2;
    }
    List<RunRecord> runs = new ArrayList<>();
    try {
      for (Path p : in) {
        runs.addAll(RunRecord.load(p));
      }
    } catch (IOException e) {
      System.err.println("bench " + mode + ": cannot read input: " + e.getMessage());
      return 2;
    }
    try {
      if (mode.equals("summary")) {
        String md = Summary.render(runs);
        if (out != null) {
          Files.writeString(Path.of(out), md, StandardCharsets.UTF_8);
        }
        System.out.print(md);
        return 0;
      }
      String t = title != null ? title : "Herald and its peers: SSE fan-out on one machine";
      boolean drawn = new Chart(width, height).render(runs, Path.of(out), t, note(runs));
      if (!drawn) {
        System.err.println("bench chart: no fan-out runs in the input: nothing to draw");
        return 2;
      }
      System.err.println("bench chart: wrote " + out);
      return 0;
    } catch (IOException e) {
      System.err.println("bench " + mode + ": cannot write " + out + ": " + e.getMessage());
      return 2;
    }
  }

  /** The sub-title: how many runs, over which dates, on how many cores. */
  private static String note(List<RunRecord> runs) {
    TreeSet<String> dates = new TreeSet<>();
    TreeSet<Long> cores = new TreeSet<>();
    int n = 0;
    for (RunRecord r : runs) {
      if (!r.mode().equals("fanout")) {
        continue;
      }
      n++;
      Object d = r.fields().get("date");
      if (d != null && d.toString().length() >= 10) {
        dates.add(d.toString().substring(0, 10));
      }
      double c = r.num("cores");
      if (Double.isFinite(c)) {
        cores.add((long) c);
      }
    }
    String when = dates.isEmpty() ? "" : dates.first().equals(dates.last()) ? dates.first()
        : dates.first() + " to " + dates.last();
    return String.format(Locale.ROOT, "%d fan-out runs, %s, %s core(s), load tool on the same machine; "
        + "bench/run.sh chart", n, when, cores.isEmpty() ? "?" : cores.toString().replaceAll("[\\[\\]]", ""));
  }

  private static String need(String key, String v) {
    if (v == null || v.startsWith("--")) {
      throw new IllegalArgumentException(key + " needs a value");
    }
    return v;
  }

  private static String usage() {
    return "usage: bench chart --in results.jsonl [--in more.jsonl] --out chart.png [--title TEXT] [--width 1400] [--height 1250]\n"
        + "       bench summary --in results.jsonl [--in more.jsonl] [--out summary.md]";
  }
}
