package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Herald serves the browser client exactly as {@code clients/browser} builds it (its {@code dist/}, which
 * {@code clients/browser/run.sh} checks is what the sources build): no stale copy.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BrowserClientFilesTest {
  private static final Path DIST = Path.of("..", "clients", "browser", "dist");
  private static TestNode.Running it;

  @BeforeAll
  static void start(Vertx vertx) {
    it = TestNode.run(vertx, Map.of());
  }

  @AfterAll
  static void stop() {
    it.stop();
  }

  @Test
  void theClassicScriptAndTheModuleAreTheBuiltFiles() throws Exception {
    for (String name : new String[] {"herald.js", "herald.mjs"}) {
      Reply r = it.api().get("/" + name);
      assertEquals(200, r.statusCode(), name);
      assertEquals("text/javascript; charset=utf-8", r.getHeader("Content-Type"), name);
      assertArrayEquals(Files.readAllBytes(DIST.resolve(name)), r.body().getBytes(), name + " is not the built file");
    }
  }
}
