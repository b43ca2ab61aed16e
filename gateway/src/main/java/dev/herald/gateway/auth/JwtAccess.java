package dev.herald.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.security.SignatureException;
import java.util.List;

/**
 * {@code auth.mode=jwt} (docs/http-api.md#access): finds the request's token — the {@code Authorization:
 * Bearer} header, else the {@code access_token} query parameter, else the {@code herald_token} cookie —
 * has vertx-auth-jwt verify it ({@link JwtKeys}: signature, {@code exp}/{@code nbf}/{@code iat} with the
 * leeway, issuer, audience) and reads Herald's claims into a {@link Caller}. A token naming a key Herald
 * does not hold makes it read the JWKS again (rate-limited) and try once more.
 *
 * <p>Claims: {@code sub} (required: the user), and either the flat claims {@code "herald.subscribe"},
 * {@code "herald.publish"}, {@code "herald.admin"} or the same under one object {@code "herald":
 * {"subscribe", "publish", "admin"}} (as Mercure's {@code mercure} claim) — not both.
 */
final class JwtAccess implements Access {
  static final String COOKIE = "herald_token";
  static final String QUERY = "access_token";
  private static final int MAX_SUB = 256;

  private final JwtKeys keys;
  private final long leewayMs;

  JwtAccess(JwtKeys keys, long leewayMs) {
    this.keys = keys;
    this.leewayMs = leewayMs;
  }

  @Override
  public String mode() {
    return "jwt";
  }

  @Override
  public void close() {
    keys.close();
  }

  @Override
  public Future<Caller> authenticate(HttpServerRequest request) {
    String token;
    try {
      token = token(request);
    } catch (AuthFailure f) {
      return Future.failedFuture(f);
    }
    TokenCredentials credentials = new TokenCredentials(token);
    JWTAuth auth = keys.current();
    return verify(auth, credentials)
        .recover(e -> e instanceof NoSuchKeyIdException
            ? keys.refreshed().compose(fresh -> fresh == auth ? Future.failedFuture(e) : verify(fresh, credentials))
            : Future.failedFuture(e))
        .transform(ar -> ar.succeeded() ? caller(ar.result()) : Future.failedFuture(classify(ar.cause())));
  }

  /**
   * vertx-auth-jwt's verdict; what it throws instead of failing (a claim of the wrong type, e.g. {@code "exp":
   * "tomorrow"}, throws from its expiry check) is a failure too, so a token can never make a 500.
   */
  private static Future<User> verify(JWTAuth auth, TokenCredentials credentials) {
    try {
      return auth.authenticate(credentials);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The token of the first source the request uses; {@code 401} when none has one. */
  static String token(HttpServerRequest request) {
    List<String> headers = request.headers().getAll("Authorization");
    if (headers.size() > 1) {
      throw AuthFailure.badRequest("invalid-header", "give the Authorization header once");
    }
    if (headers.size() == 1) {
      String value = headers.get(0).trim();
      if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7) || value.substring(7).isBlank()) {
        throw AuthFailure.invalid("token-malformed", "the Authorization header must be 'Bearer <token>'");
      }
      return value.substring(7).trim();
    }
    List<String> query = request.params().getAll(QUERY);
    if (query.size() > 1) {
      throw AuthFailure.badRequest("invalid-query", "the query parameter '" + QUERY + "' is given " + query.size()
          + " times; give it once");
    }
    if (query.size() == 1) {
      if (query.get(0).isEmpty()) {
        throw AuthFailure.invalid("token-malformed", "the " + QUERY + " query parameter is empty");
      }
      return query.get(0);
    }
    Cookie cookie = request.getCookie(COOKIE);
    if (cookie != null && !cookie.getValue().isEmpty()) {
      return cookie.getValue();
    }
    throw AuthFailure.missing("this needs a token (auth.mode=jwt): send 'Authorization: Bearer <token>', the "
        + QUERY + " query parameter (streams) or the " + COOKIE + " cookie");
  }

  private Future<Caller> caller(User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken");
    if (claims == null) {
      return Future.failedFuture(AuthFailure.invalid("token-malformed", "the token has no claims"));
    }
    try {
      Object sub = claims.getValue("sub");
      if (!(sub instanceof String s) || s.isEmpty() || s.length() > MAX_SUB) {
        throw claim("the token needs a 'sub' claim (the user id) of 1-" + MAX_SUB + " characters");
      }
      JsonObject nested = claims.getValue("herald") instanceof JsonObject o ? o : null;
      boolean flat = claims.containsKey("herald.subscribe") || claims.containsKey("herald.publish")
          || claims.containsKey("herald.admin");
      if (nested != null && flat) {
        throw claim("give Herald's claims either flat (\"herald.subscribe\", …) or under \"herald\", not both");
      }
      ChannelPatterns subscribe = patterns(claims, nested, "subscribe");
      ChannelPatterns publish = patterns(claims, nested, "publish");
      Object admin = nested != null ? nested.getValue("admin") : claims.getValue("herald.admin");
      if (admin != null && !(admin instanceof Boolean)) {
        throw claim("the herald.admin claim must be true or false");
      }
      Object exp = claims.getValue("exp");
      long expiresAt = exp instanceof Number n ? n.longValue() * 1000 + leewayMs : 0;
      return Future.succeededFuture(new Caller(s, "user:" + s, expiresAt, subscribe, publish,
          Boolean.TRUE.equals(admin)));
    } catch (AuthFailure f) {
      return Future.failedFuture(f);
    }
  }

  private static ChannelPatterns patterns(JsonObject claims, JsonObject nested, String name) {
    Object value = nested != null ? nested.getValue(name) : claims.getValue("herald." + name);
    try {
      return ChannelPatterns.parse(value);
    } catch (IllegalArgumentException e) {
      throw claim("the herald." + name + " claim " + e.getMessage());
    }
  }

  private static AuthFailure claim(String detail) {
    return AuthFailure.invalid("token-invalid-claims", detail);
  }

  /** What a failed verification means for the client. */
  static AuthFailure classify(Throwable e) {
    if (e instanceof AuthFailure f) {
      return f;
    }
    String message = String.valueOf(e.getMessage());
    if (e instanceof NoSuchKeyIdException) {
      return AuthFailure.invalid("token-unknown-key", "the token is signed with an algorithm or key id (kid) that "
          + "Herald has no key for");
    }
    if (e instanceof SignatureException) {
      return AuthFailure.invalid("token-bad-signature", "the token's signature does not verify");
    }
    if (message.contains("token expired")) {
      return AuthFailure.invalid("token-expired", "the token has expired (exp), or is not valid yet (nbf, iat)");
    }
    if (message.startsWith("Invalid JWT issuer")) {
      return AuthFailure.invalid("token-wrong-issuer", "the token's issuer (iss) is not auth.jwt.issuer");
    }
    if (message.startsWith("Invalid JWT audience")) {
      return AuthFailure.invalid("token-wrong-audience", "the token's audience (aud) is not one of auth.jwt.audience");
    }
    return AuthFailure.invalid("token-malformed", "the token is not a signed JSON Web Token (header.payload.signature, "
        + "base64url)");
  }
}
