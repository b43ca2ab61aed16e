package dev.herald.gateway.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one raw value (from YAML, JSON, a variable or a flag) as its key's type, or throws a
 * {@link ConfigException} naming the key. Also writes values back the way a user would.
 */
final class ConfigValues {
  private static final Pattern AMOUNT = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z]*)\\s*");
  private static final long KIB = 1024;

  private ConfigValues() {
  }

  /** A raw value and where it came from ({@code --http.port}, {@code HERALD_HTTP_PORT}, a file name). */
  record Setting(Object value, String origin) {
  }

  static Object parse(ConfigKeys.Key key, Setting s) {
    return switch (key.type()) {
      case STRING -> string(key, s);
      case INT -> integer(key, s);
      case BOOL -> bool(key, s);
      case DURATION -> duration(key, s);
      case SIZE -> size(key, s);
      case LIST -> list(key, s);
      case JSON -> json(key, s);
      case CHOICE -> {
        String c = string(key, s).trim().toLowerCase(Locale.ROOT);
        if (!key.choices().contains(c)) {
          throw bad(key, s, "must be one of " + String.join(", ", key.choices()));
        }
        yield c;
      }
    };
  }

  private static String string(ConfigKeys.Key key, Setting s) {
    Object v = s.value();
    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    throw bad(key, s, "must be text");
  }

  private static int integer(ConfigKeys.Key key, Setting s) {
    BigDecimal d = number(key, s, "a whole number");
    try {
      return d.intValueExact();
    } catch (ArithmeticException e) {
      throw bad(key, s, "must be a whole number");
    }
  }

  private static BigDecimal number(ConfigKeys.Key key, Setting s, String what) {
    Object v = s.value();
    try {
      if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
        return BigDecimal.valueOf(((Number) v).longValue());
      }
      if (v instanceof BigInteger b) {
        return new BigDecimal(b);
      }
      if (v instanceof Double || v instanceof Float) {
        double x = ((Number) v).doubleValue();
        if (Double.isNaN(x) || Double.isInfinite(x)) {
          throw bad(key, s, "must be " + what);
        }
        return BigDecimal.valueOf(x);
      }
      if (v instanceof String str) {
        return new BigDecimal(str.trim().replace("_", ""));
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw bad(key, s, "must be " + what);
  }

  private static boolean bool(ConfigKeys.Key key, Setting s) {
    Object v = s.value();
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String str) {
      switch (str.trim().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on" -> {
          return true;
        }
        case "false", "no", "off" -> {
          return false;
        }
        default -> {
        }
      }
    }
    throw bad(key, s, "must be true or false");
  }

  /** Duration units in milliseconds; a bare number is seconds. */
  private static final Map<String, Long> DURATION_UNITS = Map.of("", 1000L, "s", 1000L, "ms", 1L, "m", 60_000L,
      "h", 3_600_000L, "d", 86_400_000L);
  /** Size units in bytes; a bare number is bytes. */
  private static final Map<String, Long> SIZE_UNITS = Map.of("", 1L, "b", 1L, "kib", KIB, "mib", KIB * KIB,
      "gib", KIB * KIB * KIB, "kb", 1000L, "mb", 1000L * 1000, "gb", 1000L * 1000 * 1000);
  private static final String DURATION_FORMS = "seconds, or a number with ms, s, m, h or d: 250ms, 2s, 10m, 1h";
  private static final String SIZE_FORMS = "bytes, or a number with B, KiB, MiB, GiB, KB, MB or GB: 64KiB, 1MiB";

  /** Seconds as a number, or a number with a unit: ms, s, m, h, d. Never negative; whole milliseconds. */
  static Duration duration(ConfigKeys.Key key, Setting s) {
    BigDecimal millis = s.value() instanceof Duration d ? BigDecimal.valueOf(d.toNanos()).movePointLeft(6)
        : amount(key, s, DURATION_UNITS, "a duration", DURATION_FORMS);
    if (millis.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 1_000_000)) > 0) {
      throw bad(key, s, "is too long");
    }
    return Duration.ofMillis(whole(key, s, millis, "milliseconds"));
  }

  /** Bytes as a whole number, or a number with a unit: B, KiB, MiB, GiB (1024-based), KB, MB, GB (1000-based). */
  static long size(ConfigKeys.Key key, Setting s) {
    return whole(key, s, amount(key, s, SIZE_UNITS, "a size", SIZE_FORMS), "bytes");
  }

  /** A non-negative number (or number and unit) in the smallest unit of {@code units}. */
  private static BigDecimal amount(ConfigKeys.Key key, Setting s, Map<String, Long> units, String what, String forms) {
    Object v = s.value();
    BigDecimal amount;
    if (v instanceof Number) {
      amount = number(key, s, what).multiply(BigDecimal.valueOf(units.get("")));
    } else if (v instanceof String str) {
      Matcher m = AMOUNT.matcher(str);
      if (!m.matches()) {
        throw bad(key, s, str.trim().startsWith("-") ? "must not be negative" : "is not " + what + " (" + forms + ")");
      }
      Long unit = units.get(m.group(2).toLowerCase(Locale.ROOT));
      if (unit == null) {
        throw bad(key, s, "has an unknown unit '" + m.group(2) + "' (" + forms + ")");
      }
      amount = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
    } else {
      throw bad(key, s, "must be " + what + " (" + forms + ")");
    }
    if (amount.signum() < 0) {
      throw bad(key, s, "must not be negative");
    }
    return amount;
  }

  private static long whole(ConfigKeys.Key key, Setting s, BigDecimal amount, String unit) {
    try {
      return amount.longValueExact();
    } catch (ArithmeticException e) {
      throw bad(key, s, "must be a whole number of " + unit);
    }
  }

  private static List<String> list(ConfigKeys.Key key, Setting s) {
    Object v = s.value();
    List<String> out = new ArrayList<>();
    if (v instanceof java.util.Collection<?> l) {
      for (Object o : l) {
        if (!(o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Enum)) {
          throw bad(key, s, "must be a list of text values");
        }
        addItem(out, o.toString());
      }
    } else if (v instanceof String str) {
      for (String part : str.split(",", -1)) {
        addItem(out, part);
      }
    } else {
      throw bad(key, s, "must be a list or a comma-separated string");
    }
    return List.copyOf(out);
  }

  private static void addItem(List<String> out, String item) {
    String t = item.trim();
    if (!t.isEmpty()) {
      out.add(t);
    }
  }

  private static JsonObject json(ConfigKeys.Key key, Setting s) {
    Object v = s.value();
    if (v instanceof Map<?, ?> m) {
      try {
        return new JsonObject(io.vertx.core.json.Json.encode(m));
      } catch (RuntimeException e) {
        throw bad(key, s, "must be a JSON object");
      }
    }
    if (v instanceof String str) {
      if (str.isBlank()) {
        return new JsonObject();
      }
      try {
        return new JsonObject(str);
      } catch (DecodeException | ClassCastException e) {
        throw bad(key, s, "must be a JSON object");
      }
    }
    throw bad(key, s, "must be a JSON object");
  }

  static ConfigException bad(ConfigKeys.Key key, Setting s, String problem) {
    String value = ConfigKeys.isSecret(key.name()) ? "(hidden)" : show(s.value());
    return new ConfigException(key.name(), key.name() + " (" + value + ") " + problem + origin(s));
  }

  static String origin(Setting s) {
    return s.origin() == null ? "" : " [from " + s.origin() + "]";
  }

  private static String show(Object v) {
    String t = v instanceof String str ? '"' + str + '"' : String.valueOf(v);
    return t.length() > 60 ? t.substring(0, 57) + "..." : t;
  }

  /** A value the way a user writes it: {@code 30s}, {@code 250ms}, {@code 1h}, {@code 64KiB}, {@code a,b}. */
  static String display(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Duration d) {
      return duration(d);
    }
    if (v instanceof Long bytes) {
      return size(bytes);
    }
    if (v instanceof List<?> l) {
      return String.join(",", l.stream().map(String::valueOf).toList());
    }
    if (v instanceof JsonObject o) {
      return o.encode();
    }
    return v.toString();
  }

  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  static String size(long bytes) {
    if (bytes != 0 && bytes % (KIB * KIB * KIB) == 0) {
      return bytes / (KIB * KIB * KIB) + "GiB";
    }
    if (bytes != 0 && bytes % (KIB * KIB) == 0) {
      return bytes / (KIB * KIB) + "MiB";
    }
    if (bytes != 0 && bytes % KIB == 0) {
      return bytes / KIB + "KiB";
    }
    return bytes + "B";
  }
}
