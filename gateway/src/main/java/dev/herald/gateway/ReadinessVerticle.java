package dev.herald.gateway;

import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.heartbeat.api.SessionIds;
import dev.herald.replay.api.HistoryClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the node's readiness on a node-local address: {@code {"status": "UP"|"DOWN", "checks":
 * [{"name", "status", "detail"}]}} with the checks {@code cluster} (joined, or not clustered),
 * {@code store} (the presence and history services answer from their stores) and {@code delivery}
 * (a {@link DeliveryCanary} event published and received over this node's own HTTP stream). Runs are
 * one at a time, at most one per {@value #CACHE_MS} ms, so probes cannot flood; once a first result
 * exists a probe is answered at once with the latest one (a stale one starts the next run), so a slow
 * check never makes a probe time out. In a cluster a failing store or delivery check is tried once
 * more before it counts: its request may have gone to a member that died a moment ago.
 */
final class ReadinessVerticle extends VerticleBase {
  /** The reserved channel of node {@code nodeId}'s delivery canary. */
  static String canaryChannel(String nodeId) {
    return "herald.canary." + nodeId;
  }

  static final long CHECK_TIMEOUT_MS = 2_000;
  static final long CACHE_MS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(ReadinessVerticle.class);

  private final Edge edge;
  private final String canaryHost;
  private final int port;
  private HttpClient client;
  private DeliveryCanary canary;
  private JsonObject last;
  private long lastAt;
  private Future<JsonObject> running;
  private Boolean wasReady;

  /**
   * @param canaryHost the host the canary stream connects to (this node's HTTP host; loopback for a wildcard)
   * @param port       this node's bound HTTP port
   */
  ReadinessVerticle(Edge edge, String canaryHost, int port) {
    this.edge = edge;
    this.canaryHost = canaryHost;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    if (edge.streams() != null && edge.servesApi()) {
      client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2_000),
          new PoolOptions().setHttp1MaxSize(2));
      canary = new DeliveryCanary(vertx, client, edge.history(), canaryHost, port, canaryChannel(edge.nodeId()),
          edge.guard().canaryKey());
      canary.start();
    }
    return vertx.eventBus().<Object>localConsumer(edge.readinessAddress(), this::onProbe).completion();
  }

  @Override
  public Future<?> stop() {
    if (canary != null) {
      canary.stop();
    }
    return client == null ? Future.succeededFuture() : client.close();
  }

  private void onProbe(Message<Object> m) {
    long now = System.currentTimeMillis();
    if (last != null) {
      // Once there is a result, a probe never waits for a run: a run may wait out a request to a member
      // that just died, and a Kubernetes probe times out after 1 s by default. A stale result starts a
      // new run, whose result the next probe gets.
      m.reply(last);
      if (now - lastAt >= CACHE_MS) {
        refresh();
      }
      return;
    }
    refresh().onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(ar.result());
      } else {
        m.fail(500, "the readiness checks failed: " + ar.cause().getMessage());
      }
    });
  }

  /** The run in progress, or a new one; its result becomes {@code last}. */
  private Future<JsonObject> refresh() {
    if (running != null) {
      return running;
    }
    Future<JsonObject> run = run();
    running = run;
    // a run whose checks all answered at once has completed already: it must not stay "in progress"
    run.onComplete(ar -> {
      running = null;
      if (ar.succeeded()) {
        last = ar.result();
        lastAt = System.currentTimeMillis();
      }
    });
    return run;
  }

  private Future<JsonObject> run() {
    Future<JsonObject> cluster = Future.succeededFuture(cluster());
    Future<JsonObject> store = store();
    Future<JsonObject> delivery = delivery();
    return Future.join(cluster, store, delivery).transform(x -> {
      JsonArray checks = new JsonArray().add(cluster.result()).add(store.result()).add(delivery.result());
      boolean up = checks.stream().allMatch(c -> "UP".equals(((JsonObject) c).getString("status")));
      if (wasReady == null || wasReady != up) {
        LOG.info("node {} is {}: {}", edge.nodeId(), up ? "ready" : "not ready", checks.encode());
        wasReady = up;
      }
      return Future.succeededFuture(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks));
    });
  }

  /**
   * Joined: the cluster manager is active and lists this node as a member. Hazelcast's own
   * {@code ClusterHealthCheck} is not used: it reads DOWN while partitions migrate after any member
   * joins or leaves, which would take every node out of service whenever the cluster changes.
   */
  private JsonObject cluster() {
    if (!vertx.isClustered()) {
      return check("cluster", true, "not clustered: a single node");
    }
    return ClusterSetup.joined(vertx)
        ? check("cluster", true, "joined cluster with " + ClusterView.members(vertx).size() + " members")
        : check("cluster", false, "not joined to the cluster (this node is not among its members)");
  }

  /**
   * The store check, and in a cluster once more when it fails: a request may have gone to a member that
   * died a moment ago and is not yet out of the cluster (it waits out its timeout); the second goes to
   * another member (round robin), so one lost request does not take this node out of service.
   */
  private Future<JsonObject> store() {
    return store(CHECK_TIMEOUT_MS).compose(r -> isUp(r) || !vertx.isClustered()
        ? Future.succeededFuture(r) : store(CHECK_TIMEOUT_MS));
  }

  /** The presence store answers a lookup of an unknown session, and the history store a read. */
  private Future<JsonObject> store(long timeoutMs) {
    PresenceClient presence = new PresenceClient(vertx.eventBus(), edge.presence().addresses(), timeoutMs);
    HistoryClient history = new HistoryClient(vertx.eventBus(), edge.history().addresses(), timeoutMs);
    Future<?> sessions = presence.get(SessionIds.newId());
    Future<?> events = history.read(canaryChannel(edge.nodeId()), null, 1);
    return Future.join(sessions, events).transform(x -> {
      if (sessions.succeeded() && events.succeeded()) {
        return Future.succeededFuture(check("store", true, "presence and history stores answer"));
      }
      StringBuilder why = new StringBuilder();
      if (sessions.failed()) {
        why.append("presence: ").append(Problems.from(sessions.cause(), "presence").detail());
      }
      if (events.failed()) {
        why.append(why.length() > 0 ? "; " : "").append("history: ")
            .append(Problems.from(events.cause(), "history").detail());
      }
      return Future.succeededFuture(check("store", false, why.toString()));
    });
  }

  /** The delivery check, in a cluster once more when it fails (as {@link #store()}: its publish may have been lost). */
  private Future<JsonObject> delivery() {
    return deliveryOnce().compose(r -> isUp(r) || !vertx.isClustered() ? Future.succeededFuture(r) : deliveryOnce());
  }

  private static boolean isUp(JsonObject check) {
    return "UP".equals(check.getString("status"));
  }

  private Future<JsonObject> deliveryOnce() {
    if (canary == null) {
      return Future.succeededFuture(check("delivery", true, "not checked: this node serves no streams"));
    }
    return canary.check(CHECK_TIMEOUT_MS).transform(ar -> Future.succeededFuture(ar.succeeded()
        ? check("delivery", true, "canary event received over " + canary.channel() + " in " + ar.result() + " ms")
        : check("delivery", false, ar.cause().getMessage())));
  }

  private static JsonObject check(String name, boolean up, String detail) {
    return new JsonObject().put("name", name).put("status", up ? "UP" : "DOWN").put("detail", detail);
  }
}
