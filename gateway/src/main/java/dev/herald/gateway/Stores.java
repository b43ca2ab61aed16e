package dev.herald.gateway;

import dev.herald.gateway.config.ConfigException;
import dev.herald.gateway.config.HeraldConfig;
import dev.herald.gateway.config.HeraldConfig.Role;
import dev.herald.heartbeat.ClientLedger;
import dev.herald.heartbeat.MemoryClientLedger;
import dev.herald.heartbeat.MemoryPresenceStore;
import dev.herald.heartbeat.RedisClientLedger;
import dev.herald.heartbeat.PresenceStore;
import dev.herald.heartbeat.RedisPresenceStore;
import dev.herald.replay.HistoryStore;
import dev.herald.replay.MemoryHistoryStore;
import dev.herald.replay.RedisHistoryStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's presence and history stores, as {@code store.type} says: in memory, or in Redis through one
 * Vert.x Redis client built from {@code store.redis.*} (shared by both stores, closed by {@link #close()}).
 *
 * <p>The Redis client: the endpoint from {@code store.redis.host}, {@code .port}, {@code .password} and
 * {@code .db}; {@code store.redis.mode=cluster} makes it a {@link RedisClientType#CLUSTER} client with that
 * endpoint as the seed (the client discovers the other masters). {@code store.redis.options} is merged into
 * the client options last, so it may change anything else (pool sizes, timeouts, TLS, more seeds through
 * {@code endpoints}), e.g. {@code {"maxPoolSize": 16}}. Every call to Redis fails after
 * {@value #REDIS_TIMEOUT_MS} ms, so a hung Redis turns requests into {@code 503} answers, never into hangs.
 * A {@link RedisWatch} says once when Redis becomes unreachable and once when it answers again.
 */
public final class Stores {
  /** How long one call to Redis may take before it fails (the HTTP request then answers 503). */
  public static final long REDIS_TIMEOUT_MS = 2_000;
  /**
   * Pooled connections: each store holds one of its own for its pipelines (dev.herald.redis.RedisCalls), the
   * watch's pings take another for a moment; the rest is room for options that want more.
   */
  static final int POOL_SIZE = 8;
  /** Requests that may wait for a pooled connection; the timeout above still bounds each wait. */
  static final int POOL_WAITING = 16_384;
  /** How long the client waits for a TCP connection to Redis. */
  static final int CONNECT_TIMEOUT_MS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(Stores.class);

  private final PresenceStore presence;
  private final ClientLedger clients;
  private final HistoryStore history;
  private final Redis redis;
  private final RedisWatch watch;
  private final String description;
  private boolean closed;

  private Stores(PresenceStore presence, ClientLedger clients, HistoryStore history, Redis redis, RedisWatch watch,
                 String description) {
    this.presence = presence;
    this.clients = clients;
    this.history = history;
    this.redis = redis;
    this.watch = watch;
    this.description = description;
  }

  /**
   * The stores {@code config} asks for. For Redis, the client is created and a watcher starts; nothing is
   * waited for (see {@link #awaitReachable}).
   *
   * @throws ConfigException when the Redis settings cannot work together (e.g. a database other than 0 on Redis Cluster)
   */
  public static Stores create(Vertx vertx, HeraldConfig config, MeterRegistry metrics) {
    String type = config.store().type();
    if ("memory".equals(type)) {
      return new Stores(new MemoryPresenceStore(config.heartbeat().maxSessions()), new MemoryClientLedger(),
          new MemoryHistoryStore(config.history()), null, null, "memory");
    }
    if (!"redis".equals(type)) {
      throw new ConfigException("store.type", "store.type=" + type + ": choose memory or redis");
    }
    HeraldConfig.Redis settings = config.store().redis();
    boolean cluster = "cluster".equals(settings.mode());
    Redis redis = Redis.createClient(vertx, redisOptions(settings));
    String where = where(settings);
    RedisPresenceStore presence = new RedisPresenceStore(vertx, redis, cluster, config.name(),
        config.heartbeat().maxSessions(), REDIS_TIMEOUT_MS);
    HistoryStore history = new RedisHistoryStore(vertx, redis, config.name(), config.history(), REDIS_TIMEOUT_MS);
    boolean watched = config.runs(Role.HEARTBEAT) || config.runs(Role.REPLAY);
    // each time Redis answers (again), the presence scripts are loaded at once rather than on first NOSCRIPT
    Runnable loadScripts = () -> presence.loadScripts().onFailure(e -> LOG.debug("loading the presence scripts: {}",
        e.getMessage()));
    RedisWatch watch = watched
        ? new RedisWatch(vertx, redis, where, RedisWatch.INTERVAL_MS, REDIS_TIMEOUT_MS, metrics, loadScripts) : null;
    if (watch != null) {
      watch.start();
    }
    LOG.info("stores: sessions and history in Redis at {} under key prefix '{}' (request timeout {} ms)", where,
        config.name(), REDIS_TIMEOUT_MS);
    ClientLedger clients = presence.clientLedger();
    return new Stores(presence, clients, history, redis, watch, "redis at " + where);
  }

  /**
   * The Vert.x Redis client options for these settings: the defaults Herald needs (pool, waiting queue,
   * connect timeout), then {@code options} merged in, then the endpoint built from host, port, password and
   * db (with {@code cluster} mode, the seed; more seeds may come from {@code options.endpoints}).
   *
   * @throws ConfigException when {@code options} is not valid for the client or the db does not fit the mode
   */
  static RedisOptions redisOptions(HeraldConfig.Redis settings) {
    boolean cluster = "cluster".equals(settings.mode());
    if (cluster && settings.db() != 0) {
      throw new ConfigException("store.redis.db", "store.redis.db=" + settings.db()
          + ": Redis Cluster has only database 0; remove store.redis.db or use store.redis.mode=standalone");
    }
    RedisOptions defaults = new RedisOptions()
        .setMaxPoolSize(POOL_SIZE + 1)
        .setMaxPoolWaiting(POOL_WAITING)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS).setTcpNoDelay(true)
            .setTcpKeepAlive(true));
    JsonObject merged = defaults.toJson();
    JsonObject extra = settings.options() == null ? new JsonObject() : settings.options().copy();
    List<String> seeds = new ArrayList<>();
    Object more = extra.remove("endpoints");
    if (more instanceof Iterable<?> list) {
      list.forEach(e -> seeds.add(String.valueOf(e)));
    } else if (more != null) {
      throw new ConfigException("store.redis.options", "store.redis.options: endpoints must be a list of redis:// URIs");
    }
    extra.remove("endpoint");
    extra.remove("connectionString");
    merged.mergeIn(extra, true);
    RedisOptions options;
    try {
      options = new RedisOptions(merged);
    } catch (RuntimeException e) {
      throw new ConfigException("store.redis.options", "store.redis.options is not valid for the Vert.x Redis client: "
          + e.getMessage());
    }
    List<String> endpoints = new ArrayList<>();
    endpoints.add(endpoint(settings, cluster));
    endpoints.addAll(seeds);
    options.setEndpoints(endpoints);
    options.setType(cluster ? RedisClientType.CLUSTER : RedisClientType.STANDALONE);
    if (settings.password() != null) {
      options.setPassword(settings.password());
    }
    return options;
  }

  /** {@code redis://host:port/db} ({@code redis://host:port} for a cluster seed); the password goes in the options. */
  static String endpoint(HeraldConfig.Redis settings, boolean cluster) {
    StringBuilder b = new StringBuilder("redis://");
    String host = settings.host();
    b.append(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host).append(':').append(settings.port());
    if (!cluster) {
      b.append('/').append(settings.db());
    }
    return b.toString();
  }

  /** Where Redis is, for logs: {@code host:port db N} or {@code host:port (cluster seed)}; never the password. */
  static String where(HeraldConfig.Redis settings) {
    String address = settings.host() + ":" + settings.port();
    return "cluster".equals(settings.mode()) ? address + " (cluster seed)" : address + " db " + settings.db();
  }

  public PresenceStore presence() {
    return presence;
  }

  /** Sessions per client ({@code auth.maxSessionsPerClient}), in the same place as the sessions. */
  public ClientLedger clients() {
    return clients;
  }

  public HistoryStore history() {
    return history;
  }

  /** The Redis client of a Redis store, else {@code null}. */
  public Redis redis() {
    return redis;
  }

  /** {@code memory}, or {@code redis at host:port …}. */
  public String description() {
    return description;
  }

  /**
   * Succeeds once Redis answers a {@code PING} (at once for memory stores, and for a node that runs neither
   * the heartbeat nor the replay role); fails after {@code waitMs} with a message naming where Redis was
   * expected. A node checks this before it says it is ready.
   */
  public Future<Void> awaitReachable(long waitMs) {
    return watch == null ? Future.succeededFuture() : watch.awaitUp(waitMs);
  }

  /** Whether Redis answered the last check (always true for memory stores). */
  public boolean reachable() {
    return watch == null || watch.up();
  }

  /** Closes both stores, stops the watcher and closes the Redis client. Call after the verticles using them stopped. */
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    if (watch != null) {
      watch.stop();
    }
    return Future.join(presence.close(), history.close()).transform(x -> redis == null
        ? Future.<Void>succeededFuture() : redis.close().otherwiseEmpty()).mapEmpty();
  }
}
