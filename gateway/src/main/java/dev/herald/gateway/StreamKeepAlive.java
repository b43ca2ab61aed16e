package dev.herald.gateway;

import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.sse.api.StreamInfo;
import dev.herald.sse.api.StreamListener;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code heartbeat.streamKeepsAlive}: keeps the sessions of this node's open streams alive. Streams
 * open and close on their own event loops and are only counted here, per session id; every
 * {@code heartbeat.beatDelay} all counted sessions are beaten in one batched
 * {@link PresenceClient#beatAll} message (in chunks of {@value #CHUNK} ids), never a request per
 * stream. A session whose first stream just opened is beaten soon after, in a batch of its own, so a
 * stream opened just before its session's expiry keeps it.
 */
final class StreamKeepAlive extends VerticleBase implements StreamListener {
  static final int CHUNK = 5_000;
  private static final Logger LOG = LoggerFactory.getLogger(StreamKeepAlive.class);
  private final java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();

  private final PresenceClient presence;
  private final long beatDelayMs;
  private final long firstBeatMs;
  private final ConcurrentHashMap<String, Integer> streamsBySession = new ConcurrentHashMap<>();
  private final Set<String> fresh = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean freshScheduled = new AtomicBoolean();
  private volatile boolean running;
  private long timer = -1;

  StreamKeepAlive(PresenceClient presence, Duration beatDelay) {
    this.presence = presence;
    this.beatDelayMs = Math.max(1, beatDelay.toMillis());
    this.firstBeatMs = Math.max(1, Math.min(1_000, beatDelayMs / 4));
  }

  @Override
  public Future<?> start() {
    running = true;
    timer = vertx.setPeriodic(beatDelayMs, t -> beat(new ArrayList<>(streamsBySession.keySet())));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    running = false;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** Sessions with at least one open stream on this node. */
  int sessions() {
    return streamsBySession.size();
  }

  @Override
  public void opened(StreamInfo stream) {
    String id = stream.sessionId();
    if (id == null) {
      return;
    }
    if (streamsBySession.merge(id, 1, Integer::sum) == 1) {
      fresh.add(id);
      if (running && freshScheduled.compareAndSet(false, true)) {
        context.runOnContext(v -> vertx.setTimer(firstBeatMs, t -> {
          freshScheduled.set(false);
          List<String> ids = new ArrayList<>(fresh);
          fresh.removeAll(ids);
          ids.removeIf(s -> !streamsBySession.containsKey(s));
          beat(ids);
        }));
      }
    }
  }

  @Override
  public void closed(StreamInfo stream, String reason) {
    String id = stream.sessionId();
    if (id != null) {
      streamsBySession.computeIfPresent(id, (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  private void beat(List<String> ids) {
    for (int from = 0; from < ids.size(); from += CHUNK) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
      presence.beatAll(chunk).onSuccess(missing -> {
        if (failing.compareAndSet(true, false)) {
          LOG.info("beating the sessions of open streams works again");
        }
        if (!missing.isEmpty()) {
          LOG.debug("{} sessions with open streams are not connected (stopped or expired)", missing.size());
        }
      }).onFailure(e -> {
        // once per outage, not once per tick: the presence service logs the store's state itself
        if (failing.compareAndSet(false, true)) {
          LOG.warn("beating {} sessions of open streams failed: {}; retrying every tick", chunk.size(), e.getMessage());
        }
      });
    }
  }
}
