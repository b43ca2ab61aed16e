package dev.herald.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BusRequestsTest {

  @Test
  void aRequestCarriesItsDeadlineAndWaitsPastIt(Vertx vertx, VertxTestContext ctx) {
    long[] seen = new long[1];
    vertx.eventBus().consumer("t.deadline", m -> {
      seen[0] = BusRequests.deadline(m);
      m.reply(BusRequests.tooLate(m, 0) == null ? "in time" : "late");
    }).completion().compose(v -> {
      long before = System.currentTimeMillis();
      return new BusRequests(vertx.eventBus(), 3_000).<String>request("t.deadline", "x").map(reply -> {
        long after = System.currentTimeMillis();
        assertEquals("in time", reply.body());
        assertTrue(seen[0] >= before + 3_000 && seen[0] <= after + 3_000, "deadline " + seen[0] + " is send time + 3 s");
        return null;
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void noHandlerAnywhereFailsAsTheBusDoes(Vertx vertx, VertxTestContext ctx) {
    new BusRequests(vertx.eventBus(), 1_000).request("t.nobody", "x").onComplete(ctx.failing(e -> ctx.verify(() -> {
      assertTrue(e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS, String.valueOf(e));
      ctx.completeNow();
    })));
  }

  @Test
  void theRepliesWaitOutTheGraceAfterTheDeadline(Vertx vertx, VertxTestContext ctx) {
    // A verticle that answers 300 ms after the deadline is still heard: the grace covers the trip back.
    vertx.eventBus().consumer("t.slow", m -> vertx.setTimer(500, id -> m.reply("late answer"))).completion()
        .compose(v -> new BusRequests(vertx.eventBus(), 200).<String>request("t.slow", "x"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals("late answer", r.body());
          ctx.completeNow();
        })));
  }

  @Test
  void lateWorkIsRefusedWithTheReason() {
    assertNull(BusRequests.tooLate(Long.MAX_VALUE, 2_000, 1_000), "no deadline: never late");
    assertNull(BusRequests.tooLate(10_000, 2_000, 7_000), "3 s left for 2 s of work");
    String past = BusRequests.tooLate(10_000, 0, 10_250);
    assertTrue(past != null && past.contains("250 ms after its deadline"), past);
    String tight = BusRequests.tooLate(10_000, 2_000, 8_500);
    assertTrue(tight != null && tight.contains("1500 ms before its deadline") && tight.contains("2000 ms"), tight);
  }
}
