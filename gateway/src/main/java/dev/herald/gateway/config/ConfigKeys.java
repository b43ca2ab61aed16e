package dev.herald.gateway.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every configuration key Herald knows (README.md#configuration: the specified keys and Herald's additions), with its type, default and
 * meaning. The one list the loader, {@code --help} and the README table are checked against.
 */
public final class ConfigKeys {

  /** How a key's value is written. */
  public enum Type {
    /** Text. */
    STRING,
    /** A whole number. */
    INT,
    /** {@code true} or {@code false}. */
    BOOL,
    /** Seconds as a number (may be fractional) or a string with a unit: {@code 250ms}, {@code 2s}, {@code 10m}, {@code 1h}, {@code 1d}. */
    DURATION,
    /** Bytes as a number or a string with a unit: {@code 64KiB}, {@code 1MiB}, {@code 1GiB} (also 1000-based {@code KB}, {@code MB}, {@code GB}). */
    SIZE,
    /** A list, or a comma-separated string. */
    LIST,
    /** A JSON object (a map in YAML/JSON, JSON text in a variable or flag). */
    JSON,
    /** One of {@link Key#choices()}. */
    CHOICE
  }

  /**
   * One key.
   *
   * @param name         the dotted key, as in files and flags
   * @param type         how its value is written
   * @param defaultValue the default as the loader produces it ({@link Duration}, {@link Integer}, {@link Long},
   *                     {@link Boolean}, {@link String}, {@link List}, {@link JsonObject}), or {@code null} for none
   * @param choices      the allowed values of a {@link Type#CHOICE} (or list elements of {@code roles}), else empty
   * @param help         what it means, one line
   * @param addition     true for Herald's additions to the specified configuration table
   */
  public record Key(String name, Type type, Object defaultValue, List<String> choices, String help, boolean addition) {
    /** The environment variable that sets this key. */
    public String env() {
      return envName(name);
    }

    /** The default as a user would write it. */
    public String defaultText() {
      return ConfigValues.display(defaultValue);
    }
  }

  private static final Map<String, Key> KEYS = new LinkedHashMap<>();

  static {
    key("name", Type.STRING, "herald", "prefix of event-bus addresses and Redis keys, logger name", false);
    key("logging", Type.INT, 0, "0 quiet; 1 logs connect/reconnect/disconnect; 2 also every beat", false);
    key("heartbeat.purgeDelay", Type.DURATION, Duration.ofSeconds(25), "how often expired sessions are purged", false);
    key("heartbeat.beatDelay", Type.DURATION, Duration.ofSeconds(30), "beat interval told to clients", false);
    key("heartbeat.expireDelay", Type.DURATION, Duration.ofSeconds(40),
        "silence after which a session expires; must exceed heartbeat.beatDelay", false);
    key("heartbeat.leaveGrace", Type.DURATION, Duration.ofSeconds(3),
        "a stop?leaving=1 (a page going away) waits this long for a start or beat of the session, then disconnects",
        false);
    key("heartbeat.streamKeepsAlive", Type.BOOL, true, "an open stream with the session cookie keeps its session alive",
        true);
    key("heartbeat.maxSessions", Type.INT, 100_000, "sessions held at most; starts past it get 503", true);
    choice("store.type", "memory", List.of("memory", "redis"), "where history and sessions live (redis: shared by nodes, see store.redis.*)", false);
    key("store.redis.host", Type.STRING, "127.0.0.1", "Redis host", false);
    key("store.redis.port", Type.INT, 6379, "Redis port", false);
    key("store.redis.password", Type.STRING, null, "Redis password (none by default)", false);
    key("store.redis.db", Type.INT, 0, "Redis database number", false);
    key("store.redis.options", Type.JSON, new JsonObject(), "extra Vert.x Redis client options (JSON object)", false);
    choice("store.redis.mode", "standalone", List.of("standalone", "cluster"), "Redis deployment kind", true);
    key("sse.pingInterval", Type.DURATION, Duration.ofSeconds(15), "keep-alive comment after this much silence", false);
    key("sse.retryTimeout", Type.DURATION, Duration.ofSeconds(2), "the retry: reconnect hint sent first", false);
    key("sse.maxQueuedBytes", Type.SIZE, 1024L * 1024, "bytes queued for one stream before it is closed (G5)", false);
    key("sse.maxChannelsPerStream", Type.INT, 32, "channels one stream may follow; more is a 400", true);
    key("sse.maxStreams", Type.INT, 50_000, "open streams per node; more get 503", true);
    key("sse.padding", Type.BOOL, false, "start streams with a 2 KiB comment for proxies that buffer", true);
    key("history.maxEvents", Type.INT, 1000, "events kept per channel, exactly the newest N", false);
    key("history.maxAge", Type.DURATION, Duration.ofHours(1), "events older than this are gone", false);
    key("history.idleChannelTtl", Type.DURATION, Duration.ofHours(24), "a channel without publishes this long is removed",
        false);
    key("history.maxChannels", Type.INT, 100_000, "channels one memory store holds at most; more get 503", true);
    key("http.port", Type.INT, 8080, "HTTP port (0: any free port)", false);
    key("http.host", Type.STRING, "0.0.0.0", "HTTP bind address", false);
    key("http.maxBodyBytes", Type.SIZE, 64L * 1024, "largest request body; more is a 413", true);
    key("http.cors.origins", Type.LIST, List.of(), "allowed CORS origins, comma-separated (* allowed in open mode)", true);
    key("http.instances", Type.INT, 0, "gateway verticle instances (0: two per core)", true);
    key("http.requestTimeout", Type.DURATION, Duration.ofSeconds(10),
        "a new connection's request headers (and any request's body) must arrive within this", false);
    key("http.idleTimeout", Type.DURATION, Duration.ofSeconds(60),
        "a connection with no request in progress closes after this (open streams are busy)", false);
    key("http.maxConnections", Type.INT, 0,
        "connections held at most (0: the open-file limit less a margin, read at start)", false);
    key("cluster.enabled", Type.BOOL, false, "join a Hazelcast cluster (needs store.type=redis)", false);
    key("cluster.name", Type.STRING, "herald", "cluster name; only nodes with the same name join", false);
    choice("cluster.join", "tcp", List.of("tcp", "kubernetes"), "how members find each other", false);
    key("cluster.members", Type.LIST, List.of(), "host:port list for cluster.join=tcp", false);
    key("cluster.service", Type.STRING, null, "headless Service DNS name for cluster.join=kubernetes", false);
    key("cluster.host", Type.STRING, "127.0.0.1", "address other members reach this one at (the pod IP)", false);
    key("cluster.port", Type.INT, 5701, "Hazelcast port", false);
    key("cluster.busPort", Type.INT, 0, "event-bus port (0: any free port)", false);
    key("cluster.drainWindow", Type.DURATION, Duration.ofSeconds(10), "on SIGTERM, clients are told to reconnect spread over this window",
        false);
    key("cluster.partitionLag", Type.DURATION, Duration.ofSeconds(2),
        "how late an event may reach a stream while the event bus does not bring it (a cut, a merge): "
            + "the store is checked every quarter of it (G7)", false);
    add(new Key("roles", Type.LIST, List.of("heartbeat", "sse", "replay", "gateway"),
        List.of("heartbeat", "sse", "replay", "gateway"), "verticles this node runs (a node that is not clustered runs all; sse needs gateway)", false));
    choice("auth.mode", "open", List.of("open", "jwt"), "who may publish and subscribe: open is anyone, jwt needs a token",
        false);
    key("auth.jwt.secret", Type.STRING, null, "HS256 secret, at least 32 bytes (never printed)", false);
    key("auth.jwt.publicKeys", Type.LIST, List.of(), "RS256/ES256 public keys: PEM text or PEM files (several: rotation)",
        false);
    key("auth.jwt.jwks", Type.STRING, null, "JWKS file or http(s) URL (read again on an unknown kid)", false);
    key("auth.jwt.issuer", Type.STRING, null, "the iss tokens must have (none: not checked)", false);
    key("auth.jwt.audience", Type.LIST, List.of(), "aud values accepted, one must match (none: not checked)", false);
    key("auth.jwt.leeway", Type.DURATION, Duration.ofSeconds(5), "clock skew allowed on exp, nbf and iat", true);
    key("auth.maxSessionsPerClient", Type.INT, 1000,
        "sessions per user (jwt) or client address (open), cluster-wide; more get 429 (0: no bound)", true);
    key("auth.maxStreamsPerClient", Type.INT, 1000,
        "open streams per user (jwt) or client address (open) on one node; more get 429 (0: no bound)", true);
  }

  /** Keys whose values are secrets: never shown in messages or logs. */
  private static final java.util.Set<String> SECRETS = java.util.Set.of("auth.jwt.secret", "store.redis.password");

  /** True when the value of {@code key} is a secret, never to be shown. */
  public static boolean isSecret(String key) {
    return SECRETS.contains(key);
  }

  private ConfigKeys() {
  }

  private static void key(String name, Type type, Object def, String help, boolean addition) {
    add(new Key(name, type, def, List.of(), help, addition));
  }

  private static void choice(String name, String def, List<String> choices, String help, boolean addition) {
    add(new Key(name, Type.CHOICE, def, choices, help, addition));
  }

  private static void add(Key k) {
    KEYS.put(k.name(), k);
  }

  /** Every key, in the order of the README table. */
  public static List<Key> all() {
    return List.copyOf(KEYS.values());
  }

  /** The key named {@code name}, or {@code null}. */
  public static Key find(String name) {
    return KEYS.get(name);
  }

  /**
   * The environment variable of a key: {@code HERALD_}, then the key with dots and camelCase
   * boundaries turned into {@code _}, upper case ({@code heartbeat.expireDelay} →
   * {@code HERALD_HEARTBEAT_EXPIRE_DELAY}).
   */
  public static String envName(String key) {
    StringBuilder b = new StringBuilder("HERALD_");
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '.') {
        b.append('_');
      } else if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(key.charAt(i - 1))
          && key.charAt(i - 1) != '.') {
        b.append('_').append(c);
      } else {
        b.append(Character.toUpperCase(c));
      }
    }
    return b.toString();
  }

  /** The known key closest to an unknown one (for "did you mean"), or {@code null} when none is close. */
  static String closest(String unknown) {
    return closest(unknown, KEYS.keySet());
  }

  /** The candidate closest to {@code unknown}, ignoring case, or {@code null} when none is close. */
  static String closest(String unknown, java.util.Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : candidates) {
      int d = distance(unknown.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return bestDistance <= Math.max(2, unknown.length() / 4) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
