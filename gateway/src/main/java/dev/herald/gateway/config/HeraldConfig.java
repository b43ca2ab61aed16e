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
   * @param instances    gateway instances, one per event loop ({@code 0}: one per core, twice)
   * @param corsOrigins  allowed origins; {@code *} allowed only in open mode; empty: no CORS
   */
  public record Http(String host, int port, long maxBodyBytes, List<String> corsOrigins, int instances) {
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

  /** @param mode {@code open} (this release) or {@code jwt} (not yet available) */
  public record Auth(String mode) {
  }

  public static HeraldConfig defaults() {
    return new HeraldConfig("herald", 0, PresenceOptions.DEFAULTS, true, HistoryOptions.DEFAULTS, SseOptions.DEFAULTS,
        new Http("0.0.0.0", 8080, 64 * 1024, List.of(), 0),
        new Store("memory", new Redis("127.0.0.1", 6379, null, 0, new JsonObject(), "standalone")),
        new Cluster(false, "herald", "tcp", List.of(), null, "127.0.0.1", 5701, 0, Duration.ofSeconds(10),
            Duration.ofSeconds(2)),
        EnumSet.allOf(Role.class), new Auth("open"));
  }

  public boolean runs(Role role) {
    return roles.contains(role);
  }

  /** A copy with another HTTP section (tests: port 0). */
  public HeraldConfig withHttp(Http http) {
    return new HeraldConfig(name, logging, heartbeat, streamKeepsAlive, history, sse, http, store, cluster, roles, auth);
  }
}
