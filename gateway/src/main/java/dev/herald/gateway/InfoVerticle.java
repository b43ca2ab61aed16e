package dev.herald.gateway;

import dev.herald.gateway.api.NodeAddresses;
import dev.herald.gateway.api.NodeInfo;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * Serves {@code herald.info} on every node, whatever its roles: the node id, the Herald version, the roles
 * and the cluster members it sees ({@link NodeInfo}). A client verticle asks it first to prove its event bus
 * reaches Herald.
 */
final class InfoVerticle extends VerticleBase {
  /** The version this build answers, from {@code version.properties} (filled in by the build). */
  static final String VERSION = readVersion();

  private final NodeAddresses addresses;
  private final String nodeId;
  private final List<String> roles;

  InfoVerticle(NodeAddresses addresses, String nodeId, List<String> roles) {
    this.addresses = addresses;
    this.nodeId = nodeId;
    this.roles = List.copyOf(roles);
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().consumer(addresses.info(), m -> m.reply(info().toJson())).completion();
  }

  NodeInfo info() {
    return new NodeInfo(nodeId, VERSION, roles, ClusterView.nodeId(vertx), ClusterView.members(vertx));
  }

  private static String readVersion() {
    try (InputStream in = InfoVerticle.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
