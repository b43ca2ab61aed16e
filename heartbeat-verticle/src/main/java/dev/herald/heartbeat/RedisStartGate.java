package dev.herald.heartbeat;

import dev.herald.redis.RedisCall;
import dev.herald.redis.RedisCalls;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Response;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * Starts on Redis Cluster, where one script cannot read every shard (they are in other slots): the
 * {@code maxSessions} check needs the sessions of the other shards, read just before. This node sends its
 * starts in batches, one batch at a time: read every shard's size (one pipeline), then every start of the
 * batch (one pipeline), each told how many sessions the other shards hold plus one for every earlier start
 * of the batch on another shard (counted as a new session, which errs toward refusing only at the bound).
 * Starts of the same shard see each other inside Redis, since they run in order on its node.
 *
 * <p>So this node never goes past the bound by itself; nodes starting sessions at the same moment can, by
 * at most the starts they have in flight together. Under load a batch holds every start that arrived while
 * the previous one ran, so a start costs two round trips whatever the rate.
 */
final class RedisStartGate {
  private static final int MAX_BATCH = 512;

  /** A start waiting for its batch: its shard, its script call given the others' count, its answer. */
  record Pending(int shard, LongFunction<RedisCall> call, Promise<Response> answer, BooleanSupplier abandoned) {
  }

  private final RedisCalls calls;
  private final RedisPresenceKeys keys;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean running;

  RedisStartGate(RedisCalls calls, RedisPresenceKeys keys) {
    this.calls = calls;
    this.keys = keys;
  }

  /** Queues a start; its answer completes with the start script's reply. */
  void submit(Pending pending) {
    synchronized (this) {
      queue.add(pending);
      if (running) {
        return;
      }
      running = true;
    }
    next();
  }

  private void next() {
    List<Pending> batch = new ArrayList<>();
    synchronized (this) {
      while (batch.size() < MAX_BATCH && !queue.isEmpty()) {
        Pending p = queue.poll();
        if (!p.abandoned().getAsBoolean()) {
          batch.add(p);
        }
      }
      if (batch.isEmpty()) {
        running = false;
        return;
      }
    }
    run(batch).onComplete(done -> next());
  }

  private Future<Void> run(List<Pending> batch) {
    return calls.pipelineAll("the session count before a start", RedisPresenceStore.shardSizes(keys)).compose(counted -> {
      long[] shardSize = new long[RedisPresenceKeys.SHARDS];
      long total = 0;
      for (int n = 0; n < shardSize.length; n++) {
        shardSize[n] = counted.get(n).toLong();
        total += shardSize[n];
      }
      long[] earlierSameShard = new long[RedisPresenceKeys.SHARDS];
      List<RedisCall> starts = new ArrayList<>(batch.size());
      int before = 0;
      for (Pending p : batch) {
        long others = total - shardSize[p.shard()] + before - earlierSameShard[p.shard()];
        starts.add(p.call().apply(others));
        earlierSameShard[p.shard()]++;
        before++;
      }
      return calls.pipeline("start", starts, null);
    }).onComplete(ar -> {
      for (int i = 0; i < batch.size(); i++) {
        Promise<Response> answer = batch.get(i).answer();
        AsyncResult<Response> r = ar.failed() ? Future.failedFuture(ar.cause()) : ar.result().get(i);
        if (r.succeeded()) {
          answer.tryComplete(r.result());
        } else {
          answer.tryFail(r.cause());
        }
      }
    }).mapEmpty();
  }
}
