package dev.herald.gateway;

import dev.herald.replay.api.HistoryClient;
import dev.herald.replay.api.PublishRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery self-check of readiness: an SSE client this node keeps connected over HTTP to its own
 * port, on the channel {@code herald.canary.<nodeId>} (reserved: HTTP clients cannot publish there,
 * the event bus can). A check publishes a canary event through the history service and passes when
 * the event arrives over the wire — the same path a browser's events take. Runs on one context.
 */
final class DeliveryCanary {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryCanary.class);
  private static final int MAX_LINE = 64 * 1024;
  private static final long MIN_RETRY_MS = 500;
  private static final long MAX_RETRY_MS = 5_000;

  private final Vertx vertx;
  private final HttpClient client;
  private final HistoryClient history;
  private final String host;
  private final int port;
  private final String channel;
  private final String key;
  private final Map<String, Promise<Long>> pending = new HashMap<>();
  private final StringBuilder line = new StringBuilder();
  private final StringBuilder data = new StringBuilder();
  private boolean connected;
  private boolean stopped;
  private boolean hasData;
  private boolean afterCr;
  private String lastError = "not connected yet";
  private long retryMs = MIN_RETRY_MS;
  private long retryTimer = -1;
  private long sequence;

  /** @param key what the canary sends in {@link Guard#CANARY_HEADER}, so its stream passes in jwt mode */
  DeliveryCanary(Vertx vertx, HttpClient client, HistoryClient history, String host, int port, String channel,
                 String key) {
    this.key = key;
    this.vertx = vertx;
    this.client = client;
    this.history = history;
    this.host = host;
    this.port = port;
    this.channel = channel;
  }

  String channel() {
    return channel;
  }

  void start() {
    connect();
  }

  void stop() {
    stopped = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    pending.values().forEach(p -> p.tryFail("the node is stopping"));
    pending.clear();
  }

  /** Publishes a canary and answers the milliseconds it took to arrive over the stream, or fails. */
  Future<Long> check(long timeoutMs) {
    if (!connected) {
      return Future.failedFuture("the canary stream to port " + port + " is not connected (" + lastError + ")");
    }
    String token = "canary-" + (++sequence) + "-" + Long.toHexString(System.nanoTime());
    Promise<Long> arrived = Promise.promise();
    pending.put(token, arrived);
    long started = System.nanoTime();
    long timer = vertx.setTimer(timeoutMs, t -> {
      if (pending.remove(token) != null) {
        arrived.tryFail("the canary event did not arrive over the stream within " + timeoutMs + " ms");
      }
    });
    history.publish(new PublishRequest(channel, null, "\"" + token + "\"", null)).onFailure(e -> {
      pending.remove(token);
      arrived.tryFail("publishing the canary failed: " + Problems.from(e, "history").detail());
    });
    return arrived.future().map(x -> (System.nanoTime() - started) / 1_000_000).andThen(x -> vertx.cancelTimer(timer));
  }

  private void connect() {
    if (stopped) {
      return;
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
        .setURI("/v1/stream?channel=" + channel).putHeader("Accept", "text/event-stream")
        .putHeader(Guard.CANARY_HEADER, key);
    client.request(options).compose(req -> req.send()).onComplete(ar -> {
      if (ar.failed()) {
        disconnected("connecting failed: " + ar.cause().getMessage());
        return;
      }
      HttpClientResponse response = ar.result();
      if (response.statusCode() != 200) {
        response.request().connection().close();
        disconnected("the stream answered " + response.statusCode());
        return;
      }
      if (stopped) {
        response.request().connection().close();
        return;
      }
      line.setLength(0);
      data.setLength(0);
      hasData = false;
      afterCr = false;
      response.handler(this::onBytes);
      response.endHandler(v -> disconnected("the stream ended"));
      response.exceptionHandler(e -> disconnected("the stream failed: " + e.getMessage()));
      connected = true;
      retryMs = MIN_RETRY_MS;
      LOG.info("readiness canary stream connected on {}:{} channel {}", host, port, channel);
    });
  }

  private void disconnected(String why) {
    if (stopped) {
      connected = false;
      return;
    }
    if (connected) {
      LOG.warn("readiness canary stream lost: {}", why);
    }
    connected = false;
    lastError = why;
    if (retryTimer >= 0) {
      return;
    }
    retryTimer = vertx.setTimer(retryMs, t -> {
      retryTimer = -1;
      connect();
    });
    retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
  }

  private void onBytes(Buffer bytes) {
    String text = bytes.toString(StandardCharsets.UTF_8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean crlf = c == '\n' && afterCr;
      afterCr = c == '\r';
      if (crlf) {
        continue;
      }
      if (c == '\n' || c == '\r') {
        onLine(line.toString());
        line.setLength(0);
      } else if (line.length() < MAX_LINE) {
        line.append(c);
      }
    }
  }

  private void onLine(String l) {
    if (l.isEmpty()) {
      if (hasData) {
        onEvent(data.toString());
      }
      data.setLength(0);
      hasData = false;
    } else if (l.startsWith("data:")) {
      if (hasData) {
        data.append('\n');
      }
      data.append(l.startsWith("data: ") ? l.substring(6) : l.substring(5));
      hasData = true;
    }
  }

  private void onEvent(String eventData) {
    String token = eventData.startsWith("\"") && eventData.endsWith("\"") && eventData.length() > 1
        ? eventData.substring(1, eventData.length() - 1) : eventData;
    Promise<Long> p = pending.remove(token);
    if (p != null) {
      p.tryComplete(0L);
    }
  }
}
