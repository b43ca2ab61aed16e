package dev.herald.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Typed client of {@code herald.info}, served by every Herald node. A verticle that joined a Herald
 * cluster calls {@link #await} first: it proves the event bus reaches Herald (right cluster name, right
 * members, right prefix) and fails with a message that says what to check, instead of every later request
 * failing with {@code NO_HANDLERS}.
 */
public final class NodeClient {
  static final long RETRY_MS = 250;

  private final Vertx vertx;
  private final NodeAddresses addresses;
  private final DeliveryOptions options;

  public NodeClient(Vertx vertx, NodeAddresses addresses, long timeoutMs) {
    this.vertx = vertx;
    this.addresses = addresses;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public NodeAddresses addresses() {
    return addresses;
  }

  /** One node's answer (round robin over the nodes). */
  public Future<NodeInfo> info() {
    return vertx.eventBus().<JsonObject>request(addresses.info(), new JsonObject(), options)
        .map(m -> NodeInfo.fromJson(m.body()));
  }

  /**
   * Asks {@code herald.info} until a node answers, for at most {@code within}: a member that just joined
   * may not see the nodes' registrations for a moment. Fails with {@link IllegalStateException} saying what
   * to check when none answers.
   */
  public Future<NodeInfo> await(Duration within) {
    Promise<NodeInfo> done = Promise.promise();
    attempt(System.nanoTime() + within.toNanos(), within, done);
    return done.future();
  }

  private void attempt(long deadline, Duration within, Promise<NodeInfo> done) {
    info().onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(ar.result());
      } else if (System.nanoTime() - deadline >= 0) {
        done.fail(new IllegalStateException(noHerald(ar.cause(), within)));
      } else {
        vertx.setTimer(RETRY_MS, id -> attempt(deadline, within, done));
      }
    });
  }

  private String noHerald(Throwable last, Duration within) {
    String why = last instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
        ? "nobody serves " + addresses.info() + " on this event bus"
        : String.valueOf(last.getMessage());
    return "no Herald node answered " + addresses.info() + " within " + within.toMillis() + " ms (" + why + "): "
        + (vertx.isClustered()
            ? "check that this Vert.x joined Herald's cluster (the cluster name, the member list or discovery, "
                + "the event-bus host) and that the prefix is Herald's name"
            : "this Vert.x is not clustered, and no Herald node runs in it");
  }
}
