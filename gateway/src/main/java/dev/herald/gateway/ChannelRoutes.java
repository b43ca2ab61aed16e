package dev.herald.gateway;

import dev.herald.replay.api.HistoryClient;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.Names;
import dev.herald.replay.api.PublishResult;
import dev.herald.replay.api.StoredEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Publishing and history over HTTP (docs/http-api.md): {@code POST /v1/channels/{channel}/events},
 * {@code POST /v1/events} (a batch, all or nothing) and {@code GET /v1/channels/{channel}/events}.
 * Published {@code data} travels as the JSON text the client sent and comes back from history as the
 * stored text, embedded without re-parsing.
 */
final class ChannelRoutes {
  static final int MAX_BATCH = 1000;
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  private static final String SERVICE = "history";

  private final HistoryClient history;

  ChannelRoutes(Edge edge) {
    this.history = edge.history();
  }

  void mount(Routes router) {
    router.post("/v1/channels/:channel/events", Guard.Rule.CALLER).handler(this::publish);
    router.get("/v1/channels/:channel/events", Guard.Rule.CALLER).handler(this::read);
    router.post("/v1/events", Guard.Rule.CALLER).handler(this::publishBatch);
    router.router().routeWithRegex("/v1/channels/+events/?").handler(ctx -> {
      throw Problem.invalidName("the channel is empty; name it in the path: /v1/channels/{channel}/events");
    });
  }

  private void publish(RoutingContext ctx) {
    String channel = Publishing.channel(ctx.pathParam("channel"));
    List<String> keys = ctx.request().headers().getAll("Idempotency-Key");
    if (keys.size() > 1) {
      throw Problem.badRequest("invalid-idempotency-key", "give the Idempotency-Key header once");
    }
    String key = Publishing.idempotencyKey(keys.isEmpty() ? null : keys.get(0));
    PublishRequest request = Publishing.single(channel, RawJson.object(bodyText(ctx)), key);
    Guard.caller(ctx).requirePublish(List.of(channel));
    history.publish(request)
        .onSuccess(r -> Responses.json(ctx, r.duplicate() ? 200 : 201, idText(r)))
        .onFailure(e -> Problems.send(ctx, e, SERVICE));
  }

  private void publishBatch(RoutingContext ctx) {
    List<Map<String, RawJson.Field>> items = RawJson.arrayOfObjects(bodyText(ctx), MAX_BATCH,
        n -> Problem.badRequest("batch-too-large", "a batch holds at most " + MAX_BATCH
            + " events; split it into several requests"));
    if (items.isEmpty()) {
      throw Problem.badRequest("empty-batch", "the batch is empty; send 1 to " + MAX_BATCH + " events");
    }
    List<PublishRequest> requests = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      try {
        requests.add(Publishing.batchItem(items.get(i)));
      } catch (Problem p) {
        throw p.prefixed("events[" + i + "]: ").with("index", i);
      }
    }
    Guard.caller(ctx).requirePublish(requests.stream().map(PublishRequest::channel).distinct().toList());
    history.publishAll(requests).onSuccess(results -> {
      JsonArray events = new JsonArray();
      results.forEach(r -> events.add(idJson(r)));
      Responses.json(ctx, 201, new JsonObject().put("events", events));
    }).onFailure(e -> Problems.send(ctx, e, SERVICE));
  }

  private void read(RoutingContext ctx) {
    String channel = ctx.pathParam("channel");
    String problem = Names.channelProblem(channel);
    if (problem != null) {
      throw Problem.invalidName(problem);
    }
    Query query = Query.of(ctx);
    String after = query.single("after");
    if (after != null && after.isEmpty()) {
      after = null;
    }
    int limit = query.intValue("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    Guard.caller(ctx).requireSubscribe(List.of(channel));
    history.read(channel, after, limit)
        .onSuccess(page -> Responses.json(ctx, 200, pageJson(page)))
        .onFailure(e -> Problems.send(ctx, e, SERVICE));
  }

  /**
   * {@code {"events": [{"id", "event", "data", "publishedAt"}], "gap": bool}} (and {@code "reason"} with a gap, as a
   * stream's {@code herald.gap} names it) with each data embedded as stored.
   */
  static Buffer pageJson(HistoryPage page) {
    StringBuilder b = new StringBuilder(256);
    b.append("{\"events\":[");
    boolean first = true;
    for (StoredEvent e : page.events()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      b.append("{\"id\":").append(Json.encode(e.id()))
          .append(",\"event\":").append(e.event() == null ? "null" : Json.encode(e.event()))
          .append(",\"data\":").append(e.data())
          .append(",\"publishedAt\":").append(Json.encode(Instant.ofEpochMilli(e.publishedAt()).toString()))
          .append('}');
    }
    b.append("],\"gap\":").append(page.gap() != null);
    if (page.gap() != null) {
      b.append(",\"reason\":").append(Json.encode(page.gap().wire()));
    }
    b.append('}');
    return Buffer.buffer(b.toString());
  }

  private static JsonObject idJson(PublishResult r) {
    return new JsonObject().put("channel", r.channel()).put("id", r.id());
  }

  /**
   * {@link #idJson} written directly, for the single publish (the hot path): a channel name and an id hold only
   * characters JSON takes as they are (Names, Cursor), so nothing needs escaping.
   */
  private static Buffer idText(PublishResult r) {
    return Buffer.buffer("{\"channel\":\"" + r.channel() + "\",\"id\":\"" + r.id() + "\"}");
  }

  static String bodyText(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    return body == null ? "" : body.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
