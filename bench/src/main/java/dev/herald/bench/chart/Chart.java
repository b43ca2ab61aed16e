package dev.herald.bench.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws the fan-out runs as a PNG (Java2D, headless): deliveries per second, p99 latency and server
 * CPU per delivery against subscribers, one colour per target and one line style per channel layout
 * (all on one channel, or several subscribers per channel), drawn with its own line style and marker
 * shape. Filled marks are the medians of each target's runs at that size; hollow ones the single runs.
 */
final class Chart {
  private static final Color INK = new Color(0x22, 0x22, 0x22);
  private static final Color GRID = new Color(0xE3, 0xE3, 0xE3);
  private static final Map<String, Color> KNOWN = Map.of(
      "herald", new Color(0x1F, 0x5F, 0xBF),
      "herald-redis", new Color(0x12, 0x9A, 0x8E),
      "herald-cluster", new Color(0x7B, 0x3F, 0xBF),
      "nchan-1w", new Color(0xE0, 0x7B, 0x00),
      "nchan-2w", new Color(0xC0, 0x39, 0x2B),
      "sse-channel", new Color(0x70, 0x70, 0x70),
      "ceiling", new Color(0x00, 0x00, 0x00));
  private static final Color[] MORE = {
      new Color(0x2C, 0xA0, 0x2C), new Color(0xD6, 0x27, 0x8B), new Color(0x8C, 0x56, 0x4B),
      new Color(0x17, 0xBE, 0xCF), new Color(0xBC, 0xBD, 0x22)};
  private static final float[][] DASHES = {null, {10f, 6f}, {3f, 5f}, {14f, 4f, 3f, 4f}};

  /** One figure drawn in a panel. */
  private record Panel(String title, String unit, ToDoubleFunction<RunRecord> value, boolean log, boolean autoLog) {
  }

  /** The runs of one target at one layout, by subscribers. */
  private record Series(String target, String layout, TreeMap<Long, List<RunRecord>> points) {
  }

  private final int width;
  private final int height;

  Chart(int width, int height) {
    this.width = width;
    this.height = height;
  }

  private static final List<String> ORDER =
      List.of("herald", "herald-redis", "herald-cluster", "nchan-1w", "nchan-2w", "sse-channel", "ceiling");

  private static int rank(String target) {
    int i = ORDER.indexOf(target);
    return i >= 0 ? i : ORDER.size();
  }

  /** A filled marker of size {@code d} at (x, y): circle, square, diamond or triangle by layout. */
  static java.awt.Shape marker(int layoutIndex, double x, double y, double d) {
    double r = d / 2;
    return switch (layoutIndex % 4) {
      case 0 -> new Ellipse2D.Double(x - r, y - r, d, d);
      case 1 -> new java.awt.geom.Rectangle2D.Double(x - r * 0.9, y - r * 0.9, d * 0.9, d * 0.9);
      case 2 -> {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(x, y - r * 1.2);
        p.lineTo(x + r * 1.2, y);
        p.lineTo(x, y + r * 1.2);
        p.lineTo(x - r * 1.2, y);
        p.closePath();
        yield p;
      }
      default -> {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(x, y - r * 1.2);
        p.lineTo(x + r * 1.1, y + r * 0.9);
        p.lineTo(x - r * 1.1, y + r * 0.9);
        p.closePath();
        yield p;
      }
    };
  }

  /** The channel layout of a run: all subscribers on one channel, or about K per channel. */
  static String layout(RunRecord r) {
    long ch = r.channels();
    if (ch <= 1) {
      return "all on 1 channel";
    }
    long per = Math.max(1, Math.round((double) r.subscribers() / ch));
    return String.format(Locale.ROOT, "%,d subscribers per channel", per);
  }

  /** Renders the fan-out runs among {@code runs} to {@code out}; false when there are none. */
  boolean render(List<RunRecord> runs, Path out, String title, String note) throws IOException {
    List<RunRecord> fan = runs.stream().filter(r -> r.mode().equals("fanout") && r.subscribers() > 0).toList();
    if (fan.isEmpty()) {
      return false;
    }
    List<String> targets = new ArrayList<>(RunRecord.group(fan, RunRecord::target).keySet());
    targets.sort(Comparator.comparingInt(Chart::rank)); // Herald's targets first, then the peers; stable otherwise
    List<String> layouts = new ArrayList<>(RunRecord.group(fan, Chart::layout).keySet());
    layouts.sort(Comparator.comparing((String l) -> !l.startsWith("all")).thenComparing(l -> l));
    List<Series> series = new ArrayList<>();
    for (String t : targets) {
      for (String l : layouts) {
        TreeMap<Long, List<RunRecord>> pts = new TreeMap<>();
        for (RunRecord r : fan) {
          if (r.target().equals(t) && layout(r).equals(l)) {
            pts.computeIfAbsent(r.subscribers(), k -> new ArrayList<>()).add(r);
          }
        }
        if (!pts.isEmpty()) {
          series.add(new Series(t, l, pts));
        }
      }
    }
    Map<String, Color> colors = new LinkedHashMap<>();
    int extra = 0;
    for (String t : targets) {
      Color c = KNOWN.get(t);
      colors.put(t, c != null ? c : MORE[extra++ % MORE.length]);
    }

    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(INK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
      g.drawString(title, 30, 38);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
      g.setColor(new Color(0x55, 0x55, 0x55));
      g.drawString(note, 30, 62);

      List<Panel> panels = List.of(
          new Panel("Deliveries per second (more is better)", "events/s", r -> r.num("deliveries_per_s"), false, false),
          new Panel("Latency p99, publish to receive (less is better)", "ms", r -> r.num("latency_p99_us") / 1000.0, true, false),
          new Panel("Server CPU time per delivery (less is better)", "µs", r -> r.num("server_cpu_us_per_delivery"), false, true));
      int legendW = 300;
      int left = 105;
      int right = width - legendW - 30;
      int top = 90;
      int gap = 70;
      int panelH = (height - top - 40 - gap * (panels.size() - 1) - 40) / panels.size();
      Axis x = xAxis(fan);
      for (int p = 0; p < panels.size(); p++) {
        int y0 = top + 30 + p * (panelH + gap);
        drawPanel(g, panels.get(p), series, colors, targets, layouts, x, left, y0, right - left, panelH);
      }
      drawLegend(g, colors, layouts, right + 30, top + 30);
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(img, "png", out.toFile())) {
      throw new IOException("no PNG writer in this JVM");
    }
    return true;
  }

  private static Axis xAxis(List<RunRecord> fan) {
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (RunRecord r : fan) {
      lo = Math.min(lo, r.subscribers());
      hi = Math.max(hi, r.subscribers());
    }
    return Axis.logAround(lo, hi);
  }

  private void drawPanel(Graphics2D g, Panel panel, List<Series> series, Map<String, Color> colors,
      List<String> targets, List<String> layouts, Axis x, int px, int py, int pw, int ph) {
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    for (Series s : series) {
      for (List<RunRecord> rs : s.points().values()) {
        for (RunRecord r : rs) {
          double v = panel.value().applyAsDouble(r);
          if (Double.isFinite(v) && (!panel.log() || v > 0)) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
      }
    }
    if (lo > hi) {
      lo = 0;
      hi = 1;
    }
    // a figure whose values span more than 20x gets a log axis, so the small ones stay readable
    boolean log = panel.log() || (panel.autoLog() && lo > 0 && hi / lo > 20);
    Axis y = log ? Axis.logAround(lo, hi) : Axis.linearFromZero(lo, hi);

    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(INK);
    g.drawString(panel.title(), px, py - 12);
    Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    g.setFont(small);
    FontMetrics fm = g.getFontMetrics();
    for (double t : y.ticks()) {
      int yy = py + ph - (int) Math.round(y.frac(t) * ph);
      g.setColor(GRID);
      g.drawLine(px, yy, px + pw, yy);
      g.setColor(INK);
      String s = Axis.label(t);
      g.drawString(s, px - 8 - fm.stringWidth(s), yy + fm.getAscent() / 2 - 1);
    }
    for (double t : x.ticks()) {
      int xx = px + (int) Math.round(x.frac(t) * pw);
      g.setColor(GRID);
      g.drawLine(xx, py, xx, py + ph);
      g.setColor(INK);
      String s = Axis.label(t);
      g.drawString(s, xx - fm.stringWidth(s) / 2, py + ph + fm.getAscent() + 6);
    }
    g.setColor(INK);
    g.drawRect(px, py, pw, ph);
    g.drawString("subscribers" + (x.log ? " (log scale)" : ""), px + pw - 150, py + ph + 2 * fm.getAscent() + 10);
    Graphics2D rot = (Graphics2D) g.create();
    rot.rotate(-Math.PI / 2);
    String unit = panel.unit() + (y.log ? " (log scale)" : "");
    rot.drawString(unit, -(py + ph / 2 + fm.stringWidth(unit) / 2), px - 70);
    rot.dispose();

    Stroke thin = new BasicStroke(1.2f);
    for (Series s : series) {
      Color c = colors.get(s.target());
      int ti = targets.indexOf(s.target());
      double shift = (ti - (targets.size() - 1) / 2.0) * 5; // px apart, so series at one size stay visible
      int li = layouts.indexOf(s.layout());
      float[] dash = DASHES[li % DASHES.length];
      Path2D.Double line = new Path2D.Double();
      boolean started = false;
      List<double[]> medians = new ArrayList<>();
      for (Map.Entry<Long, List<RunRecord>> e : s.points().entrySet()) {
        double xx = px + x.frac(e.getKey()) * pw + shift;
        List<Double> vals = new ArrayList<>();
        for (RunRecord r : e.getValue()) {
          double v = panel.value().applyAsDouble(r);
          if (Double.isFinite(v) && (!y.log || v > 0)) {
            vals.add(v);
            g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 150));
            g.setStroke(thin);
            double yy = py + ph - y.frac(v) * ph;
            g.draw(marker(li, xx, yy, 7));
          }
        }
        if (vals.isEmpty()) {
          continue;
        }
        vals.sort(Double::compare);
        int n = vals.size();
        double med = n % 2 == 1 ? vals.get(n / 2) : (vals.get(n / 2 - 1) + vals.get(n / 2)) / 2;
        double yy = py + ph - y.frac(med) * ph;
        if (!started) {
          line.moveTo(xx, yy);
          started = true;
        } else {
          line.lineTo(xx, yy);
        }
        medians.add(new double[] {xx, yy});
      }
      g.setColor(c);
      g.setStroke(new BasicStroke(2.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f));
      g.draw(line);
      for (double[] m : medians) {
        g.fill(marker(li, m[0], m[1], 11));
      }
    }
    g.setStroke(new BasicStroke(1f));
  }

  private void drawLegend(Graphics2D g, Map<String, Color> colors, List<String> layouts, int lx, int ly) {
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.setColor(INK);
    g.drawString("Targets", lx, ly);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    int y = ly + 26;
    for (Map.Entry<String, Color> e : colors.entrySet()) {
      g.setColor(e.getValue());
      g.setStroke(new BasicStroke(3f));
      g.drawLine(lx, y - 5, lx + 34, y - 5);
      g.fill(new Ellipse2D.Double(lx + 12, y - 10.5, 11, 11));
      g.setColor(INK);
      g.drawString(e.getKey(), lx + 46, y);
      y += 24;
    }
    y += 16;
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString("Channels", lx, y);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    y += 26;
    for (int i = 0; i < layouts.size(); i++) {
      float[] dash = DASHES[i % DASHES.length];
      g.setColor(INK);
      g.setStroke(new BasicStroke(2.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f));
      g.drawLine(lx, y - 5, lx + 34, y - 5);
      g.setStroke(new BasicStroke(1f));
      g.fill(marker(i, lx + 17, y - 5, 11));
      g.drawString(layouts.get(i), lx + 46, y);
      y += 24;
    }
    y += 16;
    g.setColor(new Color(0x55, 0x55, 0x55));
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    for (String s : new String[] {"Filled mark: median of the runs", "Hollow mark: one run", "Series at one size are",
        "shifted a few pixels apart"}) {
      g.drawString(s, lx, y);
      y += 19;
    }
  }
}
