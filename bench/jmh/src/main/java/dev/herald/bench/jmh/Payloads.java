package dev.herald.bench.jmh;

/**
 * The event data every benchmark uses, as the compact JSON text Herald stores: fixed, so figures from
 * different runs compare.
 *
 * <ul>
 *   <li>{@code small}: a JSON object of 100 bytes (a price tick);</li>
 *   <li>{@code kib}: a JSON object of about 1 KiB (1,031 bytes: a document patch with a list of 8 edits);</li>
 *   <li>{@code multiline}: a JSON string of 8 lines (240 bytes), sent as its value on 8 {@code data:} lines.</li>
 * </ul>
 */
public final class Payloads {
  /** The names {@link #data(String)} knows, for {@code @Param}. */
  public static final String SMALL = "small";
  public static final String KIB = "kib";
  public static final String MULTILINE = "multiline";

  private Payloads() {
  }

  /** Compact JSON text of the named payload. */
  public static String data(String name) {
    return switch (name) {
      case SMALL -> small();
      case KIB -> kib();
      case MULTILINE -> multiline();
      default -> throw new IllegalArgumentException("unknown payload " + name);
    };
  }

  /** The same value with whitespace and a line break between tokens, as a publisher might send it. */
  public static String pretty(String name) {
    if (MULTILINE.equals(name)) {
      return " " + data(name) + "\n";
    }
    // no payload has ':' or ',' inside a string, so this only adds whitespace between tokens
    return data(name).replace(",\"", ", \"").replace(":", ": ").replace("[{", "[\n  {");
  }

  static String small() {
    return "{\"type\":\"tick\",\"symbol\":\"ACME\",\"bid\":101.25,\"ask\":101.27,\"ts\":1732233600123,"
        + "\"venue\":\"XNAS\",\"seq\":42}";
  }

  static String kib() {
    StringBuilder b = new StringBuilder(1100);
    b.append("{\"doc\":\"d-7f3a9c\",\"rev\":1289,\"author\":{\"id\":\"u-1042\",\"name\":\"Ada Løvlace\"},\"ops\":[");
    for (int i = 0; i < 8; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"op\":\"replace\",\"path\":\"/blocks/").append(i * 7)
          .append("/text\",\"value\":\"The quick brown fox jumps over the lazy dog ").append(i)
          .append("\",\"at\":").append(1732233600000L + i).append('}');
    }
    return b.append("],\"final\":true}").toString();
  }

  static String multiline() {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 1; i <= 8; i++) {
      if (i > 1) {
        b.append("\\n");
      }
      b.append("line ").append(i).append(": some log output here");
    }
    return b.append('"').toString();
  }
}
