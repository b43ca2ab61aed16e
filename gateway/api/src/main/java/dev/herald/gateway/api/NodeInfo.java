package dev.herald.gateway.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The reply to {@code herald.info}: {@code {nodeId, version, roles, clusterNodeId, members}}.
 *
 * @param nodeId        the answering Herald node's id (in its logs, stream ids and readiness)
 * @param version       the Herald version it runs
 * @param roles         what it runs: {@code heartbeat}, {@code replay}, {@code sse}, {@code gateway}
 * @param clusterNodeId its event-bus cluster member id, or {@code null} when it is not clustered
 * @param members       the cluster member ids it sees (Herald nodes and clients alike); empty when not clustered
 */
public record NodeInfo(String nodeId, String version, List<String> roles, String clusterNodeId, List<String> members) {
  private static final String NODE_ID = "nodeId";
  private static final String VERSION = "version";
  private static final String ROLES = "roles";
  private static final String CLUSTER_NODE_ID = "clusterNodeId";
  private static final String MEMBERS = "members";

  public NodeInfo {
    roles = List.copyOf(roles);
    members = List.copyOf(members);
  }

  public JsonObject toJson() {
    return new JsonObject().put(NODE_ID, nodeId).put(VERSION, version).put(ROLES, new JsonArray(roles))
        .put(CLUSTER_NODE_ID, clusterNodeId).put(MEMBERS, new JsonArray(members));
  }

  public static NodeInfo fromJson(JsonObject o) {
    return new NodeInfo(o.getString(NODE_ID), o.getString(VERSION), strings(o.getJsonArray(ROLES)),
        o.getString(CLUSTER_NODE_ID), strings(o.getJsonArray(MEMBERS)));
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>(a.size());
    a.forEach(v -> out.add((String) v));
    return out;
  }
}
