package dev.herald.gateway.chaos;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes {@code {"p": <publisher>, "k": <n>}} over HTTP to its home node, one event after another,
 * round-robin over the channels, every {@value #PAUSE_MS} ms. Each event has its own
 * {@code Idempotency-Key}; a publish that fails is sent again with the same key to another node in
 * service, so the acknowledged id is the event's one id. Runs on its own context; read its figures
 * after {@link #finish()} completed.
 */
final class ChaosPublisher extends ChaosVerticle {
  static final long PAUSE_MS = 20;

  private final int index;
  private final HeraldProcess home;
  private final List<String> channels;
  private final Balancer balancer;
  private final String runId;
  /** Acknowledged ids per channel. */
  final Map<String, List<String>> acked = new HashMap<>();
  final List<String> failures = new ArrayList<>();
  private WebClient client;
  private volatile boolean stopping;
  private final io.vertx.core.Promise<Void> finished = io.vertx.core.Promise.promise();
  private int next;

  ChaosPublisher(int index, HeraldProcess home, List<String> channels, Balancer balancer, String runId) {
    this.index = index;
    this.home = home;
    this.channels = List.copyOf(channels);
    this.balancer = balancer;
    this.runId = runId;
    channels.forEach(c -> acked.put(c, new ArrayList<>()));
  }

  @Override
  public Future<?> start() {
    client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2_000).setKeepAlive(true));
    vertx.runOnContext(v -> publishNext());
    return Future.succeededFuture();
  }

  /** Stops after the event in flight is acknowledged; completes then. */
  Future<Void> finish() {
    stopping = true;
    return finished.future();
  }

  int count() {
    return acked.values().stream().mapToInt(List::size).sum();
  }

  private void publishNext() {
    if (stopping) {
      client.close();
      finished.tryComplete();
      return;
    }
    int k = ++next;
    String channel = channels.get(k % channels.size());
    HeraldProcess target = balancer.inService(home) ? home : balancer.pick(home);
    send(channel, k, target == null ? home : target);
  }

  private void send(String channel, int k, HeraldProcess node) {
    JsonObject body = new JsonObject().put("event", "n").put("data", new JsonObject().put("p", index).put("k", k));
    client.post(node.httpPort, "127.0.0.1", "/v1/channels/" + channel + "/events")
        .putHeader("Content-Type", "application/json")
        .putHeader("Idempotency-Key", runId + "-p" + index + "-" + k)
        .timeout(15_000)
        .sendJsonObject(body).onComplete(ar -> {
          if (ar.succeeded() && (ar.result().statusCode() == 201 || ar.result().statusCode() == 200)) {
            acked.get(channel).add(ar.result().bodyAsJsonObject().getString("id"));
            vertx.setTimer(PAUSE_MS, id -> publishNext());
            return;
          }
          failures.add(System.currentTimeMillis() + " " + node.name + " k=" + k + ": " + (ar.failed()
              ? ar.cause().toString() : ar.result().statusCode() + " " + ar.result().bodyAsString()));
          vertx.setTimer(100, id -> {
            HeraldProcess other = balancer.pick(node);
            send(channel, k, other == null ? home : other);
          });
        });
  }
}
