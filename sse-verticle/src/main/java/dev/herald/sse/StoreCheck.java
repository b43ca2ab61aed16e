package dev.herald.sse;

import dev.herald.replay.api.ChannelHead;
import dev.herald.replay.api.HistoryClient;
import dev.herald.replay.api.HeadsRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node's fan-out learns of events the event bus did not bring (G7, docs/architecture.md#partitions):
 * every {@code period} it asks the store for the head (epoch, last sequence number) of every channel it
 * consumes — one {@code herald.history.heads} request per {@value HistoryMessages#MAX_HEADS} channels,
 * one pipelined round trip to Redis — and hands each head to the fan-out, which fills from the history
 * what the bus has not delivered. While the bus works this finds nothing and costs one small request per
 * period; while it does not (a member cut off, Hazelcast's detection window, a split-brain merge) it
 * bounds how late an event can be to about two periods plus a history read. One check runs at a time;
 * on the fan-out's context.
 */
final class StoreCheck {
  private static final Logger LOG = LoggerFactory.getLogger(StoreCheck.class);

  private final Vertx vertx;
  private final HistoryClient history;
  private final long periodMs;
  private final Supplier<List<String>> channels;
  private final Predicate<ChannelHead> onHead;
  private final Counter checks;
  private final Counter behind;
  private final Counter failures;
  private long timer = -1;
  private boolean running;
  private boolean failing;

  /**
   * @param periodMs how often every channel is checked
   * @param channels the channels the fan-out consumes now
   * @param onHead   told of each channel's head, on the fan-out's context; true when it fills from the
   *                 history events the bus did not bring
   */
  StoreCheck(Vertx vertx, HistoryClient history, long periodMs, Supplier<List<String>> channels,
             Predicate<ChannelHead> onHead, MeterRegistry registry) {
    this.vertx = vertx;
    this.history = history;
    this.periodMs = periodMs;
    this.channels = channels;
    this.onHead = onHead;
    this.checks = Counter.builder("herald.sse.store.checks")
        .description("Requests for the heads of the channels this node's fan-out consumes (G7)").register(registry);
    this.behind = Counter.builder("herald.sse.store.behind")
        .description("Times a channel's fan-out was found behind the store and filled from the history what the "
            + "event bus had not brought (G7)").register(registry);
    this.failures = Counter.builder("herald.sse.store.check.failures")
        .description("Head checks that failed (store or replay verticle unreachable)").register(registry);
  }

  /** Starts the periodic check (call on the fan-out's context). */
  void start() {
    timer = vertx.setPeriodic(periodMs, id -> checkAll());
    LOG.info("fan-out checks the store for events the event bus did not bring every {} ms", periodMs);
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Checks one channel now: a new feed learns where the channel stands. */
  void checkNow(String channel) {
    request(List.of(channel));
  }

  private void checkAll() {
    if (running) {
      return;
    }
    List<String> all = channels.get();
    if (all.isEmpty()) {
      return;
    }
    running = true;
    List<Future<Void>> parts = new ArrayList<>();
    for (int i = 0; i < all.size(); i += HeadsRequest.MAX_CHANNELS) {
      parts.add(request(all.subList(i, Math.min(all.size(), i + HeadsRequest.MAX_CHANNELS))));
    }
    Future.join(parts).onComplete(ar -> running = false);
  }

  private Future<Void> request(List<String> some) {
    checks.increment();
    return history.heads(List.copyOf(some)).andThen(ar -> {
      if (ar.succeeded()) {
        if (failing) {
          failing = false;
          LOG.info("fan-out store check answers again");
        }
        for (ChannelHead head : ar.result()) {
          if (onHead.test(head)) {
            behind.increment();
          }
        }
      } else {
        failures.increment();
        if (!failing) {
          failing = true;
          LOG.warn("fan-out store check failed: {}; until it answers, only the event bus brings events",
              ar.cause().getMessage());
        }
      }
    }).mapEmpty();
  }
}
