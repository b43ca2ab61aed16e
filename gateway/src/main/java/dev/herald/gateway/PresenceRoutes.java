package dev.herald.gateway;

import dev.herald.gateway.auth.AuthFailure;
import dev.herald.gateway.auth.Caller;
import dev.herald.gateway.auth.SessionCredentials;
import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.heartbeat.api.PresenceFailure;
import io.vertx.core.eventbus.ReplyException;
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
 * Presence over HTTP (docs/http-api.md#presence): heartbeat start / beat / stop named by the session
 * credential the request presents ({@link Guard#presented}: the {@code Herald-Session} header, the
 * {@code session} query parameter or the {@code herald_sid} cookie), and the session list, lookup and purge.
 *
 * <p>The credential is a secret only Herald mints ({@link SessionCredentials}); the session's public
 * {@code sessionId} is derived from it and is never taken in its place (G8). A start without a valid
 * credential of this caller gets a new one, as the {@code herald_sid} cookie and — when the request sent
 * {@code Herald-Session} ({@code new} or a credential) — as {@code sessionToken} in the reply, for pages
 * whose browser blocks third-party cookies. A beat or stop with another user's credential is a {@code 403}.
 */
final class PresenceRoutes {
  static final String COOKIE = Guard.SESSION_COOKIE;
  /** The {@code Herald-Session} value that asks a start for a new credential. */
  static final String NEW = "new";
  private static final String SERVICE = "presence";

  private final PresenceClient presence;
  private final PresenceOptions options;
  private final BeatBatcher beats;
  private final Guard guard;

  /** Routes of one gateway verticle instance, so of one event loop: its beats are coalesced per loop. */
  PresenceRoutes(Edge edge) {
    this.presence = edge.presence();
    this.options = edge.config().heartbeat();
    this.beats = new BeatBatcher(presence);
    this.guard = edge.guard();
  }

  void mount(Routes router) {
    router.post("/v1/heartbeat/start", Guard.Rule.CALLER).handler(this::start);
    router.post("/v1/heartbeat/stop", Guard.Rule.CALLER).handler(this::stop);
    router.post("/v1/heartbeat", Guard.Rule.CALLER).handler(this::beat);
    router.get("/v1/sessions", Guard.Rule.ADMIN).handler(this::list);
    router.post("/v1/sessions/purge", Guard.Rule.ADMIN).handler(this::purge);
    router.get("/v1/sessions/:id", Guard.Rule.ADMIN).handler(this::get);
  }

  private void start(RoutingContext ctx) {
    JsonObject meta = meta(ChannelRoutes.bodyText(ctx));
    Caller caller = Guard.caller(ctx);
    Guard.Presented presented = Guard.presented(ctx.request());
    SessionCredentials.Checked checked = presented == null || NEW.equals(presented.value()) ? null
        : guard.sessions().check(presented.value(), caller.userId());
    String credential;
    String sessionId;
    if (checked != null && checked.valid()) {
      credential = presented.value();
      sessionId = checked.sessionId();
    } else {
      // none, "new", made up, of a previous version, or another user's: a session of this caller's own
      SessionCredentials.Minted minted = guard.sessions().mint(caller.userId());
      credential = minted.credential();
      sessionId = minted.sessionId();
    }
    int maxPerClient = guard.settings().maxSessionsPerClient();
    presence.start(sessionId, caller.userId(), meta, caller.client(), maxPerClient).onSuccess(r -> {
      Cookie held = ctx.request().getCookie(COOKIE);
      if (held == null || !credential.equals(held.getValue())) {
        ctx.response().addCookie(Cookie.cookie(COOKIE, credential).setPath("/").setHttpOnly(true)
            .setSameSite(CookieSameSite.LAX).setSecure(ctx.request().isSSL()));
      }
      JsonObject reply = startJson(r);
      if (presented != null && presented.source() == Guard.Source.HEADER) {
        reply.put("sessionToken", credential);
      }
      Responses.json(ctx, 200, reply);
    }).onFailure(e -> Problems.send(ctx, tooMany(e, caller, maxPerClient), SERVICE));
  }

  /** A start refused by the presence service for the client's bound: a {@code 429} with {@code Retry-After}. */
  private Throwable tooMany(Throwable e, Caller caller, int max) {
    if (e instanceof ReplyException re && re.failureCode() == PresenceFailure.TOO_MANY) {
      guard.sessionRefusals().refused(caller.client(), max);
      long retry = options.expireDelay().plus(options.purgeDelay()).toSeconds();
      return AuthFailure.tooMany("too-many-sessions", "this " + (caller.authenticated() ? "user" : "address")
          + " already holds " + max + " sessions (auth.maxSessionsPerClient); stop one, or wait until an abandoned "
          + "one expires", retry);
    }
    return e;
  }

  /**
   * The public id of the session the request's credential names, for a beat or a stop: {@code null} when it
   * presents none Herald minted; a {@code 403} when the credential is another user's.
   */
  private String sessionToTouch(RoutingContext ctx) {
    Guard.Presented presented = Guard.presented(ctx.request());
    if (presented == null) {
      return null;
    }
    Caller caller = Guard.caller(ctx);
    SessionCredentials.Checked checked = guard.sessions().check(presented.value(), caller.userId());
    if (checked.verdict() == SessionCredentials.Verdict.OTHER_OWNER) {
      throw AuthFailure.forbidden("session-of-another-user", "this session belongs to another user; call POST "
          + "/v1/heartbeat/start to start a session of your own");
    }
    return checked.sessionId();
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
    String sessionId = sessionToTouch(ctx);
    if (sessionId == null) {
      throw notConnected("the request has no session credential Herald issued (the " + COOKIE + " cookie or the "
          + Guard.SESSION_HEADER + " header); call POST /v1/heartbeat/start first");
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
    String sessionId = sessionToTouch(ctx);
    if (sessionId == null) {
      Responses.noContent(ctx);
      return;
    }
    String client = Guard.caller(ctx).client();
    (leaving ? presence.leave(sessionId, client) : presence.stop(sessionId, client))
        .onSuccess(stopped -> Responses.noContent(ctx))
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
