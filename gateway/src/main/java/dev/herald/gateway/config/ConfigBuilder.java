package dev.herald.gateway.config;

import dev.herald.gateway.config.ConfigValues.Setting;
import dev.herald.heartbeat.api.PresenceOptions;
import dev.herald.replay.api.HistoryOptions;
import dev.herald.sse.api.SseOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns checked-for-names settings into a {@link HeraldConfig}: reads each key as its type (or its
 * default), checks ranges and the rules that tie keys together, and builds the option records of the
 * modules (whose own checks also name their keys).
 */
final class ConfigBuilder {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}(\\.[A-Za-z0-9_-]{1,64}){0,7}");
  private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.\\-\\[\\]:]+");
  private static final Pattern MEMBER = Pattern.compile("([A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:]+\\])(:[0-9]{1,5})?");

  private final Map<String, Setting> settings;

  ConfigBuilder(Map<String, Setting> settings) {
    this.settings = settings;
  }

  HeraldConfig build() {
    String name = string("name");
    if (!NAME.matcher(name).matches()) {
      throw bad("name", "must be 1-64 characters of A-Z a-z 0-9 _ - in dot-separated parts");
    }
    int logging = range("logging", 0, 2);
    PresenceOptions heartbeat = presence(logging);
    HistoryOptions history = wrap(() -> new HistoryOptions(range("history.maxEvents", 1, 10_000_000),
        positive("history.maxAge"), positive("history.idleChannelTtl"), range("history.maxChannels", 1, 100_000_000)));
    long queued = size("sse.maxQueuedBytes");
    if (queued < 1024) {
      throw bad("sse.maxQueuedBytes", "must be at least 1KiB");
    }
    Duration ping = duration("sse.pingInterval");
    if (ping.toMillis() < 10) {
      throw bad("sse.pingInterval", "must be at least 10ms");
    }
    SseOptions sse = wrap(() -> new SseOptions(ping, duration("sse.retryTimeout"), queued,
        range("sse.maxChannelsPerStream", 1, 1000), range("sse.maxStreams", 1, 10_000_000), bool("sse.padding")));
    String authMode = string("auth.mode");
    return new HeraldConfig(name, logging, heartbeat, bool("heartbeat.streamKeepsAlive"), history, sse,
        http(authMode), store(), cluster(), roles(), auth(authMode));
  }

  private HeraldConfig.Auth auth(String mode) {
    String secret = string("auth.jwt.secret");
    secret = secret == null || secret.isEmpty() ? null : secret;
    List<String> publicKeys = list("auth.jwt.publicKeys");
    String jwks = blankToNull(string("auth.jwt.jwks"));
    String issuer = blankToNull(string("auth.jwt.issuer"));
    List<String> audience = list("auth.jwt.audience");
    Duration leeway = duration("auth.jwt.leeway");
    if (leeway.isNegative() || leeway.compareTo(Duration.ofMinutes(10)) > 0) {
      throw bad("auth.jwt.leeway", "must be between 0s and 10m");
    }
    if (mode.equals("jwt")) {
      if (secret == null && publicKeys.isEmpty() && jwks == null) {
        throw new ConfigException("auth.mode", "auth.mode=jwt needs a key to verify tokens with: auth.jwt.secret "
            + "(HS256), auth.jwt.publicKeys (RS256/ES256 PEM) or auth.jwt.jwks (a JWKS file or URL)");
      }
      if (secret != null && secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
        throw bad("auth.jwt.secret", "is shorter than 32 bytes: an HS256 secret needs at least 256 bits "
            + "(make one with: openssl rand -hex 32)");
      }
    } else {
      String set = secret != null ? "auth.jwt.secret" : !publicKeys.isEmpty() ? "auth.jwt.publicKeys"
          : jwks != null ? "auth.jwt.jwks" : issuer != null ? "auth.jwt.issuer"
          : !audience.isEmpty() ? "auth.jwt.audience" : null;
      if (set != null) {
        throw new ConfigException(set, set + " is set but auth.mode is " + mode + ": nothing would check tokens; "
            + "set auth.mode=jwt, or remove " + set);
      }
    }
    return new HeraldConfig.Auth(mode, secret, publicKeys, jwks, issuer, audience, leeway,
        range("auth.maxSessionsPerClient", 0, 100_000_000), range("auth.maxStreamsPerClient", 0, 10_000_000));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private PresenceOptions presence(int logging) {
    Duration purge = positive("heartbeat.purgeDelay");
    Duration beat = positive("heartbeat.beatDelay");
    Duration expire = positive("heartbeat.expireDelay");
    if (expire.compareTo(beat) <= 0) {
      throw new ConfigException("heartbeat.expireDelay", "heartbeat.expireDelay (" + ConfigValues.duration(expire)
          + ") must exceed heartbeat.beatDelay (" + ConfigValues.duration(beat) + ")"
          + origins("heartbeat.expireDelay", "heartbeat.beatDelay"));
    }
    Duration leaveGrace = duration("heartbeat.leaveGrace");
    return wrap(() -> new PresenceOptions(purge, beat, expire, range("heartbeat.maxSessions", 1, 100_000_000), logging,
        leaveGrace));
  }

  private HeraldConfig.Http http(String authMode) {
    String host = nonBlank("http.host");
    int port = range("http.port", 0, 65535);
    long maxBody = size("http.maxBodyBytes");
    if (maxBody < 1024 || maxBody > 1024L * 1024 * 1024) {
      throw bad("http.maxBodyBytes", "must be between 1KiB and 1GiB");
    }
    List<String> origins = list("http.cors.origins");
    for (String o : origins) {
      if (o.equals("*")) {
        if (!authMode.equals("open")) {
          throw bad("http.cors.origins", "may be * only with auth.mode=open");
        }
      } else if (!ORIGIN.matcher(o).matches()) {
        throw bad("http.cors.origins", "has '" + o + "', which is not an origin like https://example.com or *");
      }
    }
    Duration requestTimeout = positive("http.requestTimeout");
    Duration idleTimeout = positive("http.idleTimeout");
    return new HeraldConfig.Http(host, port, maxBody, origins, range("http.instances", 0, 1024), requestTimeout,
        idleTimeout, range("http.maxConnections", 0, 100_000_000));
  }

  private HeraldConfig.Store store() {
    String password = string("store.redis.password");
    HeraldConfig.Redis redis = new HeraldConfig.Redis(nonBlank("store.redis.host"), range("store.redis.port", 1, 65535),
        password == null || password.isEmpty() ? null : password, range("store.redis.db", 0, 1 << 20),
        (JsonObject) value("store.redis.options"), string("store.redis.mode"));
    return new HeraldConfig.Store(string("store.type"), redis);
  }

  private HeraldConfig.Cluster cluster() {
    boolean enabled = bool("cluster.enabled");
    String join = string("cluster.join");
    List<String> members = list("cluster.members");
    for (String m : members) {
      if (!MEMBER.matcher(m).matches()) {
        throw bad("cluster.members", "has '" + m + "', which is not host or host:port");
      }
      int colon = m.lastIndexOf(':');
      if (colon > m.lastIndexOf(']') && Integer.parseInt(m.substring(colon + 1)) > 65535) {
        throw bad("cluster.members", "has '" + m + "', whose port is above 65535");
      }
    }
    String service = string("cluster.service");
    service = service == null || service.isBlank() ? null : service.trim();
    if (enabled && join.equals("kubernetes") && service == null) {
      throw new ConfigException("cluster.service", "cluster.service must name the headless Service when "
          + "cluster.join=kubernetes");
    }
    String clusterName = nonBlank("cluster.name");
    Duration drain = duration("cluster.drainWindow");
    Duration lag = duration("cluster.partitionLag");
    if (lag.toMillis() < 200) {
      throw bad("cluster.partitionLag", "must be at least 200ms (the store is checked every quarter of it)");
    }
    return new HeraldConfig.Cluster(enabled, clusterName, join, members, service, nonBlank("cluster.host"),
        range("cluster.port", 1, 65535), range("cluster.busPort", 0, 65535), drain, lag);
  }

  private Set<HeraldConfig.Role> roles() {
    List<String> names = list("roles");
    if (names.isEmpty()) {
      throw bad("roles", "must name at least one of heartbeat, sse, replay, gateway");
    }
    Set<HeraldConfig.Role> roles = EnumSet.noneOf(HeraldConfig.Role.class);
    for (String n : names) {
      String lower = n.toLowerCase(Locale.ROOT);
      if (!ConfigKeys.find("roles").choices().contains(lower)) {
        throw bad("roles", "has '" + n + "', which is not one of heartbeat, sse, replay, gateway");
      }
      roles.add(HeraldConfig.Role.valueOf(lower.toUpperCase(Locale.ROOT)));
    }
    return roles;
  }

  // --- typed reads -------------------------------------------------------------------------------

  private Object value(String key) {
    ConfigKeys.Key k = ConfigKeys.find(key);
    Setting s = settings.get(key);
    return s == null ? k.defaultValue() : ConfigValues.parse(k, s);
  }

  private String string(String key) {
    return (String) value(key);
  }

  private String nonBlank(String key) {
    String s = string(key);
    if (s == null || s.isBlank()) {
      throw bad(key, "must not be empty");
    }
    return s.trim();
  }

  private boolean bool(String key) {
    return (Boolean) value(key);
  }

  private int range(String key, int min, int max) {
    int v = (Integer) value(key);
    if (v < min || v > max) {
      throw bad(key, v < 0 && min == 0 ? "must not be negative" : "must be between " + min + " and " + max);
    }
    return v;
  }

  private long size(String key) {
    return (Long) value(key);
  }

  private Duration duration(String key) {
    return (Duration) value(key);
  }

  private Duration positive(String key) {
    Duration d = duration(key);
    if (d.toMillis() < 1) {
      throw bad(key, "must be positive");
    }
    return d;
  }

  @SuppressWarnings("unchecked")
  private List<String> list(String key) {
    return (List<String>) value(key);
  }

  private ConfigException bad(String key, String problem) {
    Setting s = settings.get(key);
    if (s == null) {
      return new ConfigException(key, key + " " + problem);
    }
    return ConfigValues.bad(ConfigKeys.find(key), s, problem);
  }

  private String origins(String... keys) {
    StringBuilder b = new StringBuilder();
    for (String k : keys) {
      Setting s = settings.get(k);
      if (s != null && s.origin() != null) {
        b.append(b.length() == 0 ? " [" : ", ").append(k).append(" from ").append(s.origin());
      }
    }
    return b.length() == 0 ? "" : b.append(']').toString();
  }

  /** Builds a module's option record, turning its check's message (which names the key) into a ConfigException. */
  private static <T> T wrap(java.util.function.Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      String msg = String.valueOf(e.getMessage());
      int sp = msg.indexOf(' ');
      String key = sp < 0 ? null : msg.substring(0, sp);
      throw new ConfigException(ConfigKeys.find(String.valueOf(key)) == null ? null : key, msg);
    }
  }
}
