package dev.herald.bench.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A value axis: linear or log10, its range, its ticks, and the mapping to pixels. */
final class Axis {
  final boolean log;
  final double min;
  final double max;

  private Axis(boolean log, double min, double max) {
    this.log = log;
    this.min = min;
    this.max = max;
  }

  /** A linear axis from 0 (or below, for negative data) to a round value above {@code hi}. */
  static Axis linearFromZero(double lo, double hi) {
    double top = hi <= 0 ? 1 : niceStep(hi * 1.12 / 5) * Math.ceil(hi * 1.12 / niceStep(hi * 1.12 / 5));
    return new Axis(false, Math.min(0, lo), top);
  }

  /** A log axis around [lo, hi] (positive), widened to whole 1-2-5 steps. */
  static Axis logAround(double lo, double hi) {
    if (!(lo > 0)) {
      lo = hi > 0 ? hi / 10 : 1;
    }
    if (!(hi > 0)) {
      hi = lo * 10;
    }
    if (hi / lo < 3) {
      double mid = Math.sqrt(lo * hi);
      lo = Math.min(lo, mid / 2);
      hi = Math.max(hi, mid * 2);
    }
    return new Axis(true, lo / 1.35, hi * 1.35);
  }

  /** Position of {@code v} in [0, 1] along the axis. */
  double frac(double v) {
    if (log) {
      double x = Math.max(v, min);
      return (Math.log10(x) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
    }
    return (v - min) / (max - min);
  }

  List<Double> ticks() {
    List<Double> t = new ArrayList<>();
    if (log) {
      int from = (int) Math.floor(Math.log10(min));
      int to = (int) Math.ceil(Math.log10(max));
      for (int e = from; e <= to; e++) {
        for (int m : new int[] {1, 2, 5}) {
          double v = m * Math.pow(10, e);
          if (v >= min && v <= max) {
            t.add(v);
          }
        }
      }
      return t;
    }
    double step = niceStep((max - min) / 5);
    for (double v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
      t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    return t;
  }

  /** A 1, 2 or 5 times a power of ten near {@code raw}. */
  static double niceStep(double raw) {
    if (!(raw > 0)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  }

  /** A compact label: 1,000 / 2.5 / 0.2 / 150k / 1.2M. */
  static String label(double v) {
    double a = Math.abs(v);
    if (a >= 1_000_000) {
      return trim(v / 1_000_000) + "M";
    }
    if (a >= 100_000) {
      return trim(v / 1000) + "k";
    }
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return trim(v);
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    if (s.contains(".")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }
}
