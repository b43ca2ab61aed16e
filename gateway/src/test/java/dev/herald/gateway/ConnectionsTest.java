package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The connection cap is read from the process's open-file limit, below it, with room for the node's own files. */
class ConnectionsTest {

  @Test
  void theDefaultCapLeavesAMarginBelowTheFileLimit() {
    assertEquals(18_000, Connections.maxConnections(0, 20_000));
    assertEquals(768, Connections.maxConnections(0, 1024));
    assertEquals(943_719, Connections.maxConnections(0, 1_048_576));
    assertEquals(16, Connections.maxConnections(0, 100));
    assertEquals(10_000, Connections.maxConnections(0, -1), "the JVM cannot tell the limit");
  }

  @Test
  void aConfiguredCapMustLeaveRoomForProbesAndTheNodesOwnFiles() {
    assertEquals(500, Connections.maxConnections(500, 20_000));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Connections.maxConnections(19_990, 20_000));
    assertTrue(e.getMessage().startsWith("http.maxConnections (19990) must leave room"), e.getMessage());
    assertEquals(50_000, Connections.maxConnections(50_000, -1));
  }

  @Test
  void theFileLimitIsRead() {
    assertTrue(Connections.fileLimit() > 0, "this JVM reports its open-file limit");
  }
}
