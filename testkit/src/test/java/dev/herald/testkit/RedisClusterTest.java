package dev.herald.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisClusterTest {

  @Test
  void threeMastersServeAllSlotsAndStop() throws Exception {
    RedisCluster cluster = RedisCluster.start();
    try {
      assertEquals(3, cluster.endpoints().size());
      long slots = 0;
      for (RedisServer node : cluster.nodes()) {
        String info = (String) node.call("CLUSTER", "INFO");
        assertTrue(info.contains("cluster_state:ok"), info);
      }
      for (Object range : (List<?>) cluster.nodes().get(0).call("CLUSTER", "SLOTS")) {
        List<?> r = (List<?>) range;
        slots += (Long) r.get(1) - (Long) r.get(0) + 1;
      }
      assertEquals(16384, slots);
      cluster.flushAll();
      cluster.resetStats();
      for (RedisServer node : cluster.nodes()) {
        node.call("PING");
      }
      assertEquals(3L, cluster.commandStats().get("ping"));
    } finally {
      cluster.close();
    }
    for (RedisServer node : cluster.nodes()) {
      assertFalse(node.isRunning());
    }
  }
}
