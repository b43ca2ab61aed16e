package dev.herald.gateway;

import dev.herald.gateway.auth.Access;
import dev.herald.gateway.auth.Caller;
import dev.herald.gateway.auth.SessionCredentials;
import dev.herald.gateway.auth.SessionKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.herald.gateway.config.HeraldConfig;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The access layer of the HTTP edge (docs/http-api.md#access), shared by every gateway instance of a node:
 * every route is declared with a {@link Rule} ({@link Routes}), this class runs it before the route, and
 * what a caller may then do with channels and sessions is asked of its {@link Caller}. Routes ask; they do
 * not decide.
 *
 * <table>
 *   <caption>What each route needs</caption>
 *   <tr><th>route</th><th>rule</th><th>then</th></tr>
 *   <tr><td>{@code /health/*}, {@code /metrics}, {@code /}, {@code /herald.js}</td><td>OPEN</td><td>-</td></tr>
 *   <tr><td>{@code POST /v1/channels/{c}/events}, {@code POST /v1/events}</td><td>CALLER</td>
 *       <td>publish to every channel</td></tr>
 *   <tr><td>{@code GET /v1/channels/{c}/events}, {@code GET /v1/stream}</td><td>CALLER</td>
 *       <td>read every channel</td></tr>
 *   <tr><td>{@code POST /v1/heartbeat/start|stop}, {@code POST /v1/heartbeat}</td><td>CALLER</td>
 *       <td>the session belongs to the caller ({@link SessionCredentials})</td></tr>
 *   <tr><td>{@code /v1/sessions…}, {@code /v1/presence/stream}, {@code /v1/stats}</td><td>ADMIN</td><td>-</td></tr>
 * </table>
 *
 * <p>Session credentials: a request presents one in the {@value #SESSION_HEADER} header, else the
 * {@value #SESSION_QUERY} query parameter, else the {@value #SESSION_COOKIE} cookie — the first source
 * present is the one used.
 */
final class Guard {
  static final String SESSION_COOKIE = "herald_sid";
  static final String SESSION_HEADER = "Herald-Session";
  static final String SESSION_QUERY = "session";
  /**
   * The header the node's own readiness canary sends with {@link #canaryKey()}: a random value of this process
   * that never leaves it, so the canary's stream passes in jwt mode and counts against no bound.
   */
  static final String CANARY_HEADER = "Herald-Canary";
  private static final String CALLER_KEY = "herald.caller";
  /** The {@code Retry-After} of a stream refused by {@code auth.maxStreamsPerClient}. */
  static final long STREAMS_RETRY_AFTER_S = 10;
  private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

  /** What a route needs before it runs. */
  enum Rule {
    /** Anyone: health, metrics, the console's files. */
    OPEN,
    /** A known caller (jwt: a valid token); the route then asks the {@link Caller} about channels and sessions. */
    CALLER,
    /** A known caller with {@code herald.admin}. */
    ADMIN
  }

  /** Where a session credential came from. */
  enum Source { HEADER, QUERY, COOKIE }

  /** A session credential as presented: its text and where it came from. */
  record Presented(String value, Source source) {
  }

  private final Access access;
  private final SessionKeys keys;
  private final SessionCredentials sessions;
  private final HeraldConfig.Auth settings;
  private final ClientStreams streams;
  private final String canaryKey = newCanaryKey();
  private final String canaryChannel;
  private final Refusals sessionRefusals = new Refusals("sessions per client (auth.maxSessionsPerClient)");

  /** @param canaryChannel the channel of this node's readiness canary, the only one its key may read */
  Guard(Access access, SessionKeys keys, HeraldConfig.Auth settings, String canaryChannel) {
    this.canaryChannel = canaryChannel;
    this.access = access;
    this.keys = keys;
    this.sessions = new SessionCredentials(keys);
    this.settings = settings;
    this.streams = new ClientStreams(settings.maxStreamsPerClient(), STREAMS_RETRY_AFTER_S);
  }

  /** The node's log of starts refused by {@code auth.maxSessionsPerClient}. */
  Refusals sessionRefusals() {
    return sessionRefusals;
  }

  /** The node's count of open streams per client ({@code auth.maxStreamsPerClient}). */
  ClientStreams streams() {
    return streams;
  }

  /**
   * The access layer of a node: the {@code auth.mode} access (for {@code jwt}, once its keys are read) and the
   * session credentials under the key every node shares ({@link SessionKeys}: per process on memory stores,
   * in Redis otherwise).
   */
  static Future<Guard> start(Vertx vertx, HeraldConfig config, Stores stores, String canaryChannel) {
    Future<SessionKeys> keys = stores.redis() == null ? Future.succeededFuture(SessionKeys.local())
        : SessionKeys.shared(vertx, stores.redis(), config.name(), Stores.REDIS_TIMEOUT_MS)
            .recover(e -> Future.failedFuture("cannot read the session key in Redis at " + stores.description()
                + ": " + e.getMessage()));
    return keys.compose(k -> Access.create(vertx, config.auth()).onFailure(e -> k.close()).map(access -> {
      if (access.mode().equals("jwt")) {
        LOG.info("auth.mode=jwt: tokens verified with {}", keySources(config.auth()));
      }
      return new Guard(access, k, config.auth(), canaryChannel);
    }));
  }

  /** The kinds of keys configured, for the log (never a key). */
  private static String keySources(HeraldConfig.Auth auth) {
    List<String> kinds = new java.util.ArrayList<>();
    if (auth.secret() != null) {
      kinds.add("an HS256 secret");
    }
    if (!auth.publicKeys().isEmpty()) {
      kinds.add(auth.publicKeys().size() + " public key(s)");
    }
    if (auth.jwks() != null) {
      kinds.add("the JWKS at " + auth.jwks());
    }
    return String.join(", ", kinds) + (auth.issuer() == null ? "" : ", issuer " + auth.issuer())
        + (auth.audience().isEmpty() ? "" : ", audience " + auth.audience());
  }

  SessionCredentials sessions() {
    return sessions;
  }

  HeraldConfig.Auth settings() {
    return settings;
  }

  /** The handler that applies {@code rule} and stores the caller for the route; {@code null} for OPEN. */
  Handler<RoutingContext> handler(Rule rule) {
    if (rule == Rule.OPEN) {
      return null;
    }
    return ctx -> {
      String canary = ctx.request().getHeader(CANARY_HEADER);
      if (canary != null && java.security.MessageDigest.isEqual(canary.getBytes(java.nio.charset.StandardCharsets
          .US_ASCII), canaryKey.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
        ctx.put(CALLER_KEY, Caller.node(canaryChannel));
        ctx.next();
        return;
      }
      authenticate(ctx, rule);
    };
  }

  private void authenticate(RoutingContext ctx, Rule rule) {
    access.authenticate(ctx.request()).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      Caller caller = ar.result();
      if (rule == Rule.ADMIN) {
        try {
          caller.requireAdmin();
        } catch (RuntimeException e) {
          ctx.fail(e);
          return;
        }
      }
      ctx.put(CALLER_KEY, caller);
      ctx.next();
    });
  }

  /** The value the node's canary sends in {@value #CANARY_HEADER}. */
  String canaryKey() {
    return canaryKey;
  }

  private static String newCanaryKey() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(key);
  }

  /** The caller a {@link Rule#CALLER} or {@link Rule#ADMIN} route runs for. */
  static Caller caller(RoutingContext ctx) {
    Caller caller = ctx.get(CALLER_KEY);
    if (caller == null) {
      throw new IllegalStateException("route " + ctx.currentRoute().getPath() + " declared no access rule");
    }
    return caller;
  }

  /**
   * The session credential {@code request} presents, or {@code null}: the {@value #SESSION_HEADER} header,
   * else the {@value #SESSION_QUERY} query parameter, else the {@value #SESSION_COOKIE} cookie.
   */
  static Presented presented(HttpServerRequest request) {
    String header = request.getHeader(SESSION_HEADER);
    if (header != null) {
      return new Presented(header.trim(), Source.HEADER);
    }
    List<String> query = request.params().getAll(SESSION_QUERY);
    if (query.size() > 1) {
      throw Problem.invalidQuery("the query parameter '" + SESSION_QUERY + "' is given " + query.size()
          + " times; give it once");
    }
    if (query.size() == 1) {
      return new Presented(query.get(0), Source.QUERY);
    }
    Cookie cookie = request.getCookie(SESSION_COOKIE);
    return cookie == null ? null : new Presented(cookie.getValue(), Source.COOKIE);
  }

  /** The public id of the session {@code request} presents a valid credential of, for {@code caller}; else null. */
  String sessionOf(HttpServerRequest request, Caller caller) {
    Presented p = presented(request);
    if (p == null) {
      return null;
    }
    SessionCredentials.Checked checked = sessions.check(p.value(), caller.userId());
    return checked.valid() ? checked.sessionId() : null;
  }

  /** Stops background work: JWKS refreshes and the session key's checks. */
  void close() {
    access.close();
    keys.close();
  }
}
