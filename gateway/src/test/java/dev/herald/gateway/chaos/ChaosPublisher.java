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
 * round-robin over the channels, every {@code pauseMs} ms. Each event has its own
 * {@code Idempotency-Key}; a publish that fails is sent again with the same key to another node in
 * service, so the acknowledged id is the event's one id. A <em>pinned</em> publisher (a partition test's,
 * on one side of the cut) only ever publishes to its home node and never retries: each event is one
 * attempt, acknowledged or refused, and the checker holds the store to each answer. Every attempt is
 * recorded. Runs on its own context; read its figures after {@link #finish()} completed.
 */
final class ChaosPublisher extends ChaosVerticle {
  static final long PAUSE_MS = 20;

  /** One publish attempt: what was sent where and when, and the answer (status -1: none, the request failed). */
  record Attempt(int publisher, int k, String channel, String node, long sentAt, long answeredAt, int status,
                 String id, String detail) {
    boolean acknowledged() {
      return status == 201 || status == 200;
    }

    /** The event's data as the history shows it. */
    String data() {
      return new JsonObject().put("p", publisher).put("k", k).encode();
    }
  }

  private final int index;
  private final HeraldProcess home;
  private final List<String> channels;
  private final Balancer balancer;
  private final String runId;
  /** Acknowledged ids per channel. */
  final Map<String, List<String>> acked = new HashMap<>();
  final List<String> failures = new ArrayList<>();
  final List<Attempt> attempts = new ArrayList<>();
  private final boolean pinned;
  private final long pauseMs;
  private WebClient client;
  private volatile boolean stopping;
  private final io.vertx.core.Promise<Void> finished = io.vertx.core.Promise.promise();
  private int next;

  ChaosPublisher(int index, HeraldProcess home, List<String> channels, Balancer balancer, String runId) {
    this(index, home, channels, balancer, runId, false, PAUSE_MS);
  }

  /** A publisher that, when {@code pinned}, publishes only to {@code home}, once per event. */
  ChaosPublisher(int index, HeraldProcess home, List<String> channels, Balancer balancer, String runId,
                 boolean pinned, long pauseMs) {
    this.pinned = pinned;
    this.pauseMs = pauseMs;
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
    HeraldProcess target = pinned || balancer.inService(home) ? home : balancer.pick(home);
    send(channel, k, target == null ? home : target);
  }

  private void send(String channel, int k, HeraldProcess node) {
    JsonObject body = new JsonObject().put("event", "n").put("data", new JsonObject().put("p", index).put("k", k));
    long sentAt = System.currentTimeMillis();
    client.post(node.httpPort, node.host, "/v1/channels/" + channel + "/events")
        .putHeader("Content-Type", "application/json")
        .putHeader("Idempotency-Key", runId + "-p" + index + "-" + k)
        .timeout(15_000)
        .sendJsonObject(body).onComplete(ar -> {
          int status = ar.succeeded() ? ar.result().statusCode() : -1;
          boolean ok = status == 201 || status == 200;
          String id = ok ? ar.result().bodyAsJsonObject().getString("id") : null;
          String detail = ar.failed() ? ar.cause().toString() : ok ? null : ar.result().bodyAsString();
          attempts.add(new Attempt(index, k, channel, node.name, sentAt, System.currentTimeMillis(), status, id, detail));
          if (ok) {
            acked.get(channel).add(id);
            vertx.setTimer(pauseMs, t -> publishNext());
            return;
          }
          failures.add(sentAt + " " + node.name + " k=" + k + ": " + (ar.failed() ? detail : status + " " + detail));
          if (pinned) {
            vertx.setTimer(pauseMs, t -> publishNext());
            return;
          }
          vertx.setTimer(100, t -> {
            HeraldProcess other = balancer.pick(node);
            send(channel, k, other == null ? home : other);
          });
        });
  }
}
