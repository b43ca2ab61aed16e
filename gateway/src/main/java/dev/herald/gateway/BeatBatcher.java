package dev.herald.gateway;

import dev.herald.heartbeat.api.PresenceClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Coalesces the HTTP beats one gateway event loop receives into batched beat messages: the session
 * ids of pending beats go to the heartbeat verticle in ONE {@link PresenceClient#beatAll} request,
 * and each beat learns from the reply's {@code missing} set whether its session is connected. A
 * failed batch fails every beat in it with the same failure.
 *
 * <p>When a batch is sent: at once when {@code maxBatch} beats are pending; when no batch of this
 * loop is in flight, at the end of the loop's current pass (so a beat on an idle node waits for no
 * timer, and the beats read in one pass share a message); when one is in flight, as soon as its
 * reply comes, or after {@code windowMs}, whichever is first. Under load a batch so holds the beats
 * that arrived while the previous one was answered.
 *
 * <p>One instance serves one event loop (it belongs to one {@code GatewayVerticle} instance, whose
 * handlers all run on that loop): it holds no locks, never blocks, and at most {@code maxBatch}
 * beats wait in it at once. A session id beaten twice within one batch is sent twice, so the
 * verticle counts every beat.
 */
final class BeatBatcher {
  /** Beats sent at once when this many are pending, before the window ends. */
  static final int MAX_BATCH = 256;
  /** How long a beat waits, at most, behind a batch in flight. */
  static final long WINDOW_MS = 1;

  private final PresenceClient presence;
  private final int maxBatch;
  private final long windowMs;
  private List<String> ids;
  private List<Promise<Boolean>> waiting;
  private long timer = -1;
  private boolean passScheduled;
  private int inFlight;

  BeatBatcher(PresenceClient presence, int maxBatch, long windowMs) {
    if (maxBatch < 1 || windowMs < 1) {
      throw new IllegalArgumentException("maxBatch and windowMs must be at least 1");
    }
    this.presence = presence;
    this.maxBatch = maxBatch;
    this.windowMs = windowMs;
    reset();
  }

  BeatBatcher(PresenceClient presence) {
    this(presence, MAX_BATCH, WINDOW_MS);
  }

  /**
   * Beats {@code sessionId} in the next batch. Call it on this batcher's event loop.
   *
   * @return true when the session is connected (and so was beaten), false when it is not; failed
   *     when the batch failed (the verticle did not answer, or its store failed)
   */
  Future<Boolean> beat(Vertx vertx, String sessionId) {
    Promise<Boolean> promise = Promise.promise();
    ids.add(sessionId);
    waiting.add(promise);
    if (ids.size() >= maxBatch) {
      flush(vertx);
    } else if (inFlight == 0) {
      if (!passScheduled) {
        passScheduled = true;
        vertx.runOnContext(v -> {
          passScheduled = false;
          if (inFlight == 0) {
            flush(vertx);
          }
        });
      }
    } else if (timer < 0) {
      timer = vertx.setTimer(windowMs, t -> {
        timer = -1;
        flush(vertx);
      });
    }
    return promise.future();
  }

  private void flush(Vertx vertx) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (ids.isEmpty()) {
      return;
    }
    List<String> batch = ids;
    List<Promise<Boolean>> promises = waiting;
    reset();
    inFlight++;
    presence.beatAll(batch).onComplete(ar -> {
      inFlight--;
      if (ar.failed()) {
        for (Promise<Boolean> p : promises) {
          p.fail(ar.cause());
        }
      } else {
        Set<String> missing = ar.result();
        for (int i = 0; i < promises.size(); i++) {
          promises.get(i).complete(!missing.contains(batch.get(i)));
        }
      }
      if (inFlight == 0) {
        flush(vertx);
      }
    });
  }

  private void reset() {
    ids = new ArrayList<>(Math.min(maxBatch, 64));
    waiting = new ArrayList<>(Math.min(maxBatch, 64));
  }
}
