package dev.herald.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisServerTest {

  @Test
  void startsAnswersAndStops() throws Exception {
    RedisServer redis = RedisServer.start();
    try {
      assertEquals("PONG", redis.call("PING"));
      assertEquals("redis://127.0.0.1:" + redis.port(), redis.endpoint());
      assertEquals(List.of("save", ""), redis.call("CONFIG", "GET", "save"));
      assertEquals("OK", redis.call("SET", "k", "v"));
      assertEquals("v", redis.call("GET", "k"));
      redis.flushAll();
      assertNull(redis.call("GET", "k"));
      assertTrue(redis.isRunning());
    } finally {
      redis.close();
    }
    assertFalse(redis.isRunning());
    assertThrows(IOException.class, () -> redis.call("PING"));
    assertFalse(Files.exists(redis.dir()), "temp dir removed");
    redis.close(); // idempotent
  }

  @Test
  void killAndRestartKeepThePortAndLoseTheData() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      int port = redis.port();
      long pid = redis.pid();
      redis.call("SET", "k", "v");
      redis.kill();
      assertFalse(redis.isRunning());
      assertThrows(IOException.class, () -> redis.call("PING"));
      redis.restart();
      assertEquals(port, redis.port());
      assertTrue(redis.pid() != pid);
      assertNull(redis.call("GET", "k"), "no persistence: data gone");
    }
  }

  @Test
  void appendOnlyKeepsDataAcrossAKill() throws Exception {
    try (RedisServer redis = RedisServer.builder().appendOnly(true).start()) {
      redis.call("SET", "k", "v");
      redis.kill();
      redis.restart();
      assertEquals("v", redis.call("GET", "k"));
    }
  }

  @Test
  void pauseFreezesAndResumeThaws() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      redis.pause();
      assertTrue(redis.isPaused());
      assertEquals('T', processState(redis.pid()), "stopped by SIGSTOP");
      redis.resume();
      assertEquals("PONG", redis.call("PING"));
      redis.pause();
    } // close() of a paused server must still stop it
  }

  @Test
  void aPasswordProtectedServerNeedsAuth() throws Exception {
    try (RedisServer redis = RedisServer.builder().password("s3cret").start()) {
      assertEquals("PONG", redis.call("PING"), "call() authenticates");
      assertEquals("redis://:s3cret@127.0.0.1:" + redis.port(), redis.endpoint());
      RedisCommandException refused = assertThrows(RedisCommandException.class,
          () -> Resp.call(redis.port(), 5_000, null, "GET", "k"));
      assertTrue(refused.getMessage().startsWith("NOAUTH"), refused.getMessage());
    }
  }

  @Test
  void countsCommands() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      redis.resetStats();
      redis.call("SET", "a", "1");
      redis.call("SET", "b", "2");
      redis.call("GET", "a");
      Map<String, Long> stats = redis.commandStats();
      assertEquals(2L, stats.get("set"));
      assertEquals(1L, stats.get("get"));
    }
  }

  @Test
  void parsesCommandStats() {
    Map<String, Long> stats = RedisServer.parseCommandStats("# Commandstats\r\n"
        + "cmdstat_evalsha:calls=16,usec=900,usec_per_call=56.25,rejected_calls=0,failed_calls=0\r\n"
        + "cmdstat_cluster|info:calls=3,usec=9,usec_per_call=3.00,rejected_calls=0,failed_calls=0\r\n");
    assertEquals(Map.of("evalsha", 16L, "cluster|info", 3L), stats);
  }

  private static char processState(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    return stat.charAt(stat.lastIndexOf(')') + 2);
  }
}
