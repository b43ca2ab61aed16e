package dev.herald.gateway.config;

import dev.herald.heartbeat.api.PresenceOptions;
import dev.herald.replay.api.HistoryOptions;
import dev.herald.sse.api.SseOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The whole, checked configuration of a node (README.md#configuration). {@link ConfigLoader} builds it from the file,
 * {@code HERALD_…} environment variables and flags; {@code HeraldNode} deploys from it.
 */
public record HeraldConfig(String name, int logging, PresenceOptions heartbeat, boolean streamKeepsAlive,
                           HistoryOptions history, SseOptions sse, Http http, Store store, Cluster cluster,
                           Set<Role> roles, Auth auth) {

  public enum Role { HEARTBEAT, SSE, REPLAY, GATEWAY }

  /**
   * @param instances      gateway instances, one per event loop ({@code 0}: one per core, twice)
   * @param corsOrigins    allowed origins; {@code *} allowed only in open mode; empty: no CORS
   * @param requestTimeout how long a new connection may take to send a request's headers (and a request its body)
   * @param idleTimeout    how long a connection may stay open with no request in progress (open streams are busy)
   * @param maxConnections connections held at most ({@code 0}: derived from the process's open-file limit at start)
   */
  public record Http(String host, int port, long maxBodyBytes, List<String> corsOrigins, int instances,
                     Duration requestTimeout, Duration idleTimeout, int maxConnections) {
    public Http {
      corsOrigins = List.copyOf(corsOrigins);
    }
  }

  /** @param options extra Vert.x Redis client options (JSON), may be empty */
  public record Redis(String host, int port, String password, int db, JsonObject options, String mode) {
  }

  /** @param type {@code memory} or {@code redis} */
  public record Store(String type, Redis redis) {
  }

  /**
   * @param partitionLag how late, at most, a stream gets an event published anywhere in the cluster while
   *                     the event bus does not bring it (G7); the fan-out checks the store every quarter
   */
  public record Cluster(boolean enabled, String name, String join, List<String> members, String service, String host,
                        int port, int busPort, Duration drainWindow, Duration partitionLag) {
    public Cluster {
      members = List.copyOf(members);
    }

    /** How often a clustered node's fan-out asks the store where its channels stand (ms). */
    public long storeCheckMs() {
      return Math.max(1, partitionLag.toMillis() / 4);
    }
  }

  /**
   * {@code auth.*} (docs/http-api.md#access).
   *
   * @param mode                 {@code open} or {@code jwt}
   * @param secret               the HS256 secret, or {@code null}
   * @param publicKeys           RS256/ES256 public keys: PEM text or PEM file paths
   * @param jwks                 a JWKS file path or {@code http(s)} URL, or {@code null}
   * @param issuer               the required {@code iss}, or {@code null}
   * @param audience             accepted {@code aud} values (one must match); empty: not checked
   * @param leeway               clock skew allowed on {@code exp}, {@code nbf}, {@code iat}
   * @param maxSessionsPerClient sessions one user (jwt) or address (open) may hold; 0: no bound
   * @param maxStreamsPerClient  streams one user (jwt) or address (open) may hold open on a node; 0: no bound
   */
  public record Auth(String mode, String secret, List<String> publicKeys, String jwks, String issuer,
                     List<String> audience, Duration leeway, int maxSessionsPerClient, int maxStreamsPerClient) {
    public Auth {
      publicKeys = List.copyOf(publicKeys);
      audience = List.copyOf(audience);
    }

    /** Open mode with the default bounds. */
    public static Auth open() {
      return new Auth("open", null, List.of(), null, null, List.of(), Duration.ofSeconds(5), 1000, 1000);
    }

    public boolean jwt() {
      return "jwt".equals(mode);
    }

    /** Never shows the secret or the keys. */
    @Override
    public String toString() {
      return "Auth[mode=" + mode + ", secret=" + (secret == null ? "none" : "(hidden)") + ", publicKeys="
          + publicKeys.size() + ", jwks=" + jwks + ", issuer=" + issuer + ", audience=" + audience + ", leeway="
          + leeway + ", maxSessionsPerClient=" + maxSessionsPerClient + ", maxStreamsPerClient="
          + maxStreamsPerClient + "]";
    }
  }

  public static HeraldConfig defaults() {
    return new HeraldConfig("herald", 0, PresenceOptions.DEFAULTS, true, HistoryOptions.DEFAULTS, SseOptions.DEFAULTS,
        new Http("0.0.0.0", 8080, 64 * 1024, List.of(), 0, Duration.ofSeconds(10), Duration.ofSeconds(60), 0),
        new Store("memory", new Redis("127.0.0.1", 6379, null, 0, new JsonObject(), "standalone")),
        new Cluster(false, "herald", "tcp", List.of(), null, "127.0.0.1", 5701, 0, Duration.ofSeconds(10),
            Duration.ofSeconds(2)),
        EnumSet.allOf(Role.class), Auth.open());
  }

  public boolean runs(Role role) {
    return roles.contains(role);
  }

  /** A copy with another access section. */
  public HeraldConfig withAuth(Auth auth) {
    return new HeraldConfig(name, logging, heartbeat, streamKeepsAlive, history, sse, http, store, cluster, roles, auth);
  }

  /** A copy with another HTTP section (tests: port 0). */
  public HeraldConfig withHttp(Http http) {
    return new HeraldConfig(name, logging, heartbeat, streamKeepsAlive, history, sse, http, store, cluster, roles, auth);
  }
}
