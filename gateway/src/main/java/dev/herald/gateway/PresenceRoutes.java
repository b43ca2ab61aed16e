package dev.herald.gateway;

import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.heartbeat.api.PresenceOptions;
import dev.herald.heartbeat.api.Session;
import dev.herald.heartbeat.api.SessionIds;
import dev.herald.heartbeat.api.StartResult;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;

/**
 * Presence over HTTP (docs/http-api.md): heartbeat start / beat / stop named by the {@code herald_sid}
 * cookie, and the session list, lookup and purge.
 */
final class PresenceRoutes {
  static final String COOKIE = "herald_sid";
  private static final String SERVICE = "presence";

  private final PresenceClient presence;
  private final PresenceOptions options;
  private final BeatBatcher beats;

  /** Routes of one gateway verticle instance, so of one event loop: its beats are coalesced per loop. */
  PresenceRoutes(Edge edge) {
    this.presence = edge.presence();
    this.options = edge.config().heartbeat();
    this.beats = new BeatBatcher(presence);
  }

  void mount(Routes router) {
    router.post("/v1/heartbeat/start").handler(this::start);
    router.post("/v1/heartbeat/stop").handler(this::stop);
    router.post("/v1/heartbeat").handler(this::beat);
    router.get("/v1/sessions").handler(this::list);
    router.post("/v1/sessions/purge").handler(this::purge);
    router.get("/v1/sessions/:id").handler(this::get);
  }

  /** The session id of the request's {@code herald_sid} cookie when it is a valid id, else {@code null}. */
  static String sessionOf(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    return cookie != null && SessionIds.isValid(cookie.getValue()) ? cookie.getValue() : null;
  }

  private void start(RoutingContext ctx) {
    JsonObject meta = meta(ChannelRoutes.bodyText(ctx));
    String cookieId = sessionOf(ctx);
    String sessionId = cookieId != null ? cookieId : SessionIds.newId();
    presence.start(sessionId, null, meta).onSuccess(r -> {
      if (cookieId == null) {
        ctx.response().addCookie(Cookie.cookie(COOKIE, r.session().sessionId()).setPath("/").setHttpOnly(true)
            .setSameSite(CookieSameSite.LAX).setSecure(ctx.request().isSSL()));
      }
      Responses.json(ctx, 200, startJson(r));
    }).onFailure(e -> Problems.send(ctx, e, SERVICE));
  }

  private JsonObject startJson(StartResult r) {
    return new JsonObject().put("sessionId", r.session().sessionId()).put("state", r.state())
        .put("beatDelay", seconds(options.beatDelay())).put("expireDelay", seconds(options.expireDelay()));
  }

  /** A duration in seconds, as the seed's options: whole seconds as an integer, else a fraction. */
  static Number seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (Number) (ms / 1000) : (Number) (ms / 1000.0);
  }

  /** The optional {@code {"meta": {…}}} body: at most 4 KiB of meta as JSON. */
  private static JsonObject meta(String body) {
    if (body.isBlank()) {
      return null;
    }
    Map<String, RawJson.Field> fields = RawJson.object(body);
    for (String name : fields.keySet()) {
      if (!name.equals("meta")) {
        throw Problem.badRequest("unknown-field", "unknown field '" + Publishing.printable(name)
            + "'; the body is optional and may only hold \"meta\": {…}");
      }
    }
    RawJson.Field meta = fields.get("meta");
    if (meta == null || meta.isNull()) {
      return null;
    }
    if (!meta.isObject()) {
      throw Problem.badRequest("invalid-field", "'meta' must be a JSON object");
    }
    JsonObject value = new JsonObject(meta.raw());
    int bytes = value.toBuffer().length();
    if (bytes > PresenceOptions.MAX_META_BYTES) {
      throw Problem.tooLarge("meta-too-large", "'meta' is " + bytes + " bytes as JSON; at most "
          + PresenceOptions.MAX_META_BYTES + " are allowed");
    }
    return value;
  }

  private void beat(RoutingContext ctx) {
    String sessionId = sessionOf(ctx);
    if (sessionId == null) {
      throw notConnected("the request has no valid " + COOKIE + " cookie; call POST /v1/heartbeat/start first");
    }
    beats.beat(ctx.vertx(), sessionId).onSuccess(connected -> {
      if (connected) {
        Responses.noContent(ctx);
      } else {
        Problems.send(ctx, notConnected("the session is not connected (it expired or was stopped); "
            + "call POST /v1/heartbeat/start to connect it again"));
      }
    }).onFailure(e -> Problems.send(ctx, e, SERVICE));
  }

  private static Problem notConnected(String detail) {
    return Problem.notFound("session-not-connected", detail);
  }

  private void stop(RoutingContext ctx) {
    boolean leaving = leaving(Query.of(ctx).single("leaving"));
    String sessionId = sessionOf(ctx);
    if (sessionId == null) {
      Responses.noContent(ctx);
      return;
    }
    (leaving ? presence.leave(sessionId) : presence.stop(sessionId)).onSuccess(stopped -> Responses.noContent(ctx))
        .onFailure(e -> Problems.send(ctx, e, SERVICE));
  }

  /** {@code ?leaving=1}: a page that goes away, whose disconnect waits {@code heartbeat.leaveGrace}. */
  private static boolean leaving(String value) {
    if (value == null || value.equals("0") || value.equals("false")) {
      return false;
    }
    if (value.equals("1") || value.equals("true")) {
      return true;
    }
    throw Problem.invalidQuery("'leaving' must be 1 (a page going away: the disconnect waits heartbeat.leaveGrace) "
        + "or 0");
  }

  private void list(RoutingContext ctx) {
    Query query = Query.of(ctx);
    String cursor = query.single("cursor");
    if (cursor != null && cursor.isEmpty()) {
      cursor = null;
    }
    if (cursor != null && !SessionIds.isValid(cursor)) {
      throw Problem.invalidQuery("'cursor' must be the cursor of a previous page");
    }
    int limit = query.intValue("limit", 100, 1, 1000);
    presence.list(cursor, limit).onSuccess(page -> {
      JsonArray sessions = new JsonArray();
      page.sessions().forEach(s -> sessions.add(s.toJson()));
      Responses.json(ctx, 200, new JsonObject().put("sessions", sessions).put("cursor", page.cursor()));
    }).onFailure(e -> Problems.send(ctx, e, SERVICE));
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!SessionIds.isValid(id)) {
      throw Problem.badRequest("invalid-session-id", "a session id is 1-" + SessionIds.MAX_LENGTH
          + " characters of A-Z a-z 0-9 _ - . : @");
    }
    presence.get(id).onSuccess((Session s) -> {
      if (s == null) {
        Problems.send(ctx, Problem.notFound("session-not-connected", "the session is not connected"));
      } else {
        Responses.json(ctx, 200, s.toJson());
      }
    }).onFailure(e -> Problems.send(ctx, e, SERVICE));
  }

  private void purge(RoutingContext ctx) {
    presence.purge().onSuccess(n -> Responses.json(ctx, 200, new JsonObject().put("disconnected", n)))
        .onFailure(e -> Problems.send(ctx, e, SERVICE));
  }
}
