package dev.herald.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;

/** A call's lane is its Redis Cluster slot key: what Redis hashes of its key. */
class RedisCallTest {

  @Test
  void theLaneIsTheHashTagElseTheKey() {
    assertEquals("herald:p:3", RedisCall.slot("herald:presence:{herald:p:3}:expiry"));
    assertEquals("scores", RedisCall.slot("h:ch:{scores}:meta"));
    assertEquals("a{}b", RedisCall.slot("a{}b"), "an empty tag is no tag");
    assertEquals("plain", RedisCall.slot("plain"));
    assertEquals("x", RedisCall.slot("{x}{y}"), "the first tag counts");
  }

  @Test
  void plainCallsShareOneLaneAndKeyedOnesTakeTheirKeys() {
    assertNull(RedisCall.plain("ping", Request.cmd(Command.PING)).lane());
    assertEquals("s", RedisCall.keyed("zcard", "k:{s}:z", Request.cmd(Command.ZCARD).arg("k:{s}:z")).lane());
  }
}
