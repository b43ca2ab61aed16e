package dev.herald.gateway;

import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.replay.api.Names;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Operations and console routes: {@code /health/live}, {@code /health/ready} (answered by the node's
 * {@link ReadinessVerticle}), {@code /metrics} (Prometheus text), {@code /v1/stats} (the console's
 * figures), {@code /}, {@code /herald.js} and {@code /v1/openapi.json} (the HTTP API's OpenAPI document).
 */
final class OpsRoutes {
  /** Sessions counted for the console at most (pages of 1000). */
  static final int MAX_COUNTED_SESSIONS = 10_000;
  /** Busiest channels the console lists. */
  static final int CONSOLE_TOP = 20;
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final Vertx vertx;
  private final Edge edge;

  OpsRoutes(Vertx vertx, Edge edge) {
    this.vertx = vertx;
    this.edge = edge;
  }

  void mountHealth(Routes router) {
    router.get("/health/live", Guard.Rule.OPEN).handler(ctx -> Responses.json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready", Guard.Rule.OPEN).handler(this::ready);
    router.get("/metrics", Guard.Rule.OPEN).handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(edge.registry().scrape()));
  }

  void mountConsole(Routes router) {
    router.get("/v1/stats", Guard.Rule.ADMIN).handler(this::stats);
    router.get("/", Guard.Rule.OPEN).handler(ctx -> file(ctx, edge.web().page(), "text/html; charset=utf-8",
        "index.html"));
    router.get("/herald.js", Guard.Rule.OPEN).handler(ctx -> file(ctx, edge.web().script(),
        "text/javascript; charset=utf-8", "herald.js"));
    router.get("/herald.mjs", Guard.Rule.OPEN).handler(ctx -> file(ctx, edge.web().module(),
        "text/javascript; charset=utf-8", "herald.mjs"));
    router.get("/v1/openapi.json", Guard.Rule.OPEN).handler(ctx -> file(ctx, edge.web().openApi(),
        "application/json", "openapi.json"));
  }

  private void ready(RoutingContext ctx) {
    if (edge.drain().active()) {
      Responses.json(ctx, 503, edge.drain().readiness(edge.nodeId()));
      return;
    }
    vertx.eventBus().<JsonObject>request(edge.readinessAddress(), null,
            new DeliveryOptions().setSendTimeout(2 * ReadinessVerticle.CHECK_TIMEOUT_MS + 2_000).setLocalOnly(true))
        .onSuccess(m -> Responses.json(ctx, "UP".equals(m.body().getString("status")) ? 200 : 503, m.body()))
        .onFailure(e -> Responses.json(ctx, 503, new JsonObject().put("status", "DOWN").put("checks",
            new JsonArray().add(new JsonObject().put("name", "readiness").put("status", "DOWN")
                .put("detail", "the readiness checks did not answer: " + e.getMessage())))));
  }

  private static void file(RoutingContext ctx, Buffer content, String type, String name) {
    if (content == null) {
      throw Problem.notFound("not-packaged", "the file " + name + " is not packaged in this build");
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type).putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("X-Content-Type-Options", "nosniff").end(content);
  }

  /** {@code {node, members, openStreams, sessionsOnline, sessionsCapped, history: {channels, published, ratePerSec, top}}}. */
  private void stats(RoutingContext ctx) {
    JsonObject out = new JsonObject().put("node", edge.nodeId()).put("members", members())
        .put("openStreams", edge.streams() == null ? 0 : edge.streams().openStreams());
    JsonArray problems = new JsonArray();
    Future<Void> sessions = countSessions(edge.presence(), null, 0).onSuccess(n -> out
            .put("sessionsOnline", Math.min(n, MAX_COUNTED_SESSIONS)).put("sessionsCapped", n >= MAX_COUNTED_SESSIONS))
        .otherwise(e -> {
          out.putNull("sessionsOnline");
          problems.add("sessions: " + Problems.from(e, "presence").detail());
          return null;
        }).mapEmpty();
    Future<Void> history = edge.history().stats(CONSOLE_TOP)
        .onSuccess(stats -> out.put("history", stats.filter(channel -> !Names.isReserved(channel)).toJson()))
        .otherwise(e -> {
          out.putNull("history");
          problems.add("history: " + Problems.from(e, "history").detail());
          return null;
        }).mapEmpty();
    Future.join(sessions, history).onComplete(x -> Responses.json(ctx, 200, out.put("problems", problems)));
  }

  private Future<Long> countSessions(PresenceClient presence, String cursor, long counted) {
    Promise<Long> done = Promise.promise();
    presence.list(cursor, 1000).onSuccess(page -> {
      long n = counted + page.sessions().size();
      if (page.cursor() == null || page.sessions().isEmpty() || n >= MAX_COUNTED_SESSIONS) {
        done.complete(n);
      } else {
        countSessions(presence, page.cursor(), n).onComplete(done);
      }
    }).onFailure(done::fail);
    return done.future();
  }

  private int members() {
    return vertx.isClustered() ? ClusterView.members(vertx).size() : 1;
  }
}
