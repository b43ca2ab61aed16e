package dev.herald.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of a run: ordered fields, printed as one JSON line (for scripts) and as a table in
 * sections (for people).
 */
final class Report {
  private final Map<String, Object> fields = new LinkedHashMap<>();
  private final List<Object[]> rows = new ArrayList<>(); // {section} or {key, label, unit}
  private final List<String> notes = new ArrayList<>();

  /** Starts a table section. */
  Report section(String title) {
    rows.add(new Object[] {title});
    return this;
  }

  /** A field in the JSON line and a row of the table. */
  Report put(String key, String label, Object value, String unit) {
    fields.put(key, value);
    rows.add(new Object[] {key, label, unit});
    return this;
  }

  /** A field in the JSON line only. */
  Report json(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  /** Latency percentiles of {@code h}, in the JSON line as {@code <prefix>_p50_us} etc. */
  Report latency(String prefix, String label, LogHistogram h) {
    put(prefix + "_p50_us", label + " p50", h.percentile(50), "µs");
    put(prefix + "_p90_us", label + " p90", h.percentile(90), "µs");
    put(prefix + "_p99_us", label + " p99", h.percentile(99), "µs");
    put(prefix + "_p999_us", label + " p99.9", h.percentile(99.9), "µs");
    put(prefix + "_max_us", label + " max", h.max(), "µs");
    json(prefix + "_mean_us", round(h.mean(), 1));
    json(prefix + "_count", h.count());
    return this;
  }

  /** A line printed under the table (warnings). */
  Report note(String text) {
    notes.add(text);
    fields.put("notes", new ArrayList<>(notes));
    return this;
  }

  Object get(String key) {
    return fields.get(key);
  }

  String jsonLine() {
    StringBuilder b = new StringBuilder(1024);
    b.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      quote(b, e.getKey());
      b.append(':');
      value(b, e.getValue());
    }
    return b.append('}').toString();
  }

  String table() {
    StringBuilder b = new StringBuilder(2048);
    for (Object[] r : rows) {
      if (r.length == 1) {
        b.append('\n').append(r[0]).append('\n');
        continue;
      }
      Object v = fields.get((String) r[0]);
      String text = v instanceof Double d ? String.format(Locale.ROOT, "%,.2f", d)
          : v instanceof Long || v instanceof Integer ? String.format(Locale.ROOT, "%,d", ((Number) v).longValue())
          : String.valueOf(v);
      b.append(String.format(Locale.ROOT, "  %-34s %16s %s%n", r[1], text, r[2] == null ? "" : r[2]));
    }
    for (String n : notes) {
      b.append("\n  ! ").append(n).append('\n');
    }
    return b.toString();
  }

  static double round(double v, int places) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return 0;
    }
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }

  private static void value(StringBuilder b, Object v) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof List<?> l) {
      b.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        value(b, l.get(i));
      }
      b.append(']');
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        quote(b, String.valueOf(e.getKey()));
        b.append(':');
        value(b, e.getValue());
      }
      b.append('}');
    } else {
      quote(b, v.toString());
    }
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
