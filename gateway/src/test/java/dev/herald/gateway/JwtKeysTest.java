package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.gateway.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where Herald's keys come from (docs/operations.md#access): RS256 key rotation through a JWKS served by a
 * real HTTP server (read again on an unknown {@code kid}, rate-limited, kept when the server fails), several
 * PEM public keys (RSA and EC) at once, a JWKS file, and the start-up refusals that name the key.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JwtKeysTest {

  /** A JWKS endpoint: serves whatever {@link #keys} holds, counts its reads, answers 500 when {@link #broken}. */
  static final class JwksServer {
    final AtomicReference<JsonArray> keys = new AtomicReference<>(new JsonArray());
    final AtomicInteger reads = new AtomicInteger();
    volatile boolean broken;
    final HttpServer server;

    JwksServer(Vertx vertx) {
      server = TestNode.await(vertx.createHttpServer().requestHandler(req -> {
        reads.incrementAndGet();
        if (broken) {
          req.response().setStatusCode(500).end("down");
        } else {
          req.response().putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("keys", keys.get()).encode());
        }
      }).listen(0, "127.0.0.1"));
    }

    String url() {
      return "http://127.0.0.1:" + server.actualPort() + "/.well-known/jwks.json";
    }

    void serve(JsonObject... jwks) {
      keys.set(new JsonArray(List.of((Object[]) jwks)));
    }
  }

  private static String token(Vertx vertx, Tokens.Keys keys, String kid) {
    return Tokens.of(vertx, keys, kid).sign(Tokens.claims("ada", 300, List.of("k-*"), List.of(), false));
  }

  /** GET a history with {@code token}: 200 when it verifies. */
  private static Reply read(TestNode.Running it, String token) {
    return it.api().get("/v1/channels/k-1/events", "Authorization", "Bearer " + token);
  }

  /** Polls until {@code token} is accepted (the key set is read again at most every 5 s). */
  private static void acceptedSoon(Vertx vertx, TestNode.Running it, String token) {
    GapTest.waitUntil(vertx, () -> read(it, token).statusCode() == 200);
  }

  @Test
  void anRs256KeyRotationThroughAServedJwks(Vertx vertx) {
    JwksServer jwks = new JwksServer(vertx);
    Tokens.Keys k1 = Tokens.Keys.rsa();
    Tokens.Keys k2 = Tokens.Keys.rsa();
    Tokens.Keys k3 = Tokens.Keys.ec();
    jwks.serve(k1.jwk("k1"));
    TestNode.Running it = TestNode.run(vertx, Map.of("auth.mode", "jwt", "auth.jwt.jwks", jwks.url()));
    try {
      assertEquals(200, read(it, token(vertx, k1, "k1")).statusCode());
      String byK2 = token(vertx, k2, "k2");
      Api.assertProblem(read(it, byK2), 401, "token-unknown-key");

      // the provider publishes the next key, then signs with it: Herald reads the set again on the unknown kid
      jwks.serve(k1.jwk("k1"), k2.jwk("k2"));
      acceptedSoon(vertx, it, byK2);
      assertEquals(200, read(it, token(vertx, k1, "k1")).statusCode(), "both keys during the rotation");

      // made-up key ids cannot make Herald hammer the key server: one read per 5 s at most
      int before = jwks.reads.get();
      for (int i = 0; i < 30; i++) {
        Api.assertProblem(read(it, token(vertx, k2, "made-up-" + i)), 401, "token-unknown-key");
      }
      assertTrue(jwks.reads.get() - before <= 1, "reads during the burst: " + (jwks.reads.get() - before));

      // the old key withdrawn (and an EC key added): tokens of the old key stop working
      jwks.serve(k2.jwk("k2"), k3.jwk("k3"));
      acceptedSoon(vertx, it, token(vertx, k3, "k3"));
      Api.assertProblem(read(it, token(vertx, k1, "k1")), 401, "token-unknown-key");

      // a key server that fails changes nothing: the keys held stay
      jwks.broken = true;
      int failedFrom = jwks.reads.get();
      GapTest.waitUntil(vertx, () -> {
        read(it, token(vertx, k3, "unknown-" + UUID.randomUUID()));
        return jwks.reads.get() > failedFrom;
      });
      assertEquals(200, read(it, token(vertx, k2, "k2")).statusCode());
      assertEquals(200, read(it, token(vertx, k3, "k3")).statusCode());
    } finally {
      it.stop();
      TestNode.await(jwks.server.close());
    }
  }

  @Test
  void severalPemKeysAndAJwksFile(Vertx vertx, @TempDir Path dir) throws Exception {
    Tokens.Keys rsa = Tokens.Keys.rsa();
    Tokens.Keys ec = Tokens.Keys.ec();
    Tokens.Keys stranger = Tokens.Keys.rsa();
    Path ecFile = Files.writeString(dir.resolve("ec.pem"), ec.publicPem());
    TestNode.Running it = TestNode.run(vertx, Map.of("auth.mode", "jwt",
        "auth.jwt.publicKeys", List.of(rsa.publicPem(), ecFile.toString())));
    try {
      assertEquals(200, read(it, token(vertx, rsa, null)).statusCode());
      assertEquals(200, read(it, token(vertx, ec, null)).statusCode());
      Api.assertProblem(read(it, token(vertx, stranger, null)), 401, "token-bad-signature");
      // the RSA public key used as an HS256 secret (algorithm confusion) verifies nothing
      String confused = Tokens.hs256(vertx, rsa.publicPem()).sign(Tokens.claims("ada", 300, List.of("k-*"),
          List.of(), false));
      Api.assertProblem(read(it, confused), 401, "token-unknown-key");
    } finally {
      it.stop();
    }

    Path jwksFile = dir.resolve("jwks.json");
    Files.writeString(jwksFile, new JsonObject().put("keys", new JsonArray().add(rsa.jwk("a"))).encode());
    TestNode.Running fromFile = TestNode.run(vertx, Map.of("auth.mode", "jwt", "auth.jwt.jwks", jwksFile.toString()));
    try {
      assertEquals(200, read(fromFile, token(vertx, rsa, "a")).statusCode());
      Files.writeString(jwksFile, new JsonObject().put("keys", new JsonArray().add(rsa.jwk("a")).add(ec.jwk("b")))
          .encode());
      acceptedSoon(vertx, fromFile, token(vertx, ec, "b"));
    } finally {
      fromFile.stop();
    }
  }

  @Test
  void keysThatCannotBeUsedStopTheStartNamingTheKey(Vertx vertx, @TempDir Path dir) throws Exception {
    ConfigException unreachable = assertThrows(ConfigException.class, () -> TestNode.start(vertx,
        Map.of("auth.mode", "jwt", "auth.jwt.jwks", "http://127.0.0.1:9/jwks.json")));
    assertEquals("auth.jwt.jwks", unreachable.key());
    ConfigException notAKey = assertThrows(ConfigException.class, () -> TestNode.start(vertx,
        Map.of("auth.mode", "jwt", "auth.jwt.publicKeys", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")));
    assertEquals("auth.jwt.publicKeys", notAKey.key());
    ConfigException missing = assertThrows(ConfigException.class, () -> TestNode.start(vertx,
        Map.of("auth.mode", "jwt", "auth.jwt.publicKeys", dir.resolve("absent.pem").toString())));
    assertTrue(missing.getMessage().contains("cannot read the PEM file"), missing.getMessage());
    // a JWKS with no key Herald can use would leave the library accepting unsigned tokens: refused
    Path useless = Files.writeString(dir.resolve("useless.json"),
        "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"x\",\"use\":\"enc\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}");
    ConfigException none = assertThrows(ConfigException.class, () -> TestNode.start(vertx,
        Map.of("auth.mode", "jwt", "auth.jwt.jwks", useless.toString())));
    assertTrue(none.getMessage().contains("no usable key"), none.getMessage());
  }
}
