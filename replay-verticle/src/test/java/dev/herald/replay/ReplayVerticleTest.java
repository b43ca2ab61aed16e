package dev.herald.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.herald.bus.BusRequests;
import dev.herald.replay.api.ChannelHead;
import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.GapReason;
import dev.herald.replay.api.HistoryAddresses;
import dev.herald.replay.api.HistoryClient;
import dev.herald.replay.api.HistoryRequest;
import dev.herald.replay.api.HistoryOptions;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.PublishMessage;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.PublishResult;
import dev.herald.replay.api.StoredEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The replay verticle over a real event bus, with the memory store: what the gateway and the SSE
 * verticle rely on. Test code waits on the JUnit thread (never on an event loop) with bounded timeouts.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplayVerticleTest {
  private final HistoryAddresses addresses = new HistoryAddresses("rvt");
  private SimpleMeterRegistry metrics;
  private HistoryClient client;
  private Vertx vertx;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    metrics = new SimpleMeterRegistry();
    client = new HistoryClient(vertx.eventBus(), addresses, 10_000);
    vertx.deployVerticle(new ReplayVerticle(new MemoryHistoryStore(HistoryOptions.DEFAULTS), HistoryOptions.DEFAULTS,
        addresses, metrics)).onComplete(ctx.succeedingThenComplete());
  }

  private static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  /** The reply failure of {@code f}, which must fail with {@code code}. */
  private static ReplyException failure(Future<?> f, int code) throws Exception {
    try {
      Object v = await(f);
      return fail("expected failure " + code + ", got " + v);
    } catch (ReplyException e) {
      assertEquals(code, e.failureCode(), e.getMessage());
      return e;
    }
  }

  private Future<JsonObject> request(String address, Object body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(Message::body);
  }

  private BlockingQueue<StoredEvent> listen(String channel) throws Exception {
    BlockingQueue<StoredEvent> q = new LinkedBlockingQueue<>();
    MessageConsumer<StoredEvent> c = vertx.eventBus().consumer(addresses.channel(channel), m -> q.add(m.body()));
    await(c.completion());
    return q;
  }

  private static StoredEvent next(BlockingQueue<StoredEvent> q) throws InterruptedException {
    StoredEvent e = q.poll(20, TimeUnit.SECONDS);
    assertNotNull(e, "no event fanned out");
    return e;
  }

  private static PublishRequest req(String channel, String event, String data) {
    return new PublishRequest(channel, event, data, null);
  }

  private HistoryPage all(String channel) throws Exception {
    return await(client.read(channel, null, 1000));
  }

  @Test
  void publishStoresFansOutAndReplies() throws Exception {
    String ch = "fan-out";
    BlockingQueue<StoredEvent> q = listen(ch);
    PublishResult r1 = await(client.publish(new PublishRequest(ch, "goal", " { \"team\" : \"A\" } ", null)));
    assertEquals(ch, r1.channel());
    assertEquals(1, r1.seq());
    assertFalse(r1.duplicate());
    StoredEvent e1 = next(q);
    assertEquals(r1.id(), e1.id(), "the fanned-out event carries the id the publish returned");
    assertEquals(new StoredEvent(ch, r1.epoch(), 1, "goal", "{\"team\":\"A\"}", r1.publishedAt()), e1);
    PublishResult r2 = await(client.publish(req(ch, null, "2")));
    assertEquals(2, r2.seq());
    assertEquals(r1.epoch(), r2.epoch());
    StoredEvent e2 = next(q);
    assertEquals(r2.id(), e2.id());
    assertNull(e2.event());
    assertEquals(2.0, metrics.get("herald.events.published").counter().count());
    HistoryPage p = all(ch);
    assertEquals(List.of(e1, e2), p.events(), "history holds exactly what was fanned out");
  }

  @Test
  void aPublishPastItsDeadlineIsRefusedAndNeverStored() throws Exception {
    String ch = "late";
    // What a request held in a cut connection looks like when it finally arrives: its deadline has passed.
    DeliveryOptions expired = new DeliveryOptions().addHeader(BusRequests.DEADLINE,
        Long.toString(System.currentTimeMillis() - 1));
    ReplyException e = failure(vertx.eventBus().request(addresses.publish(),
        PublishMessage.one(req(ch, "x", "1")).toJson(), expired), 503);
    assertTrue(e.getMessage().contains("after its deadline"), e.getMessage());
    assertEquals(List.of(), all(ch).events(), "nothing stored");
    assertEquals(1.0, metrics.get("herald.requests.late").counter().count());
    DeliveryOptions inTime = new DeliveryOptions().addHeader(BusRequests.DEADLINE,
        Long.toString(System.currentTimeMillis() + 5_000));
    await(vertx.eventBus().request(addresses.publish(), PublishMessage.one(req(ch, "x", "2")).toJson(), inTime));
    assertEquals(List.of("2"), all(ch).events().stream().map(StoredEvent::data).toList());
  }

  @Test
  void headsAnswerWhereChannelsStand() throws Exception {
    PublishResult r = await(client.publish(req("heads-a", "x", "1")));
    await(client.publish(req("heads-a", "x", "2")));
    List<ChannelHead> heads = await(client.heads(List.of("heads-a", "heads-none")));
    assertEquals(List.of(r.epoch(), 2L), List.of(heads.get(0).epoch(), heads.get(0).seq()));
    assertEquals(ChannelHead.none("heads-none"), heads.get(1));
    failure(request(addresses.heads(), new JsonObject().put("channels", new JsonArray())), 400);
    failure(request(addresses.heads(), new JsonObject().put("channels", new JsonArray().add("bad name"))), 400);
    failure(request(addresses.heads(), "channels"), 400);
  }

  @Test
  void batchIsStoredAndFannedOutInOrder() throws Exception {
    String a = "batch-a";
    String b = "batch-b";
    BlockingQueue<StoredEvent> qa = listen(a);
    BlockingQueue<StoredEvent> qb = listen(b);
    List<PublishResult> rs = await(client.publishAll(List.of(req(a, "x", "1"), req(b, "x", "2"), req(a, "x", "3"),
        req(a, "x", "4"), req(b, "y", "5"))));
    assertEquals(List.of(a, b, a, a, b), rs.stream().map(PublishResult::channel).toList());
    assertEquals(List.of(1L, 1L, 2L, 3L, 2L), rs.stream().map(PublishResult::seq).toList());
    assertEquals(List.of(rs.get(0).id(), rs.get(2).id(), rs.get(3).id()),
        List.of(next(qa).id(), next(qa).id(), next(qa).id()));
    assertEquals(List.of(rs.get(1).id(), rs.get(4).id()), List.of(next(qb).id(), next(qb).id()));
    assertEquals(List.of("1", "3", "4"), all(a).events().stream().map(StoredEvent::data).toList());
  }

  @Test
  void aBatchWithOneBadItemStoresNothing() throws Exception {
    String ch = "all-or-nothing";
    JsonObject ok = new JsonObject().put("channel", ch).put("rawData", "1");
    JsonArray events = new JsonArray().add(ok).add(ok.copy().put("event", "fine"))
        .add(new JsonObject().put("channel", "bad channel!").put("rawData", "1")).add(ok);
    ReplyException e = failure(request(addresses.publish(), new JsonObject().put("events", events)), 400);
    assertTrue(e.getMessage().startsWith("events[2]: the channel may only contain"), e.getMessage());
    assertEquals(0, all(ch).epoch(), "nothing of the batch was stored");
    assertTrue(all(ch).events().isEmpty());

    JsonArray reserved = new JsonArray().add(ok).add(ok.copy().put("event", "herald.gap"));
    e = failure(request(addresses.publish(), new JsonObject().put("events", reserved)), 400);
    assertTrue(e.getMessage().startsWith("events[1]: ") && e.getMessage().contains("reserved"), e.getMessage());
    JsonArray badJson = new JsonArray().add(ok.copy().put("rawData", "{\"a\":"));
    e = failure(request(addresses.publish(), new JsonObject().put("events", badJson)), 400);
    assertTrue(e.getMessage().startsWith("events[0]: rawData is not valid JSON"), e.getMessage());
    e = failure(request(addresses.publish(), new JsonObject().put("events", new JsonArray().add("x"))), 400);
    assertTrue(e.getMessage().startsWith("events[0]: "), e.getMessage());
    assertTrue(all(ch).events().isEmpty());

    failure(request(addresses.publish(), new JsonObject().put("events", new JsonArray())), 400);
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 1001; i++) {
      tooMany.add(ok);
    }
    e = failure(request(addresses.publish(), new JsonObject().put("events", tooMany)), 400);
    assertTrue(e.getMessage().contains("at most 1000"), e.getMessage());
    failure(request(addresses.publish(), new JsonObject().put("events", "nope")), 400);
    JsonArray thousand = new JsonArray();
    for (int i = 0; i < 1000; i++) {
      thousand.add(ok);
    }
    assertEquals(1000, await(request(addresses.publish(), new JsonObject().put("events", thousand)))
        .getJsonArray("events").size(), "1000 is allowed");
  }

  @Test
  void dataRoundTripsExactly() throws Exception {
    String ch = "exact";
    List<String> texts = List.of("12345678901234567890.123456789", "1.10", "-0.0", "1E+300",
        "\"h\u00e9llo \u2713 \ud83d\ude00 \u2028 \u4e16\u754c\"", "\"line\\r\\nbreaks\\rand\\nmore\"",
        "{\"n\":{\"x\":[1,{\"y\":null}],\"big\":98765432109876543210987654321}}", "null", "[]", "{}", "false",
        "\"\\u0000 \\\"quoted\\\" \\\\ / \\t\"");
    List<PublishResult> rs = new ArrayList<>();
    for (String t : texts) {
      rs.add(await(client.publish(req(ch, "d", t))));
    }
    HistoryPage p = all(ch);
    assertEquals(texts, p.events().stream().map(StoredEvent::data).toList(), "history returns the exact text");
    assertEquals(rs.stream().map(PublishResult::id).toList(), p.events().stream().map(StoredEvent::id).toList());

    // `data` as a JSON value on the bus is stored as compact JSON text too
    JsonObject value = new JsonObject().put("s", "a\r\nb").put("u", "\u00fc").put("list", new JsonArray().add(1).addNull());
    await(request(addresses.publish(), new JsonObject().put("channel", ch).put("data", value)));
    await(request(addresses.publish(), new JsonObject().put("channel", ch).putNull("data")));
    List<StoredEvent> tail = all(ch).events().subList(texts.size(), texts.size() + 2);
    assertEquals("{\"s\":\"a\\r\\nb\",\"u\":\"\u00fc\",\"list\":[1,null]}", tail.get(0).data());
    assertEquals("null", tail.get(1).data());

    // the non-raw history reply carries data as JSON values
    JsonObject page = await(request(addresses.history(), new HistoryRequest(ch, rs.get(9).id(), 10, false).toJson()));
    JsonArray events = page.getJsonArray("events");
    assertEquals(false, events.getJsonObject(0).getValue("data"));
    assertEquals("\u0000 \"quoted\" \\ / \t", events.getJsonObject(1).getValue("data"));
    assertEquals(value, events.getJsonObject(2).getJsonObject("data"));
    assertTrue(events.getJsonObject(3).containsKey("data"));
    assertNull(events.getJsonObject(3).getValue("data"));
    assertTrue(events.getJsonObject(0).getString("publishedAt").endsWith("Z"));
  }

  @Test
  void thisNodesClientCallsTheVerticleWithoutAMessageAndSendsOnceItStops() throws Exception {
    List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.eventBus().addOutboundInterceptor(dc -> {
      sent.add(dc.message().address());
      dc.next();
    });
    BlockingQueue<StoredEvent> q = listen("direct");
    PublishResult r = await(client.publish(req("direct", null, "{\"n\": 1}")));
    assertEquals(1, next(q).seq(), "the event was fanned out");
    assertEquals("{\"n\":1}", all("direct").events().get(0).data(), "stored compact, as a message's data is");
    failure(client.publish(req("direct", "herald.x", "1")), 400);
    assertEquals(List.of(addresses.channel("direct")), sent, "only the fan-out went over the bus: " + sent);
    assertNotNull(r.id());

    sent.clear();
    await(vertx.undeploy(vertx.deploymentIDs().iterator().next()));
    ReplyException gone = await(client.publish(req("direct", null, "2")).map(x -> (ReplyException) null)
        .recover(e -> Future.succeededFuture((ReplyException) e)));
    assertEquals(io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS, gone.failureType(), "no verticle: a message, unanswered");
    assertTrue(sent.contains(addresses.publish()), "a stopped verticle is no longer called directly: " + sent);
  }

  @Test
  void badDataIsRefused() throws Exception {
    String ch = "bad-data";
    for (String bad : new String[] {"", "{", "1 2", "{\"a\":1} x", "'a'", "\"\\ud800\""}) {
      ReplyException e = failure(client.publish(req(ch, null, bad)), 400);
      assertTrue(e.getMessage().startsWith("rawData "), e.getMessage());
    }
    JsonObject both = new JsonObject().put("channel", ch).put("rawData", "1").put("data", 1);
    assertTrue(failure(request(addresses.publish(), both), 400).getMessage().contains("not both"));
    JsonObject neither = new JsonObject().put("channel", ch);
    assertTrue(failure(request(addresses.publish(), neither), 400).getMessage().contains("data is missing"));
    JsonObject notText = new JsonObject().put("channel", ch).put("rawData", 5);
    failure(request(addresses.publish(), notText), 400);
    failure(request(addresses.publish(), "not an object"), 400);
    failure(request(addresses.publish(), new JsonObject().put("rawData", "1")), 400);
    failure(request(addresses.publish(), new JsonObject().put("channel", 7).put("rawData", "1")), 400);
    assertEquals(0, all(ch).epoch(), "nothing was stored");
  }

  @Test
  void namesAndKeysAreChecked() throws Exception {
    ReplyException e = failure(client.publish(req("names", "herald.gap", "1")), 400);
    assertTrue(e.getMessage().contains("reserved"), e.getMessage());
    failure(client.publish(req("names", "bad name", "1")), 400);
    failure(client.publish(req("names", "", "1")), 400);
    failure(client.publish(req("x".repeat(129), null, "1")), 400);
    failure(client.publish(new PublishRequest("names", null, "1", "caf\u00e9")), 400);
    failure(client.publish(new PublishRequest("names", null, "1", "k".repeat(256))), 400);
    failure(client.publish(new PublishRequest("names", null, "1", "")), 400);
    assertEquals(0, all("names").epoch());
    PublishResult canary = await(client.publish(req("herald.canary-test", "ping", "1")));
    assertEquals(1, canary.seq(), "herald. channels are allowed on the bus (the readiness canary)");
    assertEquals(1, await(client.publish(new PublishRequest("names", "e", "1", "k".repeat(255)))).seq());
  }

  @Test
  void idempotencyThroughTheBus() throws Exception {
    String ch = "idem";
    BlockingQueue<StoredEvent> q = listen(ch);
    PublishResult first = await(client.publish(new PublishRequest(ch, "goal", "{\"a\":1,\"b\":2}", "order-1")));
    assertFalse(first.duplicate());
    PublishResult again = await(client.publish(new PublishRequest(ch, "goal", "{ \"b\": 2, \"a\": 1 }", "order-1")));
    assertTrue(again.duplicate());
    assertEquals(first.id(), again.id());
    assertEquals(first.seq(), again.seq());
    ReplyException e = failure(client.publish(new PublishRequest(ch, "goal", "{\"a\":2}", "order-1")), 409);
    assertEquals("idempotency key order-1 was used for another event on channel idem", e.getMessage());
    PublishResult other = await(client.publish(req(ch, "goal", "3")));
    assertEquals(List.of(1L, 2L), List.of(next(q).seq(), next(q).seq()), "a duplicate is not fanned out");
    assertEquals(2, other.seq());

    e = failure(client.publishAll(List.of(req(ch, "e", "4"), new PublishRequest(ch, "goal", "5", "order-1"))), 409);
    assertTrue(e.getMessage().startsWith("events[1]: idempotency key order-1"), e.getMessage());
    List<PublishResult> dup = await(client.publishAll(List.of(req(ch, "e", "6"),
        new PublishRequest(ch, "goal", "{\"a\":1,\"b\":2}", "order-1"))));
    assertEquals(List.of(false, true), dup.stream().map(PublishResult::duplicate).toList());
    assertEquals(first.id(), dup.get(1).id());
    assertEquals(3, next(q).seq());
    assertEquals(List.of(1L, 2L, 3L), all(ch).events().stream().map(StoredEvent::seq).toList());
    assertNull(q.poll(), "nothing else was fanned out");
  }

  @Test
  void historyLimitsAndPaging() throws Exception {
    String ch = "limits";
    List<PublishRequest> batch = new ArrayList<>();
    for (int i = 1; i <= 150; i++) {
      batch.add(req(ch, "n", String.valueOf(i)));
    }
    await(client.publishAll(batch));
    JsonObject dflt = await(request(addresses.history(), new JsonObject().put("channel", ch)));
    assertEquals(100, dflt.getJsonArray("events").size(), "limit 100 by default");
    assertTrue(dflt.getBoolean("more"));
    assertFalse(dflt.getBoolean("gap"));
    assertEquals(1, dflt.getJsonArray("events").getJsonObject(0).getInteger("data"));
    HistoryPage first = await(client.read(ch, null, 100));
    HistoryPage rest = await(client.read(ch, first.events().get(99).id(), 1000));
    assertEquals(50, rest.events().size());
    assertEquals(101, rest.events().get(0).seq());
    assertFalse(rest.more());
    assertEquals(150, await(client.read(ch, null, 1000)).events().size());
    assertEquals(1, await(client.read(ch, null, 1)).events().size());
    for (Object bad : new Object[] {0, 1001, -5, 2.5, "10", true}) {
      ReplyException e = failure(request(addresses.history(), new JsonObject().put("channel", ch).put("limit", bad)), 400);
      assertTrue(e.getMessage().startsWith("limit must be"), e.getMessage());
    }
    failure(request(addresses.history(), new JsonObject().put("channel", "bad channel")), 400);
    failure(request(addresses.history(), new JsonObject()), 400);
    failure(request(addresses.history(), new JsonObject().put("channel", ch).put("raw", "yes")), 400);
    failure(request(addresses.history(), 42), 400);
  }

  @Test
  void badAfterIsA400AndCursorsCoveringManyChannelsWork() throws Exception {
    String ch = "after";
    PublishResult r1 = await(client.publish(req(ch, null, "1")));
    PublishResult r2 = await(client.publish(req(ch, null, "2")));
    ReplyException e = failure(client.read(ch, "!!!", 10), 400);
    assertEquals("after is not a Herald event id", e.getMessage());
    failure(request(addresses.history(), new JsonObject().put("channel", ch).put("after", 12)), 400);
    e = failure(client.read(ch, Cursor.single("elsewhere", 1, 1, 1), 10), 400);
    assertEquals("after does not cover channel after", e.getMessage());

    Cursor both = Cursor.of(List.of(new Cursor.Position(Cursor.key("elsewhere"), 1, 1, 1),
        Cursor.decode(r1.id()).positions().get(0)));
    HistoryPage p = await(client.read(ch, both.encode(), 10));
    assertEquals(List.of(r2.id()), p.events().stream().map(StoredEvent::id).toList());
    assertNull(p.gap());

    String ahead = Cursor.single(ch, r1.epoch(), 9, r1.publishedAt() / 1000);
    HistoryPage invalid = await(client.read(ch, ahead, 10));
    assertEquals(GapReason.INVALID_CURSOR, invalid.gap());
    assertTrue(invalid.events().isEmpty());
    JsonObject raw = await(request(addresses.history(), new HistoryRequest(ch, ahead, 10, false).toJson()));
    assertTrue(raw.getBoolean("gap"));
    assertEquals("invalid-cursor", raw.getString("reason"));
  }

  @Test
  void statsShowTheBusiestChannels() throws Exception {
    for (int i = 0; i < 3; i++) {
      await(client.publish(req("stats-a", null, "1")));
    }
    await(client.publish(req("stats-b", null, "1")));
    JsonObject stats = await(request(addresses.stats(), new JsonObject()));
    assertEquals(2L, stats.getLong("channels"));
    assertEquals(4L, stats.getLong("published"));
    JsonArray top = stats.getJsonArray("top");
    assertEquals(2, top.size());
    assertEquals("stats-a", top.getJsonObject(0).getString("channel"));
    assertEquals(3L, top.getJsonObject(0).getLong("published"));
    assertTrue(top.getJsonObject(0).getDouble("ratePerSec") > 0);
    assertEquals("stats-b", top.getJsonObject(1).getString("channel"));
    assertEquals(1, await(request(addresses.stats(), new JsonObject().put("limit", 1))).getJsonArray("top").size());
    failure(request(addresses.stats(), new JsonObject().put("limit", 0)), 400);
    assertEquals(2.0, metrics.get("herald.history.channels").gauge().value());
  }

  @Test
  void housekeepingRemovesIdleChannels() throws Exception {
    HistoryOptions shortLived = new HistoryOptions(10, Duration.ofHours(1), Duration.ofMillis(200), 100);
    assertEquals(50, ReplayVerticle.housekeepingPeriodMs(shortLived));
    assertEquals(60_000, ReplayVerticle.housekeepingPeriodMs(HistoryOptions.DEFAULTS));
    MemoryHistoryStore store = new MemoryHistoryStore(shortLived);
    HistoryAddresses other = new HistoryAddresses("rvt-hk");
    await(vertx.deployVerticle(new ReplayVerticle(store, shortLived, other, new SimpleMeterRegistry())));
    HistoryClient c = new HistoryClient(vertx.eventBus(), other, 10_000);
    await(c.publish(req("hk", null, "1")));
    // only housekeeping removes channels without anyone touching them
    await(until(() -> store.channelCount().map(n -> n == 0)));
  }

  @Test
  void storeFailuresAre503() throws Exception {
    MemoryHistoryStore closed = new MemoryHistoryStore(HistoryOptions.DEFAULTS);
    await(closed.close());
    HistoryAddresses other = new HistoryAddresses("rvt-down");
    await(vertx.deployVerticle(new ReplayVerticle(closed, HistoryOptions.DEFAULTS, other, new SimpleMeterRegistry())));
    HistoryClient c = new HistoryClient(vertx.eventBus(), other, 10_000);
    ReplyException e = failure(c.publish(req("down", null, "1")), 503);
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    failure(c.read("down", null, 10), 503);

    MemoryHistoryStore tiny = new MemoryHistoryStore(new HistoryOptions(10, Duration.ofHours(1), Duration.ofHours(1), 1));
    HistoryAddresses full = new HistoryAddresses("rvt-full");
    await(vertx.deployVerticle(new ReplayVerticle(tiny, HistoryOptions.DEFAULTS, full, new SimpleMeterRegistry())));
    HistoryClient f = new HistoryClient(vertx.eventBus(), full, 10_000);
    await(f.publish(req("one", null, "1")));
    e = failure(f.publish(req("two", null, "1")), 503);
    assertTrue(e.getMessage().contains("history.maxChannels"), e.getMessage());
  }

  /** Completes once {@code check} yields true, polling every 25 ms on a timer; fails after 20 s. */
  private Future<Void> until(Supplier<Future<Boolean>> check) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    vertx.setPeriodic(25, id -> check.get().onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        vertx.cancelTimer(id);
        done.tryComplete();
      } else if (System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        done.tryFail("condition not met in time");
      }
    }));
    return done.future();
  }
}
