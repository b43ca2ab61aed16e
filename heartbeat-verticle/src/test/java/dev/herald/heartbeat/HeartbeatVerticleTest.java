package dev.herald.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.testkit.Poll;
import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.heartbeat.api.PresenceEvent;
import dev.herald.heartbeat.api.PresenceEvent.Type;
import dev.herald.heartbeat.api.PresenceFailure;
import dev.herald.heartbeat.api.PresenceOptions;
import dev.herald.heartbeat.api.Session;
import dev.herald.heartbeat.api.SessionIds;
import dev.herald.heartbeat.api.StartResult;
import io.micrometer.core.instrument.MeterRegistry;
import dev.herald.bus.BusRequests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class HeartbeatVerticleTest {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  /** Long delays: no purge runs during a test unless it asks for one. */
  private static final PresenceOptions SLOW = new PresenceOptions(Duration.ofSeconds(60), Duration.ofSeconds(30),
      Duration.ofSeconds(40), 1000, 2);
  /** Short delays for expiry tests. */
  private static final PresenceOptions FAST = new PresenceOptions(Duration.ofMillis(100), Duration.ofMillis(100),
      Duration.ofMillis(300), 1000, 1);
  private static final long WAIT_MS = 15_000;

  /** One deployed verticle with its own address prefix, store, meters and event recorder. */
  private record Fixture(Vertx vertx, PresenceStore store, MeterRegistry metrics, PresenceClient client,
                         Events events, String deploymentId) {
    double counter(String name, String... tags) {
      var c = metrics.find(name).tags(tags).counter();
      return c == null ? 0 : c.count();
    }

    double sessionsGauge() {
      var g = metrics.find("herald.presence.sessions").gauge();
      return g == null ? -1 : g.value();
    }
  }

  /** Every presence event published under one prefix, by session id. */
  private static final class Events {
    private final Map<String, List<PresenceEvent>> byId = new ConcurrentHashMap<>();
    private final Future<?> ready;

    Events(PresenceClient client) {
      List<Future<?>> registrations = new ArrayList<>();
      for (Type type : Type.values()) {
        registrations.add(client.on(type, e -> byId.computeIfAbsent(e.session().sessionId(),
            id -> Collections.synchronizedList(new ArrayList<>())).add(e)).completion());
      }
      ready = Future.all(registrations);
    }

    List<PresenceEvent> of(String id, Type type) {
      List<PresenceEvent> all = byId.getOrDefault(id, List.of());
      synchronized (all) {
        return all.stream().filter(e -> e.type() == type).toList();
      }
    }

    int count(String id, Type type) {
      return of(id, type).size();
    }
  }

  private static Future<Fixture> deploy(Vertx vertx, PresenceOptions options) {
    return deploy(vertx, options, new MemoryPresenceStore(options.maxSessions()));
  }

  private static Future<Fixture> deploy(Vertx vertx, PresenceOptions options, PresenceStore store) {
    PresenceAddresses addresses = new PresenceAddresses("hbtest" + PREFIXES.incrementAndGet());
    MeterRegistry metrics = new SimpleMeterRegistry();
    PresenceClient client = new PresenceClient(vertx.eventBus(), addresses, 10_000);
    Events events = new Events(client);
    return events.ready.compose(v -> vertx.deployVerticle(new HeartbeatVerticle(store, options, addresses, metrics)))
        .map(id -> new Fixture(vertx, store, metrics, client, events, id));
  }

  /** Succeeds once {@code condition} holds, polling; fails after {@link #WAIT_MS}. */
  private static Future<Void> waitUntil(Vertx vertx, String what, BooleanSupplier condition) {
    return Poll.until(vertx, what, Duration.ofMillis(WAIT_MS), condition);
  }

  /**
   * Lets time pass without blocking: for what only time makes happen (a session ageing past its expiry),
   * or where nothing can prove an absence but time (a cancelled timer that must not fire).
   */
  private static Future<Void> pause(Vertx vertx, long ms) {
    Promise<Void> done = Promise.promise();
    vertx.setTimer(ms, t -> done.complete());
    return done.future();
  }

  /** Succeeds with the reply failure when {@code f} failed with a ReplyException of {@code code}. */
  private static Future<ReplyException> failsWith(Future<?> f, int code, String what) {
    return f.transform(ar -> {
      if (ar.succeeded()) {
        return Future.failedFuture(new AssertionError(what + ": expected failure " + code + ", got " + ar.result()));
      }
      if (ar.cause() instanceof ReplyException re && re.failureCode() == code) {
        return Future.succeededFuture(re);
      }
      return Future.failedFuture(new AssertionError(what + ": expected failure " + code + ", got " + ar.cause()));
    });
  }

  /**
   * Starts and stops a marker session and waits for its disconnect: every event published before it
   * on the disconnect address has then been delivered.
   */
  /**
   * Proves that no purge can disconnect anything more: three purges in a row each find nothing to claim
   * (claims are atomic, so neither can a timer's purge), then every disconnect already published is in.
   */
  private static Future<Void> purgesFindNothing(Fixture f) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < 3; i++) {
      chain = chain.compose(v -> f.client.purge().map(n -> {
        assertEquals(0, n, "a purge found a session to disconnect again");
        return null;
      }));
    }
    return chain.compose(v -> drainDisconnects(f));
  }

  private static Future<Void> drainDisconnects(Fixture f) {
    String marker = "marker-" + SessionIds.newId();
    return f.client.start(marker, null, null).compose(r -> f.client.stop(marker))
        .compose(stopped -> waitUntil(f.vertx, "the marker's disconnect", () -> f.events.count(marker, Type.DISCONNECT) == 1));
  }

  @Test
  void startPublishesConnectThenReconnect(Vertx vertx, VertxTestContext ctx) {
    JsonObject meta = new JsonObject().put("tab", "home");
    deploy(vertx, SLOW).compose(f -> f.client.start(null, "user-1", meta).compose(first -> {
      String id = first.session().sessionId();
      assertFalse(first.reconnect());
      assertTrue(id.matches("[0-9a-f]{32}"), "a made id is 128 random bits in hex: " + id);
      assertEquals("user-1", first.session().userId());
      assertEquals(meta, first.session().meta());
      return waitUntil(vertx, "connect", () -> f.events.count(id, Type.CONNECT) == 1)
          .compose(v -> f.client.start(id, "user-1", null))
          .compose(again -> {
            assertTrue(again.reconnect());
            assertEquals(first.session().connectedAt(), again.session().connectedAt());
            assertEquals(meta, again.session().meta());
            return waitUntil(vertx, "reconnect", () -> f.events.count(id, Type.RECONNECT) == 1);
          })
          .map(v -> {
            PresenceEvent connect = f.events.of(id, Type.CONNECT).get(0);
            assertEquals(first.session(), connect.session());
            assertNull(connect.reason());
            assertEquals(1, f.events.count(id, Type.CONNECT), "a reconnect opens no new connect");
            assertEquals(0, f.events.count(id, Type.DISCONNECT));
            assertEquals(1.0, f.counter("herald.presence.connects"));
            assertEquals(1.0, f.counter("herald.presence.reconnects"));
            return v;
          });
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void beatThenStopGivesOneDisconnectAndThen404(Vertx vertx, VertxTestContext ctx) {
    String id = "beat-stop-1";
    deploy(vertx, SLOW).compose(f -> f.client.start(id, "u", null)
        .compose(r -> f.client.beat(id))
        .compose(v -> f.client.get(id))
        .compose(s -> {
          assertNotNull(s);
          return f.client.stop(id);
        })
        .compose(stopped -> {
          assertTrue(stopped);
          return failsWith(f.client.beat(id), PresenceFailure.NOT_FOUND, "beat after stop");
        })
        .compose(re -> {
          assertTrue(re.getMessage().contains(id), re.getMessage());
          return f.client.stop(id);
        })
        .compose(again -> {
          assertFalse(again, "a second stop finds nothing");
          return f.client.get(id);
        })
        .compose(s -> {
          assertNull(s, "a stopped session is not connected");
          return drainDisconnects(f);
        })
        .map(v -> {
          List<PresenceEvent> ends = f.events.of(id, Type.DISCONNECT);
          assertEquals(1, ends.size(), "exactly one disconnect");
          assertEquals(PresenceEvent.REASON_STOP, ends.get(0).reason());
          assertEquals("u", ends.get(0).session().userId());
          assertEquals(1.0, f.counter("herald.presence.beats"));
          assertEquals(2.0, f.counter("herald.presence.disconnects", "reason", "stop"), "the test's and the marker's");
          assertEquals(0.0, f.counter("herald.presence.disconnects", "reason", "timeout"));
          return v;
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aSilentSessionGetsExactlyOneTimeoutDisconnect(Vertx vertx, VertxTestContext ctx) {
    String id = "silent-1";
    deploy(vertx, FAST).compose(f -> f.client.start(id, "u", null)
        .compose(r -> waitUntil(vertx, "the timeout", () -> f.events.count(id, Type.DISCONNECT) >= 1))
        .compose(v -> purgesFindNothing(f))
        .compose(v -> {
          List<PresenceEvent> ends = f.events.of(id, Type.DISCONNECT);
          assertEquals(1, ends.size(), "exactly one disconnect");
          assertEquals(PresenceEvent.REASON_TIMEOUT, ends.get(0).reason());
          assertTrue(ends.get(0).session().lastSeenAt() >= ends.get(0).session().connectedAt());
          return failsWith(f.client.beat(id), PresenceFailure.NOT_FOUND, "beat after expiry");
        })
        .compose(re -> f.client.get(id))
        .compose(s -> {
          assertNull(s);
          assertEquals(1.0, f.counter("herald.presence.disconnects", "reason", "timeout"));
          return waitUntil(vertx, "the gauge reads 0", () -> f.sessionsGauge() == 0.0);
        })
        .compose(v -> f.client.start(id, "u", null))
        .map(again -> {
          assertFalse(again.reconnect(), "after expiry the same id connects again");
          return again;
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void oneDisconnectPerConnectWhileStopsRaceTimerAndExplicitPurges(Vertx vertx, VertxTestContext ctx) {
    int n = 200;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(String.format("many-%03d", i));
    }
    Map<String, Boolean> stopped = new ConcurrentHashMap<>();
    AtomicInteger explicitlyPurged = new AtomicInteger();
    deploy(vertx, FAST).compose(f -> {
      List<Future<StartResult>> starts = new ArrayList<>();
      ids.forEach(id -> starts.add(f.client.start(id, "u", null)));
      return Future.all(starts)
          // let the sessions approach their expiry, so stops meet timer purges and explicit purges
          .compose(v -> pause(vertx, FAST.expireDelay().toMillis() - 50))
          .compose(v -> {
            List<Future<?>> racing = new ArrayList<>();
            for (int i = 0; i < n; i++) {
              String id = ids.get(i);
              if (i % 2 == 0) {
                racing.add(f.client.stop(id).onSuccess(s -> stopped.put(id, s)));
              }
              if (i % 20 == 0) {
                racing.add(f.client.purge().onSuccess(explicitlyPurged::addAndGet));
              }
            }
            return Future.all(racing);
          })
          .compose(v -> waitUntil(vertx, "every session ended",
              () -> ids.stream().allMatch(id -> f.events.count(id, Type.DISCONNECT) >= 1)))
          .compose(v -> purgesFindNothing(f))
          .map(v -> {
            int timeouts = 0;
            for (int i = 0; i < n; i++) {
              String id = ids.get(i);
              assertEquals(1, f.events.count(id, Type.CONNECT), id + " connects once");
              List<PresenceEvent> ends = f.events.of(id, Type.DISCONNECT);
              assertEquals(1, ends.size(), id + " disconnects exactly once: " + ends);
              boolean byStop = Boolean.TRUE.equals(stopped.get(id));
              assertEquals(byStop ? PresenceEvent.REASON_STOP : PresenceEvent.REASON_TIMEOUT, ends.get(0).reason(), id);
              if (!byStop) {
                timeouts++;
              }
            }
            assertTrue(timeouts >= n / 2);
            assertTrue(explicitlyPurged.get() <= timeouts);
            assertEquals((double) n, f.counter("herald.presence.connects") - 1, "the marker is the one more");
            assertEquals((double) timeouts, f.counter("herald.presence.disconnects", "reason", "timeout"));
            return v;
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void beatAllAnswersTheMissingIds(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, SLOW).compose(f -> f.client.start("ba-a", null, null)
        .compose(r -> f.client.start("ba-b", null, null))
        .compose(r -> f.client.beatAll(List.of("ba-a", "ba-b", "ba-never")))
        .compose(missing -> {
          assertEquals(Set.of("ba-never"), missing);
          return f.client.stop("ba-b");
        })
        .compose(s -> f.client.beatAll(List.of("ba-a", "ba-b", "ba-never")))
        .compose(missing -> {
          assertEquals(Set.of("ba-b", "ba-never"), missing);
          return f.client.beatAll(List.of());
        })
        .map(missing -> {
          assertEquals(Set.of(), missing);
          assertEquals(3.0, f.counter("herald.presence.beats"), "one per session beaten");
          return missing;
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void listPagesThroughSessionsByCursor(Vertx vertx, VertxTestContext ctx) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      ids.add(String.format("lp-%02d", 24 - i));
    }
    List<Session> seen = new ArrayList<>();
    deploy(vertx, SLOW).compose(f -> {
      List<Future<StartResult>> starts = new ArrayList<>();
      ids.forEach(id -> starts.add(f.client.start(id, "u", new JsonObject().put("i", id))));
      return Future.all(starts)
          .compose(v -> f.client.list(null, 10))
          .compose(p1 -> {
            assertEquals(10, p1.sessions().size());
            assertEquals("lp-09", p1.cursor());
            seen.addAll(p1.sessions());
            return f.client.list(p1.cursor(), 10);
          })
          .compose(p2 -> {
            seen.addAll(p2.sessions());
            return f.client.list(p2.cursor(), 10);
          })
          .compose(p3 -> {
            assertEquals(5, p3.sessions().size());
            assertNull(p3.cursor(), "the last page has no cursor");
            seen.addAll(p3.sessions());
            List<String> sorted = new ArrayList<>(ids);
            Collections.sort(sorted);
            assertEquals(sorted, seen.stream().map(Session::sessionId).toList());
            assertEquals(new JsonObject().put("i", "lp-07"), seen.get(7).meta());
            return vertx.eventBus().<JsonObject>request(f.client.addresses().list(), new JsonObject());
          })
          .map(m -> {
            JsonArray all = m.body().getJsonArray("sessions");
            assertEquals(25, all.size(), "the default limit is 100");
            assertTrue(m.body().containsKey("cursor"));
            assertNull(m.body().getValue("cursor"));
            assertEquals(seen.get(0), Session.fromJson(all.getJsonObject(0)));
            return m;
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void startPastMaxSessionsAnswers503(Vertx vertx, VertxTestContext ctx) {
    PresenceOptions two = new PresenceOptions(Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(40), 2, 0);
    deploy(vertx, two).compose(f -> f.client.start("max-a", null, null)
        .compose(r -> f.client.start("max-b", null, null))
        .compose(r -> failsWith(f.client.start("max-c", null, null), PresenceFailure.UNAVAILABLE, "third start"))
        .compose(re -> {
          assertTrue(re.getMessage().contains("maxSessions"), re.getMessage());
          return f.client.start("max-a", null, null);
        })
        .compose(r -> {
          assertTrue(r.reconnect(), "a reconnect needs no room");
          return f.client.stop("max-b");
        })
        .compose(s -> f.client.start("max-c", null, null))
        .compose(r -> {
          assertFalse(r.reconnect(), "room again after a stop");
          return waitUntil(vertx, "max-c's connect", () -> f.events.count("max-c", Type.CONNECT) >= 1);
        })
        .map(v -> {
          assertEquals(1, f.events.count("max-c", Type.CONNECT), "the refused start published nothing");
          return v;
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aStartOrStopPastItsDeadlineIsRefusedUndone(Vertx vertx, VertxTestContext ctx) {
    // What a request held in a cut connection looks like when it arrives at last: its caller gave up.
    DeliveryOptions expired = new DeliveryOptions().addHeader(BusRequests.DEADLINE,
        Long.toString(System.currentTimeMillis() - 1));
    deploy(vertx, SLOW).compose(f -> failsWith(vertx.eventBus().request(f.client.addresses().start(),
            new JsonObject().put("sessionId", "late-1"), expired), PresenceFailure.UNAVAILABLE, "late start")
        .compose(re -> {
          assertTrue(re.getMessage().contains("after its deadline"), re.getMessage());
          return f.client.start("late-2", null, null);
        })
        .compose(r -> failsWith(vertx.eventBus().request(f.client.addresses().stop(),
            new JsonObject().put("sessionId", "late-2"), expired), PresenceFailure.UNAVAILABLE, "late stop"))
        .compose(re -> pause(vertx, 200))
        .compose(v -> f.client.get("late-1"))
        .compose(s -> {
          assertNull(s, "the late start connected nothing");
          assertEquals(0, f.events.count("late-1", Type.CONNECT), "and published nothing");
          return f.client.get("late-2");
        })
        .map(s -> {
          assertNotNull(s, "the late stop ended nothing");
          assertEquals(0, f.events.count("late-2", Type.DISCONNECT));
          assertEquals(2.0, f.counter("herald.requests.late", "service", "presence"));
          return s;
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void metaOverFourKibibytesAnswers413(Vertx vertx, VertxTestContext ctx) {
    String fits = "x".repeat(PresenceOptions.MAX_META_BYTES - "{\"x\":\"\"}".length());
    deploy(vertx, SLOW).compose(f -> f.client.start("meta-1", null, new JsonObject().put("x", fits))
        .compose(r -> {
          assertEquals(fits, r.session().meta().getString("x"), "exactly 4096 bytes fit");
          return failsWith(f.client.start("meta-2", null, new JsonObject().put("x", fits + "y")),
              PresenceFailure.TOO_LARGE, "4097 bytes");
        })
        .compose(re -> {
          assertTrue(re.getMessage().contains("4096"), re.getMessage());
          // 2100 characters, 4200 bytes in UTF-8: the bound is on bytes
          return failsWith(f.client.start("meta-3", null, new JsonObject().put("x", "é".repeat(2100))),
              PresenceFailure.TOO_LARGE, "multi-byte meta");
        })
        .compose(re -> failsWith(f.client.start("meta-1", null, new JsonObject().put("x", fits + "y")),
            PresenceFailure.TOO_LARGE, "oversized meta on a reconnect"))
        .compose(re -> f.client.get("meta-1"))
        .compose(s -> {
          assertEquals(fits, s.meta().getString("x"), "a refused reconnect changes nothing");
          return f.client.get("meta-2");
        })
        .map(s -> {
          assertNull(s);
          return s;
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void malformedMessagesAnswer400AndChangeNothing(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, SLOW).compose(f -> {
      PresenceAddresses a = f.client.addresses();
      Map<String, List<Object>> bad = new HashMap<>();
      bad.put(a.start(), List.of(
          new JsonObject().put("sessionId", "bad id"), new JsonObject().put("sessionId", 42),
          new JsonObject().put("sessionId", ""), new JsonObject().put("sessionId", "x".repeat(129)),
          new JsonObject().put("sessionId", "ok-1").put("userId", 7),
          new JsonObject().put("sessionId", "ok-2").put("userId", ""),
          new JsonObject().put("sessionId", "ok-3").put("meta", "text"),
          new JsonObject().put("sessionId", "ok-4").put("meta", new JsonArray().add(1)),
          "not json", new JsonArray().add("ok-5")));
      bad.put(a.beat(), List.of(
          new JsonObject(), new JsonObject().put("sessionId", "a/b"), new JsonObject().put("sessionIds", "ok-1"),
          new JsonObject().put("sessionIds", new JsonArray().add(1)),
          new JsonObject().put("sessionIds", new JsonArray().add("ok-1").add("bad id")),
          new JsonObject().put("sessionId", "ok-1").put("sessionIds", new JsonArray().add("ok-2"))));
      bad.put(a.stop(), List.of(new JsonObject(), new JsonObject().put("sessionId", "<script>"), "ok-1"));
      bad.put(a.get(), List.of(new JsonObject(), new JsonObject().put("sessionId", "a b")));
      bad.put(a.list(), List.of(
          new JsonObject().put("limit", 0), new JsonObject().put("limit", 1001), new JsonObject().put("limit", "10"),
          new JsonObject().put("limit", 1.5), new JsonObject().put("cursor", "bad cursor"),
          new JsonObject().put("cursor", 5), new JsonObject().put("cursor", "")));
      List<Future<ReplyException>> answers = new ArrayList<>();
      bad.forEach((address, bodies) -> bodies.forEach(body -> answers.add(failsWith(
          vertx.eventBus().request(address, body), PresenceFailure.BAD_REQUEST, address + " " + body))));
      return Future.all(answers)
          .map(v -> {
            answers.forEach(re -> assertFalse(re.result().getMessage().isBlank(), "the failure names the problem"));
            return v;
          })
          .compose(v -> f.client.list(null, 100))
          .compose(page -> {
            assertEquals(List.of(), page.sessions(), "no malformed message changed the store");
            return f.client.get("ok-1");
          })
          .map(s -> {
            assertNull(s);
            assertEquals(0, f.events.byId.size(), "no event was published");
            return s;
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void storeFailuresAnswer503(Vertx vertx, VertxTestContext ctx) {
    PresenceStore store = new MemoryPresenceStore(10);
    deploy(vertx, SLOW, store).compose(f -> store.close()
        .compose(v -> failsWith(f.client.start("down-1", null, null), PresenceFailure.UNAVAILABLE, "start"))
        .compose(re -> {
          assertTrue(re.getMessage().startsWith("presence store unavailable"), re.getMessage());
          return failsWith(f.client.beat("down-1"), PresenceFailure.UNAVAILABLE, "beat");
        })
        .compose(re -> failsWith(f.client.stop("down-1"), PresenceFailure.UNAVAILABLE, "stop"))
        .compose(re -> failsWith(f.client.get("down-1"), PresenceFailure.UNAVAILABLE, "get"))
        .compose(re -> failsWith(f.client.list(null, 10), PresenceFailure.UNAVAILABLE, "list"))
        .compose(re -> failsWith(f.client.purge(), PresenceFailure.UNAVAILABLE, "purge")))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void explicitPurgeAnswersHowManyItDisconnectedAndTheGaugeFollows(Vertx vertx, VertxTestContext ctx) {
    PresenceOptions quickExpiry = new PresenceOptions(Duration.ofSeconds(60), Duration.ofMillis(50),
        Duration.ofMillis(100), 1000, 1);
    deploy(vertx, quickExpiry).compose(f -> Future.all(List.of(f.client.start("pg-1", null, null),
            f.client.start("pg-2", null, null), f.client.start("pg-3", null, null)))
        .compose(v -> waitUntil(vertx, "the gauge reads 3", () -> f.sessionsGauge() == 3.0))
        .compose(v -> f.client.stop("pg-3"))
        .compose(v -> waitUntil(vertx, "the gauge reads 2", () -> f.sessionsGauge() == 2.0))
        // both sessions are silent past expireDelay once this passes; the timer (60 s) never runs here
        .compose(v -> pause(vertx, 2 * quickExpiry.expireDelay().toMillis()))
        .compose(v -> f.client.purge())
        .compose(n -> {
          assertEquals(2, n);
          return f.client.purge();
        })
        .compose(n -> {
          assertEquals(0, n, "a second purge finds nothing");
          return waitUntil(vertx, "the gauge reads 0", () -> f.sessionsGauge() == 0.0);
        })
        .map(v -> {
          assertEquals(PresenceEvent.REASON_TIMEOUT, f.events.of("pg-1", Type.DISCONNECT).get(0).reason());
          assertEquals(PresenceEvent.REASON_STOP, f.events.of("pg-3", Type.DISCONNECT).get(0).reason());
          return v;
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void undeployCancelsThePurgeTimer(Vertx vertx, VertxTestContext ctx) {
    PresenceStore store = new MemoryPresenceStore(10);
    deploy(vertx, FAST, store).compose(f -> f.client.start("undeployed-1", null, null)
        .compose(r -> vertx.undeploy(f.deploymentId()))
        .compose(v -> {
          assertNull(f.metrics.find("herald.presence.sessions").gauge(), "the gauge is removed");
          return pause(vertx, FAST.expireDelay().toMillis() + 5 * FAST.purgeDelay().toMillis());
        })
        .compose(v -> store.get("undeployed-1"))
        .map(s -> {
          assertNotNull(s, "no purge ran after undeploy");
          assertEquals(0, f.events.count("undeployed-1", Type.DISCONNECT));
          return s;
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void sessionIdsAreRandomHexAndValidationFollowsTheNameRules() {
    String a = SessionIds.newId();
    assertTrue(a.matches("[0-9a-f]{32}"), a);
    assertFalse(a.equals(SessionIds.newId()));
    assertTrue(SessionIds.isValid(a));
    assertTrue(SessionIds.isValid("A-z_0.9:@"));
    assertTrue(SessionIds.isValid("x".repeat(128)));
    assertFalse(SessionIds.isValid("x".repeat(129)));
    assertFalse(SessionIds.isValid(""));
    assertFalse(SessionIds.isValid(null));
    assertFalse(SessionIds.isValid("a b"));
    assertFalse(SessionIds.isValid("a\nb"));
    assertFalse(SessionIds.isValid("é"));
  }
}
