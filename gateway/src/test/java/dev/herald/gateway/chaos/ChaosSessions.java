package dev.herald.gateway.chaos;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Presence clients: sessions started over HTTP and kept alive by a beat every second. A
 * <em>pinned</em> session starts and beats on one node only and gives up when that node stops answering
 * (a client that died with it): the cluster must still end it with one {@code disconnect}, from the
 * survivors' purge. A <em>roaming</em> session beats through the balancer, so it lives on whatever
 * happens to one node. {@link #stopAll()} stops every session still beating.
 *
 * <p>{@link Mode#PERSISTENT} (a partition test): every session is pinned and its client never gives up:
 * through a cut it keeps beating its home node, and when a beat answers {@code 404} (its session
 * expired while the node could not reach the store) it starts the session again — a new connect, which
 * must get its own disconnect. {@link Mode#ROAMING} (pods scaling): every session roams, like browsers
 * behind a Kubernetes Service.
 */
final class ChaosSessions extends ChaosVerticle {
  static final long BEAT_MS = 1_000;

  /** Which clients: pinned and roaming ones, pinned ones that never give up, or roaming ones only. */
  enum Mode { MIXED, PERSISTENT, ROAMING }

  /** One session and what its client saw. */
  static final class Client {
    final HeraldProcess home;
    String id;
    /** The session credential, sent as the Herald-Session header (never the public id). */
    String token;
    boolean beating;
    boolean starting;
    long lastBeatOk;
    int restarts;
    String problem;

    Client(HeraldProcess home) {
      this.home = home;
    }
  }

  private final List<HeraldProcess> nodes;
  private final int perNode;
  private final Balancer balancer;
  private final boolean persistent;
  private final Mode mode;
  final List<Client> pinned = new ArrayList<>();
  final List<Client> roaming = new ArrayList<>();
  final List<String> failures = new ArrayList<>();
  private WebClient client;
  private long timer = -1;

  ChaosSessions(List<HeraldProcess> nodes, int perNode, Balancer balancer, Mode mode) {
    this.nodes = List.copyOf(nodes);
    this.perNode = perNode;
    this.balancer = balancer;
    this.mode = mode;
    this.persistent = mode == Mode.PERSISTENT;
  }

  @Override
  public Future<?> start() {
    client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2_000));
    List<Future<?>> started = new ArrayList<>();
    for (HeraldProcess node : nodes) {
      for (int i = 0; i < perNode; i++) {
        if (mode != Mode.ROAMING) {
          Client p = new Client(node);
          pinned.add(p);
          started.add(startOn(p, node));
        }
        if (mode != Mode.PERSISTENT) {
          Client r = new Client(null);
          roaming.add(r);
          started.add(startOn(r, node));
        }
      }
    }
    return Future.all(started).onSuccess(x -> timer = vertx.setPeriodic(BEAT_MS, id -> beatAll()));
  }

  /** Every session id with its client, in start order. */
  Map<String, Client> all() {
    Map<String, Client> m = new LinkedHashMap<>();
    pinned.forEach(c -> m.put(c.id, c));
    roaming.forEach(c -> m.put(c.id, c));
    return m;
  }

  /** Stops the beats, then sends {@code POST /v1/heartbeat/stop} for every session still beating. */
  Future<Void> stopAll() {
    vertx.cancelTimer(timer);
    List<Future<?>> stops = new ArrayList<>();
    for (Client c : all().values()) {
      if (c.beating) {
        c.beating = false;
        HeraldProcess node = c.home != null ? c.home : balancer.pick(null);
        stops.add(client.post(node.httpPort, node.host, "/v1/heartbeat/stop")
            .putHeader("Herald-Session", c.token).timeout(10_000).sendBuffer(Buffer.buffer()).andThen(ar -> {
              if (ar.failed() || ar.result().statusCode() != 204) {
                failures.add("stop " + c.id + ": " + (ar.failed() ? ar.cause() : ar.result().statusCode()));
              }
            }));
      }
    }
    return Future.join(stops).mapEmpty();
  }

  private Future<?> startOn(Client c, HeraldProcess node) {
    // a restart (after a 404) names the session's credential again: the same session starts anew
    return client.post(node.httpPort, node.host, "/v1/heartbeat/start").putHeader("Content-Type", "application/json")
        .putHeader("Herald-Session", c.token == null ? "new" : c.token)
        .timeout(10_000).sendBuffer(Buffer.buffer("{}")).compose(r -> {
          if (r.statusCode() != 200) {
            return Future.failedFuture("start on " + node.name + ": " + r.statusCode() + " " + r.bodyAsString());
          }
          c.id = r.bodyAsJsonObject().getString("sessionId");
          c.token = r.bodyAsJsonObject().getString("sessionToken");
          c.beating = true;
          c.lastBeatOk = System.currentTimeMillis();
          return Future.succeededFuture();
        });
  }

  private void beatAll() {
    for (Client c : all().values()) {
      if (!c.beating) {
        continue;
      }
      HeraldProcess node = c.home != null ? c.home : balancer.pick(null);
      if (node == null) {
        continue;
      }
      if (c.starting) {
        continue;
      }
      client.post(node.httpPort, node.host, "/v1/heartbeat").putHeader("Herald-Session", c.token)
          .timeout(2_000).sendBuffer(Buffer.buffer()).onComplete(ar -> {
            if (ar.succeeded() && ar.result().statusCode() == 204) {
              c.lastBeatOk = System.currentTimeMillis();
            } else if (persistent) {
              if (ar.succeeded() && ar.result().statusCode() == 404 && !c.starting) {
                c.starting = true;
                c.restarts++;
                startOn(c, node).onComplete(x -> c.starting = false);
              }
            } else if (c.home != null) {
              // A pinned client whose node is gone: it gives up, and its session must time out.
              c.beating = false;
              c.problem = ar.failed() ? ar.cause().toString() : String.valueOf(ar.result().statusCode());
            } else if (ar.succeeded() && ar.result().statusCode() == 404) {
              c.beating = false;
              failures.add("roaming session " + c.id + " was no longer connected (404) on " + node.name + ": "
                  + ar.result().bodyAsString());
            }
          });
    }
  }
}
