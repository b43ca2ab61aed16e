package dev.herald.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that session credentials are signed with ({@link SessionCredentials}; docs/operations.md#sessions).
 * Every node that serves HTTP must hold the same key, so that a credential minted by one node is recognised
 * by all of them without a store lookup.
 *
 * <ul>
 *   <li><b>Memory stores</b> (one process, no cluster): 256 random bits made when the node starts. A restart
 *   makes a new key; the sessions of a memory store are gone after a restart anyway, so every old
 *   credential is simply not recognised and its client gets a new one.</li>
 *   <li><b>Redis</b>: the key lives in Redis under {@code <name>:session-key}, created once by whichever node
 *   starts first ({@code SET … NX}) and read by the others. Every {@value #REASSERT_MS} ms each node
 *   writes its key back if the Redis key is gone ({@code SET NX} again, then {@code GET}): a Redis that lost its
 *   data (a flush, a restart without persistence) gets the running nodes' key again, and a node that started
 *   meanwhile with a key of its own adopts the one in Redis. The key a node replaces is still accepted
 *   (never used to sign) until the next change, so no credential in use stops working at that moment.</li>
 * </ul>
 * The key never leaves the node except to Redis, and is never logged.
 */
public final class SessionKeys {
  /** How often a node checks that Redis holds its key. */
  static final long REASSERT_MS = 30_000;
  private static final int KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger LOG = LoggerFactory.getLogger(SessionKeys.class);

  /** {@code keys[0]} signs and verifies; {@code keys[1]}, when present, only verifies. */
  private volatile byte[][] keys;
  private final Vertx vertx;
  private final Redis redis;
  private final String redisKey;
  private final long timeoutMs;
  private long timer = -1;
  private boolean failing;

  private SessionKeys(byte[] key, Vertx vertx, Redis redis, String redisKey, long timeoutMs) {
    this.keys = new byte[][] {key};
    this.vertx = vertx;
    this.redis = redis;
    this.redisKey = redisKey;
    this.timeoutMs = timeoutMs;
  }

  /** A key of this process alone (memory stores). */
  public static SessionKeys local() {
    return new SessionKeys(newKey(), null, null, null, 0);
  }

  /** A fixed key (tests of the credential format). */
  static SessionKeys of(byte[] key) {
    return new SessionKeys(key.clone(), null, null, null, 0);
  }

  /**
   * The key shared through Redis under {@code <name>:session-key}: created there when absent, else read.
   * Fails when Redis does not answer within {@code timeoutMs}.
   */
  public static Future<SessionKeys> shared(Vertx vertx, Redis redis, String name, long timeoutMs) {
    return shared(vertx, redis, name, timeoutMs, REASSERT_MS);
  }

  /** {@link #shared(Vertx, Redis, String, long)} checking Redis every {@code reassertMs} (tests). */
  static Future<SessionKeys> shared(Vertx vertx, Redis redis, String name, long timeoutMs, long reassertMs) {
    SessionKeys keys = new SessionKeys(newKey(), vertx, redis, name + ":session-key", timeoutMs);
    return keys.reassert().map(v -> {
      keys.timer = vertx.setPeriodic(reassertMs, t -> keys.reassert()
          .onSuccess(x -> keys.recovered())
          .onFailure(keys::failed));
      return keys;
    });
  }

  /** The signing key. */
  byte[] signing() {
    return keys[0];
  }

  /** Every key a credential may be signed with, the signing key first. */
  byte[][] verifying() {
    return keys;
  }

  /** Stops the periodic check. */
  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** {@code SET key mine NX}, then {@code GET key}: adopts what Redis holds. */
  private Future<Void> reassert() {
    String mine = Base64.getEncoder().encodeToString(keys[0]);
    Request set = Request.cmd(Command.SET).arg(redisKey).arg(mine).arg("NX");
    Request get = Request.cmd(Command.GET).arg(redisKey);
    return redis.batch(List.of(set, get)).timeout(timeoutMs, TimeUnit.MILLISECONDS).compose(replies -> {
      Response held = replies.get(1);
      byte[] key = held == null ? null : decode(held.toString());
      if (key == null) {
        return Future.failedFuture("Redis key " + redisKey + " does not hold a session key of " + KEY_BYTES
            + " bytes in base64; delete it and every node writes its own again");
      }
      if (!Arrays.equals(key, keys[0])) {
        if (timer < 0) {
          keys = new byte[][] {key}; // starting: another node made the key first
        } else {
          keys = new byte[][] {key, keys[0]};
          LOG.warn("the session key in Redis ({}) differs from this node's (a node started while Redis had "
              + "lost it): using Redis's; credentials signed with the old key are still accepted", redisKey);
        }
      }
      return Future.succeededFuture();
    });
  }

  private void recovered() {
    if (failing) {
      failing = false;
      LOG.info("the session key in Redis ({}) is checked again", redisKey);
    }
  }

  private void failed(Throwable e) {
    if (!failing) {
      failing = true;
      LOG.warn("cannot check the session key in Redis ({}): {}; the node keeps its key and tries again every {} s",
          redisKey, e.getMessage(), REASSERT_MS / 1000);
    }
  }

  private static byte[] decode(String text) {
    try {
      byte[] key = Base64.getDecoder().decode(text);
      return key.length == KEY_BYTES ? key : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] newKey() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return key;
  }
}
