package dev.herald.sse;

import dev.herald.replay.HistoryStore;
import dev.herald.replay.MemoryHistoryStore;
import dev.herald.replay.ReplayVerticle;
import dev.herald.replay.api.HistoryAddresses;
import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.HistoryClient;
import dev.herald.replay.api.ChannelHead;
import dev.herald.replay.api.HeadsReply;
import dev.herald.replay.api.HeadsRequest;
import dev.herald.replay.api.HistoryOptions;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.PublishResult;
import dev.herald.sse.api.SseAddresses;
import dev.herald.sse.api.SseOptions;
import dev.herald.sse.api.SseStreams;
import dev.herald.sse.api.StreamListener;
import dev.herald.sse.api.StreamRequest;
import dev.herald.sse.testing.SseTestClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One test node: the real replay verticle on a memory store, the sse verticle, and an HTTP server on
 * two event loops (two instances, each on its own port) whose handler does what the gateway does:
 * {@code /stream?channel=…&lastEventId=…&envelope=0|1|2} (the {@code Last-Event-ID} header wins) and
 * {@code /topic?address=…&event=…}.
 */
final class SseHarness {
  static final Duration WAIT = Duration.ofSeconds(20);

  final Vertx vertx;
  final HistoryClient history;
  final SseVerticle sse;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final SseAddresses addresses = new SseAddresses("herald");
  /** Ports of the server instances, one per event loop. */
  final List<Integer> ports = new CopyOnWriteArrayList<>();
  /** Called by the server handler with each stream request before it is opened (tests may capture it). */
  volatile Consumer<HttpServerRequest> onStreamRequest = r -> { };

  private SseHarness(Vertx vertx, SseOptions options, StreamListener listener, HistoryAddresses historyAddresses,
                     long storeCheckMs) {
    this.vertx = vertx;
    this.history = new HistoryClient(vertx.eventBus(), historyAddresses, 5_000);
    this.sse = new SseVerticle(options, addresses, history, "node-1", registry, listener, storeCheckMs);
  }

  static SseOptions options(Duration ping, long maxQueued, int maxStreams, boolean padding) {
    return new SseOptions(ping, Duration.ofMillis(1500), maxQueued, 8, maxStreams, padding);
  }

  static Future<SseHarness> start(Vertx vertx, SseOptions options, HistoryOptions historyOptions,
                                  StreamListener listener) {
    return start(vertx, options, historyOptions, listener, new MemoryHistoryStore(historyOptions));
  }

  /** As above, the replay verticle on {@code store}. */
  static Future<SseHarness> start(Vertx vertx, SseOptions options, HistoryOptions historyOptions,
                                  StreamListener listener, HistoryStore store) {
    SseHarness h = new SseHarness(vertx, options, listener, HistoryAddresses.DEFAULT, 0);
    return vertx.deployVerticle(new ReplayVerticle(store, historyOptions, HistoryAddresses.DEFAULT, h.registry))
        .compose(id -> h.deploySseAndServer());
  }

  /**
   * A memory store whose {@code method} answers {@code delayMs} later, as a store across a network does, and
   * counts its calls: what a loop asks of the store while a read is in flight.
   */
  static HistoryStore slowStore(Vertx vertx, String method, long delayMs, AtomicInteger calls) {
    HistoryStore store = new MemoryHistoryStore(HistoryOptions.DEFAULTS);
    return (HistoryStore) Proxy.newProxyInstance(HistoryStore.class.getClassLoader(),
        new Class<?>[] {HistoryStore.class}, (proxy, m, args) -> {
          Object result;
          try {
            result = m.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (!m.getName().equals(method)) {
            return result;
          }
          calls.incrementAndGet();
          Promise<Object> later = Promise.promise();
          vertx.setTimer(delayMs, t -> ((Future<?>) result).map(x -> (Object) x).onComplete(later));
          return later.future();
        });
  }

  /**
   * A node without a replay verticle: the sse verticle reads history from {@code historyAddresses}, where
   * the test answers itself, and channel events come from whatever the test publishes on the bus.
   */
  static Future<SseHarness> startWithoutReplay(Vertx vertx, HistoryAddresses historyAddresses) {
    return startWithoutReplay(vertx, historyAddresses, 0);
  }

  /** As above, with the fan-out checking the store's heads every {@code storeCheckMs} (0: never). */
  static Future<SseHarness> startWithoutReplay(Vertx vertx, HistoryAddresses historyAddresses, long storeCheckMs) {
    SseHarness h = new SseHarness(vertx, options(Duration.ofSeconds(15), 1024 * 1024, 1000, false), null,
        historyAddresses, storeCheckMs);
    return h.deploySseAndServer();
  }

  /**
   * For nodes {@link #startWithoutReplay without a replay verticle}: answers head requests on
   * {@code addresses} as a store where no channel has an event yet (every stream starts at a channel's start).
   */
  static Future<Void> answerHeadsAsEmpty(Vertx vertx, HistoryAddresses addresses) {
    return vertx.eventBus().<JsonObject>consumer(addresses.heads(), m -> {
      List<String> channels = HeadsRequest.fromJson(m.body()).channels();
      m.reply(new HeadsReply(channels.stream().map(ChannelHead::none).toList()).toJson());
    }).completion();
  }

  private Future<SseHarness> deploySseAndServer() {
    return vertx.deployVerticle(sse)
        .compose(id -> vertx.deployVerticle(() -> new Server(this), new DeploymentOptions().setInstances(2)))
        .map(id -> this);
  }

  static Future<SseHarness> start(Vertx vertx) {
    return start(vertx, options(Duration.ofSeconds(15), 1024 * 1024, 1000, false), HistoryOptions.DEFAULTS, null);
  }

  SseStreams streams() {
    return sse.streams();
  }

  /** Publishes {@code data} (JSON text) to {@code channel}. */
  Future<PublishResult> publish(String channel, String event, String dataJson) {
    return history.publish(new PublishRequest(channel, event, dataJson, null));
  }

  /** Publishes the JSON numbers from..to (inclusive), one after another. */
  Future<List<PublishResult>> publishRange(String channel, int from, int to) {
    List<PublishResult> out = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = from; i <= to; i++) {
      String data = Json.encode(i);
      chain = chain.compose(v -> publish(channel, "n", data).map(r -> {
        out.add(r);
        return null;
      }));
    }
    return chain.map(v -> out);
  }

  /** Opens {@code uri} on the server instance {@code instance % 2}. */
  Future<SseTestClient> open(int instance, String uri, Map<String, String> headers) {
    return SseTestClient.open(vertx, ports.get(instance % ports.size()), uri, headers);
  }

  Future<SseTestClient> open(String uri) {
    return open(0, uri, Map.of());
  }

  /** The server of one event loop, doing what the gateway's stream routes do. */
  static final class Server extends VerticleBase {
    private final SseHarness harness;

    Server(SseHarness harness) {
      this.harness = harness;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer().requestHandler(this::handle).listen(0)
          .onSuccess(s -> harness.ports.add(s.actualPort()));
    }

    private void handle(HttpServerRequest req) {
      switch (req.path()) {
        case "/stream" -> {
          String last = req.getHeader("Last-Event-ID");
          if (last == null) {
            last = req.getParam("lastEventId");
          }
          harness.onStreamRequest.accept(req);
          harness.streams().open(req, new StreamRequest(req.params().getAll("channel"), last,
              req.getParam("envelope") == null ? 0 : Integer.parseInt(req.getParam("envelope")), req.getParam("session"),
              null));
        }
        case "/topic" -> {
          List<String> addresses = req.params().getAll("address");
          List<String> events = req.params().getAll("event");
          Map<String, String> map = new LinkedHashMap<>();
          for (int i = 0; i < addresses.size(); i++) {
            map.put(addresses.get(i), events.get(i));
          }
          harness.streams().openTopic(req, map);
        }
        default -> req.response().setStatusCode(404).end();
      }
    }
  }
}
