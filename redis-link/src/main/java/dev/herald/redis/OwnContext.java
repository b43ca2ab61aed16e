package dev.herald.redis;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;

/**
 * This module's one use of Vert.x internals: a new event-loop context that belongs to no verticle, so a
 * Redis store (or the gateway's Redis watch) runs its connection on a loop of its own, whoever calls it.
 * The public API only offers the caller's context ({@code getOrCreateContext}). The assumptions are pinned
 * by {@code OwnContextTest}: every Vert.x is a {@code VertxInternal}, each call gives a new event-loop
 * context, and its tasks run in order on one thread.
 */
public final class OwnContext {
  private OwnContext() {
  }

  /** A new event-loop context of {@code vertx}. */
  public static Context create(Vertx vertx) {
    return ((VertxInternal) vertx).createEventLoopContext();
  }
}
