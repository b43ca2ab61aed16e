package dev.herald.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * How Herald's typed clients send a request on the event bus, and how its verticles read one
 * (docs/event-bus.md#requests):
 *
 * <ul>
 *   <li><b>Local first.</b> A request goes to a consumer on this node when there is one (the node runs
 *   that role), and to the cluster only when there is none ({@code NO_HANDLERS}). The event bus would
 *   otherwise pick a node round robin: a network hop per request, and, while a member is cut off but
 *   not yet noticed, a request that waits out its timeout on the far side.</li>
 *   <li><b>Local calls.</b> When the verticle serving an address runs in the caller's own Vert.x and offers
 *   its work as a {@link LocalServices local service}, a typed client calls it directly ({@link #local}),
 *   with the same deadline ({@link #deadline()}), instead of sending a message.</li>
 *   <li><b>Deadline.</b> Each request carries the header {@value #DEADLINE}: the wall-clock time
 *   (epoch milliseconds) after which its caller has stopped waiting. A verticle refuses a request it
 *   cannot finish by then ({@link #tooLate}), so a request that arrives late (held in a connection
 *   while the network was cut) is never carried out after its caller was told it failed. The caller
 *   waits {@value #REPLY_GRACE_MS} ms past the deadline for the answer, so an answer given just before
 *   it still arrives. The deadline is read with the receiver's clock: nodes' clocks must agree within
 *   that grace (NTP does).</li>
 * </ul>
 *
 * A request without the header (a caller that does not use this class) has no deadline.
 */
public final class BusRequests {
  /** The header carrying a request's deadline, in epoch milliseconds. */
  public static final String DEADLINE = "herald-deadline";
  /** How long past the deadline a caller still waits for the answer: its trip back, and clock skew. */
  public static final long REPLY_GRACE_MS = 500;

  private final EventBus bus;
  private final long timeoutMs;
  private final LongSupplier clock;
  private final ConcurrentMap<String, List<Object>> services;

  /**
   * @param bus       the event bus
   * @param timeoutMs how long a caller waits: each request's deadline is this far ahead of its send
   */
  public BusRequests(EventBus bus, long timeoutMs) {
    this(bus, timeoutMs, System::currentTimeMillis);
  }

  BusRequests(EventBus bus, long timeoutMs, LongSupplier clock) {
    if (timeoutMs < 1) {
      throw new IllegalArgumentException("the request timeout must be at least 1 ms");
    }
    this.bus = bus;
    this.timeoutMs = timeoutMs;
    this.clock = clock;
    this.services = LocalServices.of(bus);
  }

  /**
   * The service that this Vert.x's verticle serving {@code address} offers ({@link LocalServices}), or
   * {@code null} when there is none: then send a {@link #request}.
   */
  public <S> S local(String address, Class<S> type) {
    return LocalServices.find(services, address, type);
  }

  /** The deadline of a request made now (epoch ms): a local call is given it as a message would carry it. */
  public long deadline() {
    return clock.getAsLong() + timeoutMs;
  }

  public long timeoutMs() {
    return timeoutMs;
  }

  /** Sends a request, local first, with its deadline; fails as {@link EventBus#request} does. */
  public <T> Future<Message<T>> request(String address, Object body) {
    long deadline = deadline();
    return this.<T>send(address, body, deadline, true).recover(failure -> {
      if (failure instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS) {
        return send(address, body, deadline, false);
      }
      return Future.failedFuture(failure);
    });
  }

  private <T> Future<Message<T>> send(String address, Object body, long deadline, boolean localOnly) {
    long left = Math.max(1, deadline - clock.getAsLong());
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(localOnly).setSendTimeout(left + REPLY_GRACE_MS)
        .addHeader(DEADLINE, Long.toString(deadline));
    return bus.request(address, body, options);
  }

  /** The deadline {@code message} carries (epoch ms), or {@link Long#MAX_VALUE} when it carries none. */
  public static long deadline(Message<?> message) {
    String value = message.headers().get(DEADLINE);
    if (value == null) {
      return Long.MAX_VALUE;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Why {@code message} must be refused now, or {@code null} when work that may take up to
   * {@code workMs} (a store's own timeout; 0 for work done at once) still ends before its deadline.
   */
  public static String tooLate(Message<?> message, long workMs) {
    return tooLate(deadline(message), workMs, System.currentTimeMillis());
  }

  /**
   * Why work with {@code deadline} (epoch ms, {@link Long#MAX_VALUE} for none) must be refused now, or
   * {@code null}: {@link #tooLate(Message, long)} for a {@link #local} call.
   */
  public static String tooLate(long deadline, long workMs) {
    return tooLate(deadline, workMs, System.currentTimeMillis());
  }

  static String tooLate(long deadline, long workMs, long now) {
    if (deadline == Long.MAX_VALUE) {
      return null;
    }
    if (now >= deadline) {
      return "the request arrived " + (now - deadline) + " ms after its deadline; its caller has stopped waiting";
    }
    if (now + workMs > deadline) {
      return "the request arrived " + (deadline - now) + " ms before its deadline, less than the " + workMs
          + " ms the store may take; its caller would stop waiting first";
    }
    return null;
  }
}
