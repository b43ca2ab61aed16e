package dev.herald.heartbeat;

import dev.herald.heartbeat.api.Session;
import dev.herald.redis.RedisCall;
import dev.herald.redis.RedisCalls;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Redis {@link ClientLedger}: cluster-wide, so the bound holds whichever nodes a client's starts reach.
 * One sorted set per client, {@code <name>:clients:<first 128 bits of SHA-256(client), hex>}, session id ->
 * when it was last known connected; admitted by {@code redis/admit.lua} (one key, so one Redis Cluster
 * slot). A session that ends leaves its member behind until the client is at its bound and the member is
 * found not connected ({@link ClientLedger}); a ledger no start touched for {@value #TTL_HOURS} h expires,
 * so a client whose sessions all ended leaves nothing behind.
 */
public final class RedisClientLedger implements ClientLedger {
  static final int TTL_HOURS = 24;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final RedisCalls calls;
  private final String prefix;

  /**
   * @param calls the presence store's Redis transport (the ledger's script is loaded with the presence scripts)
   * @param name  the key prefix (config {@code name})
   */
  RedisClientLedger(RedisCalls calls, String name) {
    this.calls = Objects.requireNonNull(calls, "calls");
    this.prefix = name + ":clients:";
  }

  @Override
  public Future<List<String>> admit(String client, String sessionId, int max, long now, long staleBefore) {
    RedisCall call = RedisCall.script(RedisPresenceStore.ADMIT, List.of(key(client)), List.of(sessionId, Integer.toString(max),
        Long.toString(now), Long.toString(staleBefore), Long.toString(Duration.ofHours(TTL_HOURS).toMillis())));
    return calls.send("admit", call, null).map(r -> {
      if (r.get(0).toInteger() == 1) {
        return null;
      }
      List<String> stale = new ArrayList<>(r.size() - 1);
      for (int i = 1; i < r.size(); i++) {
        stale.add(r.get(i).toString());
      }
      return stale;
    });
  }

  @Override
  public Future<Void> settle(String client, List<String> alive, List<String> gone, long now) {
    List<RedisCall> changes = new ArrayList<>();
    String key = key(client);
    if (!alive.isEmpty()) {
      Request zadd = Request.cmd(Command.ZADD).arg(key).arg("XX");
      alive.forEach(id -> zadd.arg(now).arg(id));
      changes.add(RedisCall.keyed("ledger confirm", key, zadd));
    }
    if (!gone.isEmpty()) {
      Request zrem = Request.cmd(Command.ZREM).arg(key);
      gone.forEach(zrem::arg);
      changes.add(RedisCall.keyed("ledger forget", key, zrem));
    }
    return changes.isEmpty() ? Future.succeededFuture()
        : calls.pipelineAll("ledger settle", changes).<Response>map(x -> null).mapEmpty();
  }

  @Override
  public void ended(Session session) {
    // the client of a session is not stored with it: its member goes when the ledger settles
  }

  String key(String client) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(client.getBytes(StandardCharsets.UTF_8));
      StringBuilder b = new StringBuilder(prefix.length() + 32).append(prefix);
      for (int i = 0; i < 16; i++) {
        b.append(HEX[(digest[i] >> 4) & 0xf]).append(HEX[digest[i] & 0xf]);
      }
      return b.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
