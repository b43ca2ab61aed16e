package dev.herald.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;

/**
 * An issuer of JSON Web Tokens for tests, as an identity provider would sign them: with vertx-auth-jwt, the
 * same library a real application server would use — never Herald's own code.
 */
final class Tokens {
  static final String ISSUER = "https://issuer.test";
  static final String AUDIENCE = "herald-test";

  private final JWTAuth signer;
  private final String algorithm;

  private Tokens(JWTAuth signer, String algorithm) {
    this.signer = signer;
    this.algorithm = algorithm;
  }

  /** Signs HS256 with {@code secret}. */
  static Tokens hs256(Vertx vertx, String secret) {
    return new Tokens(JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer(secret))), "HS256");
  }

  /** Signs with {@code keys}'s private key under {@code kid} (null: no kid header). */
  static Tokens of(Vertx vertx, Keys keys, String kid) {
    return new Tokens(JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm(keys.algorithm).setBuffer(keys.privatePem()).setId(kid))), keys.algorithm);
  }

  /** A token with these claims as they are (no exp, iss or aud added). */
  String sign(JsonObject claims) {
    return signer.generateToken(claims.copy(), new JWTOptions().setAlgorithm(algorithm));
  }

  /**
   * Claims of a user: {@code sub}, {@code exp} in {@code ttlSeconds}, the test issuer and audience, and Herald's
   * claims when not null.
   */
  static JsonObject claims(String sub, long ttlSeconds, List<String> subscribe, List<String> publish, boolean admin) {
    JsonObject c = new JsonObject().put("sub", sub).put("exp", System.currentTimeMillis() / 1000 + ttlSeconds)
        .put("iss", ISSUER).put("aud", AUDIENCE);
    if (subscribe != null) {
      c.put("herald.subscribe", new JsonArray(subscribe));
    }
    if (publish != null) {
      c.put("herald.publish", new JsonArray(publish));
    }
    if (admin) {
      c.put("herald.admin", true);
    }
    return c;
  }

  /** A key pair of an identity provider, with its public key as PEM and as a JWK. */
  static final class Keys {
    final String algorithm;
    final KeyPair pair;

    private Keys(String algorithm, KeyPair pair) {
      this.algorithm = algorithm;
      this.pair = pair;
    }

    static Keys rsa() {
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return new Keys("RS256", g.generateKeyPair());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    static Keys ec() {
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return new Keys("ES256", g.generateKeyPair());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    String publicPem() {
      return pem("PUBLIC KEY", pair.getPublic().getEncoded());
    }

    String privatePem() {
      return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    }

    /** The public key as a JWK with {@code kid}. */
    JsonObject jwk(String kid) {
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      if (pair.getPublic() instanceof RSAPublicKey rsa) {
        return new JsonObject().put("kty", "RSA").put("kid", kid).put("alg", "RS256").put("use", "sig")
            .put("n", b64.encodeToString(unsigned(rsa.getModulus())))
            .put("e", b64.encodeToString(unsigned(rsa.getPublicExponent())));
      }
      ECPublicKey ec = (ECPublicKey) pair.getPublic();
      return new JsonObject().put("kty", "EC").put("kid", kid).put("alg", "ES256").put("use", "sig").put("crv", "P-256")
          .put("x", b64.encodeToString(fixed(ec.getW().getAffineX(), 32)))
          .put("y", b64.encodeToString(fixed(ec.getW().getAffineY(), 32)));
    }

    private static byte[] unsigned(BigInteger n) {
      byte[] b = n.toByteArray();
      return b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static byte[] fixed(BigInteger n, int len) {
      byte[] b = unsigned(n);
      byte[] out = new byte[len];
      System.arraycopy(b, 0, out, len - b.length, b.length);
      return out;
    }

    private static String pem(String type, byte[] der) {
      return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
          + "\n-----END " + type + "-----\n";
    }
  }
}
