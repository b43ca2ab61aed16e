package dev.herald.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.testkit.Poll;
import dev.herald.testkit.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection cut off without being closed (a network cut: TCP keeps it, and after the heal its data waits
 * for the next retransmission, tens of seconds later) is replaced once it answered nothing for a whole
 * timeout: the next call goes through at once on a new connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SilentConnectionTest {
  private static final long TIMEOUT_MS = 1500;

  @Test
  void aConnectionSilentForAWholeTimeoutIsReplacedByANewOne() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (RedisServer server = RedisServer.start()) {
      Cuttable proxy = new Cuttable(vertx, server.port());
      int port = await(proxy.listen());
      Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + port));
      RedisCalls calls = new RedisCalls(vertx, redis, List.of(), "test store", TIMEOUT_MS);

      assertEquals("PONG", ping(calls).toString());
      assertEquals(1, proxy.connections.get());

      proxy.cut(); // the connection stays open, nothing crosses it any more
      ExecutionException timedOut = assertThrows(ExecutionException.class,
          () -> ping(calls));
      assertInstanceOf(RedisTimeoutException.class, timedOut.getCause());

      // without the replacement this call would wait on the cut connection and time out as well
      long start = System.nanoTime();
      assertEquals("PONG", ping(calls).toString());
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(ms < TIMEOUT_MS, "answered in " + ms + " ms on a new connection");
      assertEquals(2, proxy.connections.get(), "a second connection was opened");
      // and the silent one is ended, not handed back to the client's pool (which would lend it again)
      Poll.await("the silent connection closed", Duration.ofSeconds(5), () -> proxy.closed.get() >= 1);
      assertEquals(1, proxy.closed.get(), "only the silent connection was closed");
      assertEquals("PONG", ping(calls).toString());
      calls.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      redis.close();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static Response ping(RedisCalls calls) throws Exception {
    return await(calls.send("ping", RedisCall.plain("ping", Request.cmd(Command.PING)), null));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A TCP relay to Redis whose open connections can be cut without closing them (bytes are dropped). */
  private static final class Cuttable {
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    private final Vertx vertx;
    private final int target;
    private final List<AtomicBoolean> open = new CopyOnWriteArrayList<>();

    Cuttable(Vertx vertx, int target) {
      this.vertx = vertx;
      this.target = target;
    }

    Future<Integer> listen() {
      NetServer server = vertx.createNetServer();
      server.connectHandler(client -> {
        connections.incrementAndGet();
        client.closeHandler(v -> closed.incrementAndGet());
        AtomicBoolean up = new AtomicBoolean(true);
        open.add(up);
        client.pause();
        vertx.createNetClient().connect(target, "127.0.0.1").onSuccess(redis -> {
          relay(client, redis, up);
          relay(redis, client, up);
          client.resume();
        }).onFailure(e -> client.close());
      });
      return server.listen(0, "127.0.0.1").map(NetServer::actualPort);
    }

    private static void relay(NetSocket from, NetSocket to, AtomicBoolean up) {
      from.handler(b -> {
        if (up.get()) {
          to.write(b);
        }
      });
      from.endHandler(v -> to.close());
    }

    /** Every connection open now stops carrying bytes; new ones work. */
    void cut() {
      open.forEach(up -> up.set(false));
    }
  }
}
