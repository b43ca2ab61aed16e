package dev.herald.heartbeat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where presence lives in Redis. Sessions are spread over {@link #SHARDS} shards by a hash of their id;
 * every key of a shard carries the same hash tag, so each script touches one shard, which is one Redis
 * Cluster slot:
 * <pre>
 *   &lt;name&gt;:presence:{&lt;name&gt;:p:&lt;n&gt;}:expiry      sorted set: id -&gt; lastSeenAt (ms)
 *   &lt;name&gt;:presence:{&lt;name&gt;:p:&lt;n&gt;}:ids         sorted set: id, score 0 (ordered by id, for paging)
 *   &lt;name&gt;:presence:{&lt;name&gt;:p:&lt;n&gt;}:s:&lt;id&gt;     hash: u (userId, absent when none), m (meta JSON), c (connectedAt)
 *   &lt;name&gt;:presence:{&lt;name&gt;:p:&lt;n&gt;}:leaving     hash: id -&gt; token of its leave (a page went away), until a
 *                                            start, a beat or its end takes it away
 * </pre>
 * The shard of an id is FNV-1a (32 bits) of its UTF-8 bytes modulo {@link #SHARDS}: the same on every node
 * and every version. Changing {@link #SHARDS} moves sessions to other keys, so it is fixed.
 */
final class RedisPresenceKeys {
  /** Shards of the presence data (and, in a cluster, slots it is spread over). */
  static final int SHARDS = 16;

  private final String[] expiry = new String[SHARDS];
  private final String[] ids = new String[SHARDS];
  private final String[] sessionPrefix = new String[SHARDS];
  private final String[] leaving = new String[SHARDS];

  RedisPresenceKeys(String name) {
    if (name == null || name.isEmpty() || name.indexOf('{') >= 0 || name.indexOf('}') >= 0) {
      throw new IllegalArgumentException("the Redis key prefix must be non-empty, without { or }: " + name);
    }
    for (int n = 0; n < SHARDS; n++) {
      String shard = name + ":presence:{" + name + ":p:" + n + "}:";
      expiry[n] = shard + "expiry";
      ids[n] = shard + "ids";
      sessionPrefix[n] = shard + "s:";
      leaving[n] = shard + "leaving";
    }
  }

  static int shard(String sessionId) {
    int h = 0x811c9dc5;
    for (byte b : sessionId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return Integer.remainderUnsigned(h, SHARDS);
  }

  String expiry(int shard) {
    return expiry[shard];
  }

  String ids(int shard) {
    return ids[shard];
  }

  /** The shard's leaving marks. */
  String leaving(int shard) {
    return leaving[shard];
  }

  /** The prefix of the shard's session hashes ({@code ...:s:}); the scripts append the id. */
  String sessionPrefix(int shard) {
    return sessionPrefix[shard];
  }

  String session(String sessionId) {
    return sessionPrefix[shard(sessionId)] + sessionId;
  }

  /** The expiry sets of every shard but {@code shard}. */
  List<String> otherExpiries(int shard) {
    List<String> out = new ArrayList<>(SHARDS - 1);
    for (int n = 0; n < SHARDS; n++) {
      if (n != shard) {
        out.add(expiry[n]);
      }
    }
    return out;
  }
}
