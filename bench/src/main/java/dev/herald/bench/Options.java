package dev.herald.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command line: a mode, then {@code --key value} / {@code --key=value} options (a boolean
 * option alone means true). Every option is declared in {@link #HELP} with its default; an unknown
 * one is an error, so a typo never runs a different benchmark than the one asked for.
 */
final class Options {
  static final List<String> MODES = List.of("fanout", "idle", "replay-storm", "heartbeat", "publish");

  /** key, default (null: none), description. */
  private static final String[][] HELP = {
      {"target", "http://127.0.0.1:8080", "server URL(s), comma-separated; subscribers and heartbeat connections round-robin"},
      {"pub-target", null, "URL publishes go to (default: the first --target)"},
      {"subscribers", null, "SSE subscribers (fanout 1000, idle 1000, replay-storm 1000, publish 0)"},
      {"channels", "1", "channels"},
      {"channels-per-sub", "1", "channels each subscriber follows (subscriber i: i, i+1, ... mod channels)"},
      {"rate", null, "publishes per second in total; 0 = as fast as --pub-conns x --pipeline in flight allow (fanout 100, publish 0, replay-storm 0; heartbeat: beats per second, 1000)"},
      {"duration", null, "seconds of publishing / beating / holding (fanout 10, publish 10, heartbeat 10, idle 10)"},
      {"warmup", "0", "fanout, publish, heartbeat: seconds of the same load before measuring (JIT warm-up of server and tool)"},
      {"pub-conns", "4", "publisher keep-alive connections (channel c is always published on connection c mod pub-conns, so its order holds)"},
      {"pipeline", "8", "requests in flight per publisher / heartbeat connection (HTTP/1.1 pipelining when > 1)"},
      {"batch", "1", "events per publish request (> 1 uses the batch route)"},
      {"payload-bytes", "0", "padding bytes added to each event's data"},
      {"missed", "100", "replay-storm: events per channel each subscriber misses"},
      {"sessions", "1000", "heartbeat: sessions started once, then beaten in turn"},
      {"hb-conns", "4", "heartbeat: keep-alive connections"},
      {"server-pid", null, "server process id(s), comma-separated, for RSS and CPU from /proc"},
      {"server-children", "false", "count the server processes' children too (nginx workers)"},
      {"threads", "2", "load-tool event loops"},
      {"connect-concurrency", "500", "subscriber connects in progress at once"},
      {"resume-concurrency", "0", "replay-storm: reconnects in progress at once (0 = all at once)"},
      {"connect-timeout", "20", "seconds a subscriber may take to get its 200 and headers"},
      {"drain", "10", "seconds to wait, after publishing ends, for the last deliveries (ends early when all arrived)"},
      {"settle", "3", "idle: seconds to hold after the last connect before measuring RSS"},
      {"reconnect-delay", "500", "ms before a subscriber the server dropped reconnects with its last id (0: never)"},
      {"channel-prefix", null, "channel name prefix (default: bench-<run id>-)"},
      {"sub-path", "/v1/stream?channel={chs}", "subscribe path; {chs} = the channels joined by --channel-sep, {ch} = the first"},
      {"channel-sep", "&channel=", "separator of channel names in {chs}"},
      {"pub-path", "/v1/channels/{ch}/events", "publish path"},
      {"batch-path", "/v1/events", "batch publish path (JSON array of {channel, event, data})"},
      {"pub-format", "json", "json: {\"event\":\"b\",\"data\":\"<token>\"}; raw: the token as text/plain"},
      {"hb-start-path", "/v1/heartbeat/start", "heartbeat: start path"},
      {"hb-path", "/v1/heartbeat", "heartbeat: beat path"},
      {"hb-cookie", "herald_sid", "heartbeat: session cookie name"},
      {"start-at", "0", "fanout: wall-clock ms since the epoch at which to begin publishing (warm-up included), after connecting; several processes given the same time measure one window (0: at once)"},
      {"latency-buckets", "false", "fanout: add the delivery latency histogram to the JSON line (for bench merge)"},
      {"label", null, "free text copied into the JSON line (e.g. herald-memory-1node)"},
      {"out", null, "also append the JSON line to this file"},
      {"max-seconds", "900", "hard bound on the whole run; the tool exits past it"},
      {"allow-remote", "false", "allow non-loopback targets (never needed on one machine)"},
  };

  private final String mode;
  private final Map<String, String> values = new LinkedHashMap<>();

  private Options(String mode) {
    this.mode = mode;
  }

  /** Parses {@code args}; throws {@link IllegalArgumentException} with a message for the user. */
  static Options parse(String[] args) {
    if (args.length == 0 || args[0].startsWith("-")) {
      throw new IllegalArgumentException("give a mode first: one of " + MODES);
    }
    String mode = args[0].toLowerCase(Locale.ROOT);
    if (!MODES.contains(mode)) {
      throw new IllegalArgumentException("unknown mode '" + args[0] + "': one of " + MODES);
    }
    Options o = new Options(mode);
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("expected --key value, got '" + a + "'");
      }
      String key = a.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      } else {
        value = "true";
      }
      if (known(key) == null) {
        throw new IllegalArgumentException("unknown option --" + key + " (see --help)");
      }
      o.values.put(key, value);
    }
    return o;
  }

  static String help() {
    StringBuilder b = new StringBuilder();
    b.append("usage: bench MODE [--key value ...]\n  modes: ").append(String.join(", ", MODES)).append("\n\n");
    for (String[] h : HELP) {
      b.append(String.format(Locale.ROOT, "  --%-20s %s%s%n", h[0], h[2], h[1] == null ? "" : " [" + h[1] + "]"));
    }
    return b.toString();
  }

  private static String[] known(String key) {
    for (String[] h : HELP) {
      if (h[0].equals(key)) {
        return h;
      }
    }
    return null;
  }

  String mode() {
    return mode;
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  String str(String key) {
    String v = values.get(key);
    return v != null ? v : known(key)[1];
  }

  /** The value, or {@code modeDefault} when absent and the declared default is null. */
  long num(String key, long modeDefault) {
    String v = values.get(key);
    if (v == null) {
      String d = known(key)[1];
      return d == null ? modeDefault : Long.parseLong(d);
    }
    try {
      return Long.parseLong(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " must be a whole number, not '" + v + "'");
    }
  }

  long num(String key) {
    return num(key, 0);
  }

  double dbl(String key) {
    String v = str(key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " must be a number, not '" + v + "'");
    }
  }

  boolean bool(String key) {
    String v = str(key);
    if (v.equals("true") || v.equals("1")) {
      return true;
    }
    if (v.equals("false") || v.equals("0")) {
      return false;
    }
    throw new IllegalArgumentException("--" + key + " is true or false, not '" + v + "'");
  }

  List<String> list(String key) {
    List<String> out = new ArrayList<>();
    String v = str(key);
    if (v != null) {
      for (String s : v.split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }

  /** The options given, for the report. */
  Map<String, String> given() {
    return values;
  }
}
