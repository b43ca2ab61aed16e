package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.cluster.ClusterOptions;
import dev.herald.cluster.HeraldCluster;
import dev.herald.testkit.Ports;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pins what {@link ClusterView} assumes of Vert.x internals, so an upgrade that breaks it fails here: a
 * clustered Vert.x hands out the very cluster manager it was built with, and a plain one has none.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterViewTest {

  @Test
  void aPlainVertxHasNoClusterManager() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      assertNull(ClusterView.manager(vertx));
      assertNull(ClusterView.nodeId(vertx));
      assertEquals(List.of(), ClusterView.members(vertx));
    } finally {
      TestNode.await(vertx.close());
    }
  }

  @Test
  void aClusteredVertxHandsOutTheManagerItWasBuiltWith() throws Exception {
    int port = Ports.free();
    ClusterOptions options = ClusterOptions.tcp("view-" + UUID.randomUUID(), "127.0.0.1", port,
        List.of("127.0.0.1:" + port));
    HazelcastClusterManager manager = new HazelcastClusterManager(HeraldCluster.memberConfig(options, "view"));
    Vertx vertx = TestNode.await(Vertx.builder().with(HeraldCluster.vertxOptions(options)).withClusterManager(manager)
        .buildClustered());
    try {
      assertSame(manager, ClusterView.manager(vertx));
      assertEquals(manager.getNodeId(), ClusterView.nodeId(vertx));
      assertEquals(List.of(manager.getNodeId()), ClusterView.members(vertx));
      assertTrue(ClusterSetup.joined(vertx));
    } finally {
      TestNode.await(vertx.close());
    }
  }
}
