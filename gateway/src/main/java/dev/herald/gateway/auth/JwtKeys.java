package dev.herald.gateway.auth;

import dev.herald.gateway.config.ConfigException;
import dev.herald.gateway.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys tokens are verified with ({@code auth.jwt.*}, docs/operations.md#access), as one vertx-auth-jwt
 * {@link JWTAuth}: the HS256 {@code secret}, the RS256 or ES256 {@code publicKeys} (PEM text or PEM files,
 * several at once for a rotation), and the keys of the {@code jwks} (a JWKS file or an {@code http(s)} URL).
 *
 * <p>The JWKS is read when the node starts, again every {@value #PERIODIC_REFRESH_MS} ms, and again at once
 * when a token names a key it does not hold (a rotation), at most once per {@value #MIN_REFRESH_MS} ms
 * whatever the tokens say, so made-up key ids cannot make Herald hammer the key server. A refresh that
 * fails keeps the keys held. Reads are asynchronous and keys are parsed on a worker: no event loop waits.
 *
 * <p>A key set without one usable key would leave vertx-auth-jwt in its "unsecured" mode, which accepts
 * unsigned tokens: every key set is probed with an unsigned token before it is used, and one that accepts
 * it is refused (at start-up: the node does not start; on a refresh: the keys held stay).
 */
final class JwtKeys {
  /** The JWKS is read again at most this often when tokens name unknown keys. */
  static final long MIN_REFRESH_MS = 5_000;
  /** A JWKS URL or file is read again this often anyway (keys withdrawn from it stop working). */
  static final long PERIODIC_REFRESH_MS = 5 * 60_000;
  /** A JWKS larger than this is refused. */
  static final int MAX_JWKS_BYTES = 1024 * 1024;
  /** An unsigned token ({@code {"alg":"none"}.{"sub":"probe"}}): a usable key set refuses it. */
  private static final String UNSIGNED_PROBE = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJwcm9iZSJ9";
  private static final Logger LOG = LoggerFactory.getLogger(JwtKeys.class);

  private final Vertx vertx;
  private final JWTOptions options;
  private final List<PubSecKeyOptions> fixed;
  private final JwksSource jwks;
  private volatile JWTAuth auth;
  private volatile long readAt;
  private Future<JWTAuth> reading;
  private long timer = -1;
  private boolean failing;

  private JwtKeys(Vertx vertx, JWTOptions options, List<PubSecKeyOptions> fixed, JwksSource jwks) {
    this.vertx = vertx;
    this.options = options;
    this.fixed = fixed;
    this.jwks = jwks;
  }

  /**
   * Reads every configured key; fails with a {@link ConfigException} naming the key when one cannot be read
   * or none is usable.
   */
  static Future<JwtKeys> load(Vertx vertx, HeraldConfig.Auth settings) {
    JWTOptions options = new JWTOptions().setLeeway((int) Math.min(Integer.MAX_VALUE, settings.leeway().toSeconds()));
    if (settings.issuer() != null) {
      options.setIssuer(settings.issuer());
    }
    if (!settings.audience().isEmpty()) {
      options.setAudience(settings.audience());
    }
    List<PubSecKeyOptions> fixed = new ArrayList<>();
    if (settings.secret() != null) {
      fixed.add(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(settings.secret()));
    }
    JwksSource source = settings.jwks() == null ? null : new JwksSource(vertx, settings.jwks(), MAX_JWKS_BYTES);
    return readPems(vertx, settings.publicKeys()).compose(pems -> vertx.executeBlocking(() -> {
      for (int i = 0; i < pems.size(); i++) {
        fixed.add(publicKey(vertx, pems.get(i), i));
      }
      return new JwtKeys(vertx, options, List.copyOf(fixed), source);
    })).compose(keys -> keys.read(true).map(keys));
  }

  /** The keys in use now. */
  JWTAuth current() {
    return auth;
  }

  /** The keys after reading the JWKS again, when it may be read now; else the keys in use. */
  synchronized Future<JWTAuth> refreshed() {
    if (jwks == null || System.currentTimeMillis() - readAt < MIN_REFRESH_MS) {
      return reading != null ? reading : Future.succeededFuture(auth);
    }
    if (reading == null) {
      reading = read(false).transform(ar -> {
        synchronized (this) {
          reading = null;
        }
        return Future.succeededFuture(auth);
      });
    }
    return reading;
  }

  void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (jwks != null) {
      jwks.close();
    }
  }

  /** Reads the JWKS (if any) and builds the keys; at start-up a failure fails, later it keeps what is held. */
  private Future<Void> read(boolean starting) {
    readAt = System.currentTimeMillis();
    Future<List<JsonObject>> jwksKeys = jwks == null ? Future.succeededFuture(List.of()) : jwks.read();
    return jwksKeys.compose(list -> vertx.executeBlocking(() -> build(list))).transform(ar -> {
      if (ar.succeeded()) {
        auth = ar.result();
        if (starting && jwks != null) {
          timer = vertx.setPeriodic(PERIODIC_REFRESH_MS, t -> refreshed());
        }
        if (failing) {
          failing = false;
          LOG.info("auth.jwt.jwks read again from {}", jwks.where());
        }
        return Future.succeededFuture();
      }
      if (starting) {
        return Future.failedFuture(ar.cause() instanceof ConfigException ? ar.cause()
            : new ConfigException(jwks != null ? "auth.jwt.jwks" : "auth.jwt.publicKeys", ar.cause().getMessage()));
      }
      if (!failing) {
        failing = true;
        LOG.warn("cannot read auth.jwt.jwks from {}: {}; keeping the keys held, trying again later", jwks.where(),
            ar.cause().getMessage());
      }
      return Future.succeededFuture();
    });
  }

  /** One {@link JWTAuth} over the fixed keys and {@code jwksKeys}; refuses a set that accepts unsigned tokens. */
  private JWTAuth build(List<JsonObject> jwksKeys) {
    JWTAuthOptions o = new JWTAuthOptions().setJWTOptions(options).setPubSecKeys(fixed).setJwks(jwksKeys);
    JWTAuth built = JWTAuth.create(vertx, o);
    Future<?> probe = built.authenticate(new TokenCredentials(UNSIGNED_PROBE));
    if (!probe.isComplete() || probe.succeeded()) {
      throw new ConfigException(jwks != null ? "auth.jwt.jwks" : "auth.jwt.secret", "no usable key to verify tokens "
          + "with: set auth.jwt.secret, auth.jwt.publicKeys or auth.jwt.jwks (a JWKS whose keys are all unsupported "
          + "counts as none)");
    }
    return built;
  }

  /** Each entry's PEM text: the entry itself when it holds {@code -----BEGIN}, else the file it names. */
  private static Future<List<String>> readPems(Vertx vertx, List<String> entries) {
    List<Future<String>> reads = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String entry = entries.get(i);
      int index = i;
      reads.add(entry.contains("-----BEGIN") ? Future.succeededFuture(entry)
          : vertx.fileSystem().readFile(entry).map(b -> b.toString(StandardCharsets.US_ASCII)).recover(e ->
              Future.failedFuture(new ConfigException("auth.jwt.publicKeys", "auth.jwt.publicKeys[" + index
                  + "]: cannot read the PEM file " + entry + ": " + e.getMessage()))));
    }
    return Future.all(reads).map(all -> {
      List<String> pems = new ArrayList<>();
      for (int i = 0; i < reads.size(); i++) {
        pems.add(all.resultAt(i));
      }
      return pems;
    });
  }

  /** A PEM public key as RS256 when it is an RSA key, else as ES256. */
  private static PubSecKeyOptions publicKey(Vertx vertx, String pem, int index) {
    for (String alg : new String[] {"RS256", "ES256"}) {
      PubSecKeyOptions key = new PubSecKeyOptions().setAlgorithm(alg).setBuffer(pem);
      try {
        JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key));
        return key;
      } catch (RuntimeException notThisKind) {
        // try the next algorithm
      }
    }
    throw new ConfigException("auth.jwt.publicKeys", "auth.jwt.publicKeys[" + index + "] is not a PEM public key "
        + "of RSA (RS256) or EC P-256 (ES256) (-----BEGIN PUBLIC KEY----- ...)");
  }

  /** Where a JWKS comes from: a file, or an {@code http(s)} URL. */
  static final class JwksSource {
    private final Vertx vertx;
    private final String location;
    private final int maxBytes;
    private final io.vertx.core.http.HttpClient http;

    JwksSource(Vertx vertx, String location, int maxBytes) {
      this.vertx = vertx;
      this.location = location;
      this.maxBytes = maxBytes;
      boolean url = location.startsWith("http://") || location.startsWith("https://");
      this.http = url ? vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setConnectTimeout(5_000)
          .setIdleTimeout(10)) : null;
    }

    String where() {
      return location;
    }

    Future<List<JsonObject>> read() {
      Future<Buffer> body = http == null ? vertx.fileSystem().readFile(location) : fetch();
      return body.map(this::keys);
    }

    private Future<Buffer> fetch() {
      io.vertx.core.http.RequestOptions request = new io.vertx.core.http.RequestOptions().setAbsoluteURI(location)
          .setMethod(io.vertx.core.http.HttpMethod.GET).setIdleTimeout(10_000)
          .putHeader("Accept", "application/json");
      return http.request(request).compose(req -> req.send()).compose(resp -> {
        if (resp.statusCode() != 200) {
          return Future.failedFuture("the JWKS URL answered " + resp.statusCode());
        }
        String length = resp.getHeader("Content-Length");
        if (length != null && length.length() < 12 && Long.parseLong(length) > maxBytes) {
          return Future.failedFuture("the JWKS is larger than " + maxBytes + " bytes");
        }
        Promise<Buffer> body = Promise.promise();
        Buffer collected = Buffer.buffer();
        resp.handler(chunk -> {
          if (collected.length() + chunk.length() > maxBytes) {
            resp.request().reset();
            body.tryFail("the JWKS is larger than " + maxBytes + " bytes");
          } else {
            collected.appendBuffer(chunk);
          }
        });
        resp.exceptionHandler(body::tryFail);
        resp.endHandler(v -> body.tryComplete(collected));
        return body.future();
      });
    }

    private List<JsonObject> keys(Buffer body) {
      JsonArray keys;
      try {
        keys = body.toJsonObject().getJsonArray("keys");
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("the JWKS at " + location + " is not a JSON object with \"keys\"");
      }
      if (keys == null) {
        throw new IllegalArgumentException("the JWKS at " + location + " has no \"keys\" array");
      }
      List<JsonObject> out = new ArrayList<>();
      for (Object k : keys) {
        if (k instanceof JsonObject o) {
          out.add(o);
        }
      }
      return out;
    }

    void close() {
      if (http != null) {
        http.close();
      }
    }
  }
}
