package dev.herald.gateway.chaos;

import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseParser;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches {@code /v1/presence/stream} on one node for the whole run and counts, per session, the
 * {@code connect}, {@code reconnect} and {@code disconnect} events it hears (with the time and reason of
 * each disconnect). Its stream must never end while the node runs.
 */
final class ChaosObserver extends ChaosVerticle {
  /** One presence event heard: its type, when, the disconnect's reason, the session's connectedAt and lastSeenAt. */
  record Heard(String type, long at, String reason, String connectedAt, String lastSeenAt) {
  }

  final HeraldProcess node;
  final Map<String, List<Heard>> sessions = new HashMap<>();
  final List<String> problems = new ArrayList<>();
  private HttpClient http;
  private HttpClientResponse response;
  private boolean stopping;

  ChaosObserver(HeraldProcess node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(node.host)
        .setPort(node.httpPort).setURI("/v1/presence/stream").putHeader("Accept", "text/event-stream");
    return http.request(options).compose(req -> req.send()).compose(r -> {
      if (r.statusCode() != 200) {
        return Future.failedFuture("presence stream on " + node.name + ": " + r.statusCode());
      }
      response = r;
      io.vertx.core.Promise<Void> live = io.vertx.core.Promise.promise();
      SseParser parser = new SseParser(new SseParser.Listener() {
        @Override
        public void comment(String text) {
          live.tryComplete();
        }

        @Override
        public void event(SseEvent e) {
          JsonObject session = new JsonObject(e.data());
          sessions.computeIfAbsent(session.getString("sessionId"), k -> new ArrayList<>())
              .add(new Heard(e.type(), System.currentTimeMillis(), session.getString("reason"),
                  session.getString("connectedAt"), session.getString("lastSeenAt")));
        }
      });
      r.handler(parser::feed);
      r.endHandler(v -> lost("ended"));
      r.exceptionHandler(e -> lost(e.toString()));
      // The first comment comes with the 200: the stream is live from then on.
      return live.future();
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (response != null) {
      response.request().connection().close();
    }
    return http.close();
  }

  long count(String sessionId, String type) {
    return sessions.getOrDefault(sessionId, List.of()).stream().filter(h -> h.type().equals(type)).count();
  }

  private void lost(String why) {
    if (!stopping) {
      problems.add("presence stream on " + node.name + " lost: " + why);
    }
  }
}
