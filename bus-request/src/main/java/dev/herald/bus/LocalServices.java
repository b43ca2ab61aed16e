package dev.herald.bus;

import io.vertx.core.eventbus.EventBus;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The services a node's verticles offer to the typed clients of the same Vert.x, called directly instead of
 * through the event bus (docs/event-bus.md#requests). A verticle that serves an address registers, beside its
 * consumer, an object that does the same work as a method call; {@link BusRequests#local} finds it. A request
 * to this node's own verticle then costs no message: no copy of its body, no reply handler, no hand-over to
 * the verticle's thread and back. It runs on the caller's thread and completes as the store answers. Remote
 * callers, and clients of a Vert.x without the service, use the event bus as before.
 *
 * <p>A service is registered while its verticle runs (after its consumers are registered, removed first
 * when it stops): a node that withdraws a role (a drain) sends its requests to the cluster from then on.
 * A service must be safe to call from any thread, do what the bus handler does (the same checks, the same
 * deadline rule, the same failure codes in a {@link io.vertx.core.eventbus.ReplyException}) and never block.
 */
public final class LocalServices {
  private static final Map<EventBus, ConcurrentMap<String, List<Object>>> BY_BUS =
      Collections.synchronizedMap(new WeakHashMap<>());

  private LocalServices() {
  }

  /** The services of {@code bus}'s Vert.x, by address (the same map for every call with that bus). */
  static ConcurrentMap<String, List<Object>> of(EventBus bus) {
    return BY_BUS.computeIfAbsent(bus, b -> new ConcurrentHashMap<>());
  }

  /**
   * Offers {@code service} for {@code address} to the clients of {@code bus}'s Vert.x until the returned
   * handle is closed. When several verticles of one Vert.x serve an address, the first registered answers.
   */
  public static Registration register(EventBus bus, String address, Object service) {
    List<Object> list = of(bus).computeIfAbsent(address, a -> new CopyOnWriteArrayList<>());
    list.add(service);
    return () -> list.remove(service);
  }

  /** The service registered for {@code address} that is a {@code type}, or {@code null}. */
  static <S> S find(ConcurrentMap<String, List<Object>> services, String address, Class<S> type) {
    List<Object> list = services.get(address);
    if (list == null) {
      return null;
    }
    for (Object s : list) {
      if (type.isInstance(s)) {
        return type.cast(s);
      }
    }
    return null;
  }

  /** A registered service; {@link #close} withdraws it. */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }
}
