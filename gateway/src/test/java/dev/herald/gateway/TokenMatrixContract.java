package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code auth.mode=jwt} on the wire (docs/http-api.md#access, G8): every route × every kind of token. Routes
 * that need a token answer {@code 401} problem+json with {@code WWW-Authenticate: Bearer …} for a missing,
 * malformed, badly signed, expired, wrong-issuer or wrong-audience token, and {@code 403} for a valid token
 * that may not; what is refused changes nothing. Health and metrics answer whatever the token. The token
 * travels by each of its three ways (header, {@code access_token}, {@code herald_token} cookie). One node per
 * store, started by the subclass.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class TokenMatrixContract {
  static final String SECRET = "matrix-secret-0123456789-abcdefghijklmnop";

  static TestNode.Running it;
  private static Tokens tokens;
  /** A session credential of bob, another user. */
  private static String bobSession;

  /** The node's settings: jwt with an HS256 secret, an issuer, an audience, a 1 s leeway. */
  static Map<String, Object> jwt() {
    return Map.of("auth.mode", "jwt", "auth.jwt.secret", SECRET, "auth.jwt.issuer", Tokens.ISSUER,
        "auth.jwt.audience", Tokens.AUDIENCE, "auth.jwt.leeway", "1s");
  }

  /** Called by the subclass's {@code @BeforeAll} once {@link #it} runs. */
  static void ready(Vertx vertx) {
    tokens = Tokens.hs256(vertx, SECRET);
    Reply bob = api().post("/v1/heartbeat/start", null, "Authorization", "Bearer " + bobToken(), "Herald-Session", "new");
    assertEquals(200, bob.statusCode(), bob::bodyAsString);
    bobSession = bob.bodyAsJsonObject().getString("sessionToken");
    // readiness needs no token, and its delivery canary (a stream of the node to itself) passes in jwt mode
    GapTest.waitUntil(vertx, () -> api().get("/health/ready").statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    if (it != null) {
      it.stop();
      it = null;
    }
  }

  private static Api api() {
    return it.api();
  }

  enum Kind { NONE, MALFORMED, BAD_SIGNATURE, EXPIRED, WRONG_ISSUER, WRONG_AUDIENCE, ALLOWED, NOT_ALLOWED }

  /** How a route carries its token. */
  enum Way { HEADER, QUERY, COOKIE }

  /** An answer, from a plain request or a stream. */
  record Answer(int status, String wwwAuthenticate, String contentType, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** ada: may read and publish {@code m-*}, not an admin. */
  private static JsonObject ada() {
    return Tokens.claims("ada", 300, List.of("m-*"), List.of("m-*"), false);
  }

  private static String adaToken() {
    return tokens.sign(ada());
  }

  private static String rootToken() {
    return tokens.sign(Tokens.claims("root", 300, List.of("*"), List.of("*"), true));
  }

  private static String bobToken() {
    return tokens.sign(Tokens.claims("bob", 300, List.of("b-*"), List.of("b-*"), false));
  }

  /** The token of {@code kind} for a route that ada may use ({@code adminRoute}: she may not) . */
  private static String token(Kind kind, boolean adminRoute) {
    long now = System.currentTimeMillis() / 1000;
    return switch (kind) {
      case NONE -> null;
      case MALFORMED -> "not-a.jwt";
      case BAD_SIGNATURE -> Tokens.hs256(it.vertx(), SECRET.replace('m', 'M')).sign(ada());
      case EXPIRED -> tokens.sign(ada().put("exp", now - 60));
      case WRONG_ISSUER -> tokens.sign(ada().put("iss", "https://elsewhere.test"));
      case WRONG_AUDIENCE -> tokens.sign(ada().put("aud", "another-service"));
      case ALLOWED -> adminRoute ? rootToken() : adaToken();
      case NOT_ALLOWED -> adminRoute ? adaToken() : bobToken();
    };
  }

  private static String[] headers(Way way, String token, String... more) {
    List<String> h = new ArrayList<>(List.of(more));
    if (token != null && way == Way.HEADER) {
      h.add("Authorization");
      h.add("Bearer " + token);
    } else if (token != null && way == Way.COOKIE) {
      h.add("Cookie");
      h.add("herald_token=" + token);
    }
    return h.toArray(new String[0]);
  }

  private static String uri(Way way, String path, String token) {
    if (token == null || way != Way.QUERY) {
      return path;
    }
    return path + (path.contains("?") ? "&" : "?") + "access_token=" + token;
  }

  private static Answer plain(Reply r) {
    return new Answer(r.statusCode(), r.getHeader("WWW-Authenticate"), r.getHeader("Content-Type"), r.bodyAsString());
  }

  private static Answer get(Way way, String path, String token, String... more) {
    return plain(api().get(uri(way, path, token), headers(way, token, more)));
  }

  private static Answer post(Way way, String path, String body, String token, String... more) {
    return plain(api().post(uri(way, path, token), body, headers(way, token, more)));
  }

  private static Answer stream(Way way, String path, String token) {
    Map<String, String> h = new java.util.HashMap<>();
    String[] flat = headers(way, token);
    for (int i = 0; i < flat.length; i += 2) {
      h.put(flat[i], flat[i + 1]);
    }
    SseTestClient c = Streams.open(it.vertx(), it.port(), uri(way, path, token), h);
    try {
      if (c.status() == 200) {
        TestNode.await(c.awaitComments(1, Streams.WAIT));
        return new Answer(200, null, c.header("Content-Type"), "");
      }
      TestNode.await(c.awaitEnd(Streams.WAIT));
      return new Answer(c.status(), c.header("WWW-Authenticate"), c.header("Content-Type"), c.body());
    } finally {
      Streams.close(c);
    }
  }

  /** The number of events {@code channel} holds, read with an admin token. */
  private static int stored(String channel) {
    Reply r = api().get("/v1/channels/" + channel + "/events", "Authorization", "Bearer " + rootToken());
    assertEquals(200, r.statusCode(), r::bodyAsString);
    return r.bodyAsJsonObject().getJsonArray("events").size();
  }

  /** A session credential of ada's own (started with her token). */
  private static String adaSession() {
    Reply r = api().post("/v1/heartbeat/start", null, "Authorization", "Bearer " + adaToken(), "Herald-Session", "new");
    assertEquals(200, r.statusCode(), r::bodyAsString);
    return r.bodyAsJsonObject().getString("sessionToken");
  }

  /** Every route, what it answers a token that may, and what a valid token that may not. */
  enum Route {
    PUBLISH(201, 403, false) {
      @Override
      Answer call(Kind kind, String token, String tag) {
        Answer a = post(Way.HEADER, "/v1/channels/m-" + tag + "/events", "{\"data\":1}", token,
            "Content-Type", "application/json");
        assertEquals(a.status() == 201 ? 1 : 0, stored("m-" + tag), "stored only when allowed");
        return a;
      }
    },
    BATCH(201, 403, false) {
      @Override
      Answer call(Kind kind, String token, String tag) {
        String other = kind == Kind.NOT_ALLOWED ? "b-" + tag : "m-" + tag + "-2";
        Answer a = post(Way.COOKIE, "/v1/events", "[{\"channel\":\"m-" + tag + "\",\"data\":1},{\"channel\":\""
            + other + "\",\"data\":2}]", token, "Content-Type", "application/json");
        assertEquals(a.status() == 201 ? 1 : 0, stored("m-" + tag), "all or nothing");
        return a;
      }
    },
    HISTORY(200, 403, false) {
      @Override
      Answer call(Kind kind, String token, String tag) {
        return get(Way.COOKIE, "/v1/channels/m-" + tag + "/events", token);
      }
    },
    STREAM(200, 403, false) {
      @Override
      Answer call(Kind kind, String token, String tag) {
        return stream(Way.QUERY, "/v1/stream?channel=m-" + tag + "&channel=m-" + tag + "-b", token);
      }
    },
    PRESENCE_STREAM(200, 403, true) {
      @Override
      Answer call(Kind kind, String token, String tag) {
        return stream(Way.QUERY, "/v1/presence/stream", token);
      }
    },
    HEARTBEAT_START(200, 200, false) {
      @Override
      Answer call(Kind kind, String token, String tag) {
        String session = kind == Kind.NOT_ALLOWED ? adaSession() : null;
        Answer a = post(Way.HEADER, "/v1/heartbeat/start", null, token, "Herald-Session", session == null ? "new"
            : session);
        if (kind == Kind.NOT_ALLOWED) {
          // bob with ada's credential: a session of bob's own, never ada's
          assertNotEquals(session, a.json().getString("sessionToken"));
          assertEquals("connect", a.json().getString("state"));
        }
        return a;
      }
    },
    HEARTBEAT_BEAT(204, 403, false) {
      @Override
      Answer call(Kind kind, String token, String tag) {
        return post(Way.HEADER, "/v1/heartbeat", null, token, "Herald-Session", adaSession());
      }
    },
    HEARTBEAT_STOP(204, 403, false) {
      @Override
      Answer call(Kind kind, String token, String tag) {
        String session = adaSession();
        return post(Way.QUERY, "/v1/heartbeat/stop?session=" + session, "bye", token, "Content-Type", "text/plain");
      }
    },
    SESSIONS(200, 403, true) {
      @Override
      Answer call(Kind kind, String token, String tag) {
        return get(Way.HEADER, "/v1/sessions?limit=5", token);
      }
    },
    SESSION(200, 403, true) {
      @Override
      Answer call(Kind kind, String token, String tag) {
        Reply bob = api().post("/v1/heartbeat/start", null, "Authorization", "Bearer " + bobToken(),
            "Herald-Session", bobSession);
        return get(Way.HEADER, "/v1/sessions/" + bob.bodyAsJsonObject().getString("sessionId"), token);
      }
    },
    PURGE(200, 403, true) {
      @Override
      Answer call(Kind kind, String token, String tag) {
        return post(Way.HEADER, "/v1/sessions/purge", null, token);
      }
    },
    STATS(200, 403, true) {
      @Override
      Answer call(Kind kind, String token, String tag) {
        return get(Way.COOKIE, "/v1/stats", token);
      }
    },
    LIVE(200, 200, false) {
      @Override
      Answer call(Kind kind, String token, String tag) {
        return get(Way.HEADER, "/health/live", token);
      }
    },
    METRICS(200, 200, false) {
      @Override
      Answer call(Kind kind, String token, String tag) {
        return get(Way.QUERY, "/metrics", token);
      }
    },
    CONSOLE(200, 200, false) {
      @Override
      Answer call(Kind kind, String token, String tag) {
        return get(Way.COOKIE, "/", token);
      }
    };

    final int allowed;
    final int notAllowed;
    final boolean admin;

    Route(int allowed, int notAllowed, boolean admin) {
      this.allowed = allowed;
      this.notAllowed = notAllowed;
      this.admin = admin;
    }

    boolean open() {
      return this == LIVE || this == METRICS || this == CONSOLE;
    }

    /** Calls the route with {@code token} (of {@code kind}); {@code tag} makes its channels its own. */
    abstract Answer call(Kind kind, String token, String tag);
  }

  static Stream<Arguments> matrix() {
    List<Arguments> all = new ArrayList<>();
    for (Route r : Route.values()) {
      for (Kind k : Kind.values()) {
        all.add(Arguments.of(r, k));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("matrix")
  void everyRouteDecides(Route route, Kind kind) {
    String tag = route.name().toLowerCase().replace('_', '-') + "-" + kind.name().toLowerCase().replace('_', '-');
    Answer a = route.call(kind, token(kind, route.admin), tag);
    if (route.open()) {
      assertEquals(200, a.status(), a::body);
      return;
    }
    switch (kind) {
      case ALLOWED -> assertEquals(route.allowed, a.status(), a::body);
      case NOT_ALLOWED -> {
        assertEquals(route.notAllowed, a.status(), a::body);
        if (a.status() == 403) {
          assertEquals("application/problem+json", a.contentType());
          assertEquals(403, a.json().getInteger("status"));
          assertNull(a.wwwAuthenticate());
        }
      }
      default -> {
        assertEquals(401, a.status(), a::body);
        assertEquals("application/problem+json", a.contentType());
        String slug = switch (kind) {
          case NONE -> "token-missing";
          case MALFORMED -> "token-malformed";
          case BAD_SIGNATURE -> "token-bad-signature";
          case EXPIRED -> "token-expired";
          case WRONG_ISSUER -> "token-wrong-issuer";
          case WRONG_AUDIENCE -> "token-wrong-audience";
          default -> throw new IllegalStateException();
        };
        JsonObject problem = a.json();
        assertEquals("urn:herald:problem:" + slug, problem.getString("type"), a::body);
        assertEquals(401, problem.getInteger("status"));
        if (kind == Kind.NONE) {
          assertEquals("Bearer realm=\"herald\"", a.wwwAuthenticate());
        } else {
          assertTrue(a.wwwAuthenticate().startsWith("Bearer realm=\"herald\", error=\"invalid_token\", "
              + "error_description=\""), a.wwwAuthenticate());
        }
      }
    }
  }
}
