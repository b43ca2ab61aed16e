package dev.herald.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a free loopback port that counts round trips. It hands the server's answers to the client
 * {@code latencyMs} late, like a network would, and, per connection, counts a turn each time the client sends
 * after an answer reached it (or for the first time). A client that writes a whole pipeline before it reads
 * makes one turn however many commands and writes the pipeline takes (they all arrive within the latency);
 * a client that waits for an answer before it sends what depends on it makes one turn per wait. Measure
 * sequential operations only.
 */
final class TurnCountingProxy {
  private final Vertx vertx;
  private final int targetPort;
  private final long latencyMs;
  private final AtomicLong turns = new AtomicLong();
  private NetServer server;
  private NetClient client;

  TurnCountingProxy(Vertx vertx, int targetPort, long latencyMs) {
    this.vertx = vertx;
    this.targetPort = targetPort;
    this.latencyMs = latencyMs;
  }

  /** Starts listening; answers the port. */
  Future<Integer> start() {
    client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(this::proxy);
    return server.listen(0, "127.0.0.1").map(NetServer::actualPort);
  }

  Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close().eventually(() -> client.close());
  }

  /** Turns counted so far, over every connection. */
  long turns() {
    return turns.get();
  }

  private void proxy(NetSocket client) {
    client.pause();
    this.client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
      if (ar.failed()) {
        client.close();
        return;
      }
      NetSocket redis = ar.result();
      boolean[] answered = {true};
      client.handler(bytes -> {
        if (answered[0]) {
          answered[0] = false;
          turns.incrementAndGet();
        }
        redis.write(bytes);
      });
      redis.handler(bytes -> vertx.setTimer(latencyMs, t -> {
        answered[0] = true;
        client.write(bytes);
      }));
      client.closeHandler(v -> redis.close());
      redis.closeHandler(v -> client.close());
      client.resume();
    });
  }
}
