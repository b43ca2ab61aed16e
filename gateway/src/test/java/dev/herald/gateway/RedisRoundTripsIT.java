package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.testkit.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Measures what one node asks of Redis per operation, from a real run: a node on its own redis-server,
 * driven over HTTP and its event bus, one operation at a time. The commands are {@code INFO commandstats}
 * deltas over each phase (those run inside the Lua scripts included); the round trips are counted by a
 * {@link TurnCountingProxy} between the node and Redis (a pipeline is one round trip, each wait for an
 * answer before the next request is another). The watcher's {@code PING}s are taken out of both.
 *
 * <p>Prints a Markdown table (and writes it to {@code gateway/target/redis-round-trips.md}) for
 * docs/benchmarks.md. It checks the structure only (one script per publish, beats and purges batched so
 * their round trips do not grow with N), never a time.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisRoundTripsIT {
  private static final int REPEAT = 20;
  /** The latency the proxy adds to each answer, so that a pipeline's writes all arrive before its answers. */
  private static final long LATENCY_MS = 10;

  /** Operations per phase, and the change of Redis's counters over the phase. */
  private record Phase(String operation, int n, int times, Map<String, Long> commands, long roundTrips) {
    double roundTripsPerOp() {
      return (double) roundTrips / times;
    }

    double perOp(String command) {
      return (double) commands.getOrDefault(command, 0L) / times;
    }

    String commandsPerOp() {
      StringBuilder b = new StringBuilder();
      commands.forEach((name, count) -> {
        if (count > 0) {
          b.append(b.length() == 0 ? "" : ", ").append(name).append(' ').append(fmt((double) count / times));
        }
      });
      return b.toString();
    }
  }

  @Test
  void roundTripsPerOperation(Vertx vertx) throws IOException {
    try (RedisServer redis = RedisServer.start()) {
      TurnCountingProxy proxy = new TurnCountingProxy(vertx, redis.port(), LATENCY_MS);
      int proxied = TestNode.await(proxy.start());
      Map<String, Object> settings = new LinkedHashMap<>(OnRedis.settings(redis, Map.of("heartbeat.beatDelay", "500ms",
          "heartbeat.expireDelay", "1s", "heartbeat.purgeDelay", "1h", "history.maxEvents", 1000)));
      settings.put("store.redis.port", proxied);
      TestNode.Running it = TestNode.run(vertx, settings);
      try {
        List<Phase> phases = measure(vertx, it, new Counters(vertx, redis, proxy));
        String table = table(phases);
        System.out.println(table);
        Files.writeString(Path.of("target", "redis-round-trips.md"), table);

        Phase publish = phases.get(0);
        assertEquals(1.0, publish.perOp("evalsha"), "one script per publish");
        assertEquals(1.0, publish.roundTripsPerOp(), 0.1, "one round trip per publish: " + table);
        for (Phase p : phases) {
          if (p.operation().startsWith("beat batch") || p.operation().startsWith("purge")) {
            assertTrue(p.roundTripsPerOp() <= 4.0, "batched, whatever N: " + table);
          }
        }
      } finally {
        it.stop();
        TestNode.await(proxy.stop());
      }
    }
  }

  /** Where the figures come from: Redis's own counters and the proxy's round trips. */
  private record Counters(Vertx vertx, RedisServer redis, TurnCountingProxy proxy) {
  }

  private static List<Phase> measure(Vertx vertx, TestNode.Running it, Counters redis) {
    Api api = it.api();
    PresenceClient presence = new PresenceClient(vertx.eventBus(), new PresenceAddresses("herald"), 30_000);
    List<Phase> out = new ArrayList<>();
    api.publish("rt-one", null, "0"); // the channel exists and the scripts are loaded before measuring
    out.add(phase(redis, "publish (`POST /v1/channels/{c}/events`)", 1, REPEAT,
        () -> repeat(REPEAT, i -> api.publish("rt-one", null, Integer.toString(i)))));
    for (int n : new int[] {10, 100}) {
      String batch = batch(n);
      api.post("/v1/events", batch, "Content-Type", "application/json"); // its channels exist before measuring
      out.add(phase(redis, "batch publish (`POST /v1/events`, N events over 10 channels)", n, REPEAT / 4,
          () -> repeat(REPEAT / 4, i -> assertEquals(201, api.post("/v1/events", batch,
              "Content-Type", "application/json").statusCode()))));
    }
    List<String> cookies = new ArrayList<>();
    out.add(phase(redis, "session start (`POST /v1/heartbeat/start`)", 1, REPEAT,
        () -> repeat(REPEAT, i -> cookies.add(PresenceApiTest.startNew(api, null)))));
    out.add(phase(redis, "beat (`POST /v1/heartbeat`)", 1, REPEAT,
        () -> repeat(REPEAT, i -> assertEquals(204, api.post("/v1/heartbeat", null, "Cookie",
            cookies.get(i % cookies.size())).statusCode()))));
    for (int n : new int[] {100, 1_000}) {
      List<String> ids = start(presence, n);
      out.add(phase(redis, "beat batch (one `herald.heartbeat.beat` of N sessions, as open streams beat)", n, 5,
          () -> repeat(5, i -> TestNode.await(presence.beatAll(ids)))));
    }
    TestNode.await(presence.purge()); // nothing expired yet: the empty purge's cost
    for (int n : new int[] {100, 1_000}) {
      GapTest.waitUntil(vertx, () -> TestNode.await(presence.purge()) >= 0
          && api.get("/v1/sessions?limit=1").bodyAsJsonObject().getJsonArray("sessions").isEmpty());
      start(presence, n);
      Promise<Void> expired = Promise.promise();
      vertx.setTimer(1_500, t -> expired.complete());
      TestNode.await(expired.future());
      int[] disconnected = new int[1];
      out.add(phase(redis, "purge of N expired sessions (`POST /v1/sessions/purge`)", n, 1,
          () -> disconnected[0] = TestNode.await(presence.purge())));
      assertEquals(n, disconnected[0]);
    }
    out.add(phase(redis, "purge with nothing expired", 0, 5, () -> repeat(5, i -> TestNode.await(presence.purge()))));
    return out;
  }

  private static String batch(int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("{\"channel\":\"rt-batch-").append(i % 10).append("\",\"data\":").append(i)
          .append('}');
    }
    return b.append(']').toString();
  }

  /** Starts {@code n} sessions over the bus, 100 at a time; answers their ids. */
  private static List<String> start(PresenceClient presence, int n) {
    List<String> ids = new ArrayList<>();
    for (int from = 0; from < n; from += 100) {
      List<Future<String>> chunk = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 100); i++) {
        chunk.add(presence.start(null, null, null).map(r -> r.session().sessionId()));
      }
      TestNode.await(Future.all(chunk));
      chunk.forEach(f -> ids.add(f.result()));
    }
    return ids;
  }

  private interface Step {
    void run(int i);
  }

  private static void repeat(int times, Step step) {
    for (int i = 0; i < times; i++) {
      step.run(i);
    }
  }

  private static Phase phase(Counters redis, String operation, int n, int times, Runnable work) {
    settle(redis.vertx());
    Map<String, Long> before = counters(redis);
    work.run();
    settle(redis.vertx()); // what the operations set off after answering (a refresh of the sessions gauge) counts too
    Map<String, Long> after = counters(redis);
    Map<String, Long> commands = new TreeMap<>();
    after.forEach((k, v) -> {
      if (k.startsWith("cmd:")) {
        long d = v - before.getOrDefault(k, 0L);
        String name = k.substring(4);
        if (d > 0 && !name.equals("ping") && !name.equals("info")) {
          commands.put(name, d);
        }
      }
    });
    long pings = after.getOrDefault("cmd:ping", 0L) - before.getOrDefault("cmd:ping", 0L);
    long turns = after.get("turns") - before.get("turns") - pings;
    return new Phase(operation, n, times, commands, turns);
  }

  private static void settle(Vertx vertx) {
    Promise<Void> later = Promise.promise();
    vertx.setTimer(200, t -> later.complete());
    TestNode.await(later.future());
  }

  /** The proxy's {@code turns} and {@code cmd:<name>} call counts from {@code INFO commandstats} (sent directly). */
  private static Map<String, Long> counters(Counters c) {
    String info;
    try {
      info = (String) c.redis().call("INFO", "commandstats");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("turns", c.proxy().turns());
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        String name = line.substring("cmdstat_".length(), line.indexOf(':'));
        String calls = line.substring(line.indexOf("calls=") + "calls=".length());
        out.put("cmd:" + name, Long.parseLong(calls.substring(0, calls.indexOf(','))));
      }
    }
    return out;
  }

  private static String table(List<Phase> phases) {
    StringBuilder b = new StringBuilder();
    b.append("Measured ").append(LocalDate.now()).append(" by RedisRoundTripsIT on ")
        .append(Runtime.getRuntime().availableProcessors()).append(" cores\n\n");
    b.append("| operation | N | round trips per operation | Redis commands per operation (incl. inside scripts) |\n");
    b.append("|---|---|---|---|\n");
    for (Phase p : phases) {
      b.append("| ").append(p.operation()).append(" | ").append(p.n()).append(" | ").append(fmt(p.roundTripsPerOp()))
          .append(" | ").append(p.commandsPerOp()).append(" |\n");
    }
    return b.toString();
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(java.util.Locale.ROOT, "%.2f", v);
  }

}
