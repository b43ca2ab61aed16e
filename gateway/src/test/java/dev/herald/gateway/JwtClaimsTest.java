package dev.herald.gateway;

import static dev.herald.gateway.Api.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a token's claims mean (docs/http-api.md#access): channel patterns, the flat and the nested form of
 * Herald's claims, the leeway, and tokens whose claims or form cannot be used — every one a 401, never a 500.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JwtClaimsTest {
  private static final String SECRET = "claims-secret-0123456789-abcdefghijklmnop";
  private static TestNode.Running it;
  private static Tokens tokens;

  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, Map.of("auth.mode", "jwt", "auth.jwt.secret", SECRET, "auth.jwt.leeway", "30s"));
    tokens = Tokens.hs256(vertx, SECRET);
  }

  @AfterAll
  static void stop() {
    it.stop();
  }

  private static Reply read(String channel, String token) {
    return it.api().get("/v1/channels/" + channel + "/events", "Authorization", "Bearer " + token);
  }

  private static JsonObject user(Object subscribe) {
    JsonObject c = new JsonObject().put("sub", "ada").put("exp", System.currentTimeMillis() / 1000 + 300);
    return subscribe == null ? c : c.put("herald.subscribe", subscribe);
  }

  @Test
  void patternsMatchRunsOfNameCharacters() {
    String token = tokens.sign(user(new JsonArray(List.of("chat:*", "news", "a*b*c"))));
    for (String ok : List.of("chat:", "chat:room-1", "chat:a.b@c", "news", "abc", "a-x-b-y-c")) {
      assertEquals(200, read(ok, token).statusCode(), ok);
    }
    for (String no : List.of("chat", "chatx", "news2", "xnews", "ab", "acb")) {
      assertProblem(read(no, token), 403, "subscribe-not-allowed");
    }
    String one = tokens.sign(user("solo"));
    assertEquals(200, read("solo", one).statusCode(), "a single string is a list of one");
    String all = tokens.sign(user(new JsonArray(List.of("*"))));
    assertEquals(200, read("anything.at-all", all).statusCode());
    String none = tokens.sign(user(null));
    assertProblem(read("news", none), 403, "subscribe-not-allowed");
  }

  @Test
  void theNestedFormAsMercureHasIt() {
    JsonObject nested = user(null).put("herald", new JsonObject().put("subscribe", new JsonArray().add("n-*"))
        .put("admin", true));
    String token = tokens.sign(nested);
    assertEquals(200, read("n-1", token).statusCode());
    assertEquals(200, it.api().get("/v1/sessions", "Authorization", "Bearer " + token).statusCode());
    String both = tokens.sign(nested.copy().put("herald.publish", new JsonArray().add("*")));
    assertProblem(read("n-1", both), 401, "token-invalid-claims");
  }

  @Test
  void theLeewayForgivesSmallClockSkew() {
    long now = System.currentTimeMillis() / 1000;
    assertEquals(200, read("news", tokens.sign(user("news").put("exp", now - 10))).statusCode());
    assertEquals(200, read("news", tokens.sign(user("news").put("nbf", now + 10))).statusCode());
    assertProblem(read("news", tokens.sign(user("news").put("exp", now - 60))), 401, "token-expired");
    assertProblem(read("news", tokens.sign(user("news").put("nbf", now + 60))), 401, "token-expired");
  }

  @Test
  void unusableTokensAre401NeverA500() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String unsigned = b64.encodeToString("{\"alg\":\"none\"}".getBytes()) + "."
        + b64.encodeToString(user("news").encode().getBytes()) + ".";
    String unsignedTwo = unsigned.substring(0, unsigned.length() - 1);
    for (String bad : List.of(unsigned, unsignedTwo, "a.b.c", "....", "x", "%%%", b64.encodeToString("{}".getBytes())
        + ".e30.sig")) {
      assertEquals(401, read("news", bad).statusCode(), bad);
    }
    Map<String, JsonObject> claims = Map.of(
        "no sub", user("news").copy().putNull("sub"),
        "numeric sub", user("news").put("sub", 42),
        "long sub", user("news").put("sub", "s".repeat(257)),
        "subscribe not a list", user(new JsonObject().put("a", 1)),
        "a bad pattern", user(new JsonArray().add("chat/*")),
        "a non-string pattern", user(new JsonArray().add(7)),
        "admin not a boolean", user("news").put("herald.admin", "yes"));
    claims.forEach((what, c) -> assertProblem(read("news", tokens.sign(c)), 401, "token-invalid-claims"));
    assertProblem(read("news", tokens.sign(user("news").put("exp", "tomorrow"))), 401, "token-malformed");
    assertProblem(read("news", tokens.sign(user("news").put("nbf", new JsonArray()))), 401, "token-malformed");
    assertProblem(it.api().get("/v1/channels/news/events", "Authorization", "Basic YTpi"), 401, "token-malformed");
    assertProblem(it.api().get("/v1/channels/news/events?access_token=a&access_token=b"), 400, "invalid-query");
  }
}
