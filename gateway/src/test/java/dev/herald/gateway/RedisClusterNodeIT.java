package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseTestClient;
import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code store.redis.mode=cluster}: a node whose seed is one master of a local 3-master Redis Cluster serves
 * sessions, publishes (single and batched over channels of different slots), history and resume.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisClusterNodeIT {

  @Test
  void aNodeOnRedisClusterServesPresenceHistoryAndResume(Vertx vertx) throws IOException {
    try (RedisCluster cluster = RedisCluster.start()) {
      RedisServer seed = cluster.nodes().get(0);
      Map<String, Object> settings = OnRedis.settings(seed, Map.of("store.redis.mode", "cluster"));
      TestNode.Running it = TestNode.run(vertx, settings);
      try {
        Api api = it.api();
        RedisOutageIT.awaitReadiness(vertx, api, 200);

        List<String> cookies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          cookies.add(PresenceApiTest.startNew(api, null));
        }
        for (String c : cookies) {
          assertEquals(204, api.post("/v1/heartbeat", null, "Cookie", c).statusCode());
        }
        String id = PresenceApiTest.idOf(cookies.get(0));
        assertEquals(200, api.get("/v1/sessions/" + id).statusCode());
        assertEquals(20, api.get("/v1/sessions?limit=100").bodyAsJsonObject().getJsonArray("sessions").size());
        assertEquals(204, api.post("/v1/heartbeat/stop", null, "Cookie", cookies.get(0)).statusCode());
        assertEquals(404, api.get("/v1/sessions/" + id).statusCode());

        // channels whose keys hash to different slots, hence masters
        List<String> channels = List.of("cl-a", "cl-b", "cl-c", "cl-d");
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 8; i++) {
          batch.append(i == 0 ? "" : ",").append("{\"channel\":\"").append(channels.get(i % 4)).append("\",\"data\":")
              .append(i).append('}');
        }
        Reply r = api.post("/v1/events", batch.append(']').toString(), "Content-Type", "application/json");
        assertEquals(201, r.statusCode(), r::bodyAsString);
        JsonArray stored = r.bodyAsJsonObject().getJsonArray("events");
        for (int c = 0; c < 4; c++) {
          JsonArray history = api.history(channels.get(c)).getJsonArray("events");
          assertEquals(List.of(stored.getJsonObject(c).getString("id"), stored.getJsonObject(c + 4).getString("id")),
              history.stream().map(o -> ((JsonObject) o).getString("id")).toList());
        }
        String first = api.publish("cl-a", null, "100");
        String second = api.publish("cl-a", null, "101");
        SseTestClient resumed = Streams.live(vertx, it.port(), "/v1/stream?channel=cl-a", Map.of("Last-Event-ID", first));
        List<SseEvent> events = Streams.events(resumed, 1);
        assertEquals(second, events.get(0).id());
        Streams.close(resumed);
      } finally {
        it.stop();
      }
    }
  }
}
