package dev.herald.gateway;

import dev.herald.gateway.auth.AuthFailure;
import dev.herald.gateway.auth.Caller;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code auth.maxStreamsPerClient} (docs/operations.md#limits): the streams one client — a user in jwt mode,
 * an address in open mode — holds open on this node. Per node, because what it guards is per node (sockets,
 * memory); across a cluster of N nodes behind a balancer a client may hold up to N times the bound. A stream
 * takes a slot before it is handed to the sse verticle and gives it back when its response ends, however it
 * ends (the client left, eviction, drain, token expiry, a refusal): the response's end handler fires once.
 */
final class ClientStreams {
  private final int max;
  private final long retryAfterSeconds;
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
  private final Refusals refusals = new Refusals("streams per client (auth.maxStreamsPerClient)");

  /**
   * @param max               streams per client; 0 for no bound
   * @param retryAfterSeconds the {@code Retry-After} of a refusal
   */
  ClientStreams(int max, long retryAfterSeconds) {
    this.max = max;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Takes a slot for {@code caller}'s stream on {@code response}, freed when it ends; a {@code 429} past the bound. */
  void admit(Caller caller, HttpServerResponse response) {
    String client = caller.client();
    if (max <= 0 || client == null) {
      return;
    }
    boolean[] taken = new boolean[1];
    open.compute(client, (k, n) -> {
      int now = n == null ? 0 : n;
      taken[0] = now < max;
      return taken[0] ? now + 1 : now;
    });
    if (!taken[0]) {
      refusals.refused(client, max);
      throw AuthFailure.tooMany("too-many-streams", "this " + (caller.authenticated() ? "user" : "address")
          + " already holds " + max + " open streams on this node (auth.maxStreamsPerClient); close one first",
          retryAfterSeconds);
    }
    response.endHandler(v -> open.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1));
  }

  /** Streams {@code client} holds open now (tests). */
  int held(String client) {
    return open.getOrDefault(client, 0);
  }
}
