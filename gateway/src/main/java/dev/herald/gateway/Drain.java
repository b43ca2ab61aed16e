package dev.herald.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Whether the node is draining (docs/deploy.md): from the moment a drain begins, {@code /health/ready} answers
 * {@code 503} without waiting for the next readiness run, so load balancers stop sending clients here,
 * while the sse verticle refuses new streams and closes the open ones over {@code cluster.drainWindow}.
 * Shared by every gateway instance of a node; a drain never ends (the node leaves the cluster next).
 */
final class Drain {
  private volatile long since = -1;

  /** Marks the node as draining from now; false when it already was. */
  boolean begin() {
    synchronized (this) {
      if (since >= 0) {
        return false;
      }
      since = System.currentTimeMillis();
      return true;
    }
  }

  boolean active() {
    return since >= 0;
  }

  /** The readiness answer of a draining node. */
  JsonObject readiness(String nodeId) {
    return new JsonObject().put("status", "DOWN").put("checks", new JsonArray().add(new JsonObject()
        .put("name", "drain").put("status", "DOWN")
        .put("detail", "node " + nodeId + " is draining since " + java.time.Instant.ofEpochMilli(since)
            + ": it takes no new streams and is leaving the cluster; connect to another node")));
  }
}
