package dev.herald.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pins what {@link OwnContext} assumes of Vert.x internals, so an upgrade that breaks it fails here. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OwnContextTest {

  @Test
  void eachCallGivesANewEventLoopContextThatRunsItsTasksInOrderOnOneThread() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Context a = OwnContext.create(vertx);
      Context b = OwnContext.create(vertx);
      assertNotSame(a, b);
      assertTrue(a.isEventLoopContext());
      assertSame(vertx, a.owner());
      List<Integer> order = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      Promise<Void> done = Promise.promise();
      for (int i = 0; i < 100; i++) {
        int n = i;
        a.runOnContext(v -> {
          assertSame(a, Vertx.currentContext(), "tasks run on the context itself");
          order.add(n);
          threads.add(Thread.currentThread());
          if (n == 99) {
            done.complete();
          }
        });
      }
      done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      for (int i = 0; i < 100; i++) {
        assertEquals(i, order.get(i));
        assertSame(threads.get(0), threads.get(i));
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
