package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Blocking helpers around the SSE test client, for tests running on the test thread. */
final class Streams {
  static final Duration WAIT = Duration.ofSeconds(15);

  private Streams() {
  }

  /**
   * Opens a stream and waits for its response head, whatever its status; the answer is checked against the
   * OpenAPI document ({@link OpenApiContract}): a stream's status and headers, any other answer whole.
   */
  static SseTestClient open(Vertx vertx, int port, String uri, Map<String, String> headers) {
    SseTestClient c = TestNode.await(SseTestClient.open(vertx, port, uri, headers));
    if (c.status() != 200) {
      TestNode.await(c.awaitEnd(WAIT));
    }
    OpenApiContract.get().check("GET", uri, c.status(), c.headers(), c.status() == 200 ? null : c.raw(), false);
    return c;
  }

  /** Opens a stream and asserts it started: 200, and the prelude (retry and a comment) arrived. */
  static SseTestClient live(Vertx vertx, int port, String uri, Map<String, String> headers) {
    SseTestClient c = open(vertx, port, uri, headers);
    assertEquals(200, c.status(), c::body);
    TestNode.await(c.awaitComments(1, WAIT));
    return c;
  }

  static SseTestClient live(Vertx vertx, int port, String uri) {
    return live(vertx, port, uri, Map.of());
  }

  static List<SseEvent> events(SseTestClient c, int n) {
    return TestNode.await(c.awaitEvents(n, WAIT));
  }

  static void close(SseTestClient c) {
    TestNode.await(c.close());
  }
}
