package dev.herald.example;

import dev.herald.gateway.api.NodeClient;
import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.heartbeat.api.PresenceEvent;
import dev.herald.replay.api.ChannelFollower;
import dev.herald.replay.api.ChannelGap;
import dev.herald.replay.api.HistoryClient;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.StoredEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A verticle of another project using Herald over the event bus, as docs/event-bus.md shows it: it asks
 * {@code herald.info} which node answers, watches presence, follows a channel in order with a
 * {@link ChannelFollower}, publishes to it, and checks that what it followed is exactly what the history
 * holds — every event once, in sequence order, whoever published it and on whichever node.
 *
 * <p>It reports on standard output, one line each: {@code INFO …}, {@code READY} once it follows the channel,
 * {@code PRESENCE …} for its own session's connect and disconnect, and at the end {@code RESULT ok …} or
 * {@code RESULT failed …}; {@link #done()} completes with the verdict.
 */
public final class BusClient extends VerticleBase {
  private final Settings settings;
  private final Promise<String> done = Promise.promise();
  private final List<StoredEvent> followed = new ArrayList<>();
  private final List<ChannelGap> gaps = new ArrayList<>();
  private HistoryClient history;
  private ChannelFollower follower;
  private long published;
  /** What the raw fan-out address delivered, for comparison: events, and those not right after the one before. */
  private long raw;
  private long rawOutOfOrder;
  private long rawLastSeq;

  public BusClient(Settings settings) {
    this.settings = settings;
  }

  /** Completes with the {@code RESULT ok} line, or fails with what went wrong. */
  public Future<String> done() {
    return done.future();
  }

  @Override
  public Future<?> start() {
    NodeClient node = new NodeClient(vertx, settings.node(), settings.timeoutMs());
    PresenceClient presence = new PresenceClient(vertx.eventBus(), settings.presence(), settings.timeoutMs());
    history = new HistoryClient(vertx.eventBus(), settings.history(), settings.timeoutMs());
    return node.info().compose(info -> {
      say("INFO node " + info.nodeId() + " version " + info.version() + " roles " + info.roles() + " members "
          + info.members().size());
      return watchPresence(presence);
    }).compose(v -> history.consumer(settings.channel(), this::onRaw).completion()).compose(v -> {
      follower = history.follow(vertx, settings.channel(), ChannelFollower.From.earliest(), new ChannelFollower.Listener() {
        @Override
        public void event(StoredEvent e) {
          onEvent(e);
        }

        @Override
        public void gap(ChannelGap gap) {
          gaps.add(gap);
        }
      });
      return follower.completion();
    }).onSuccess(v -> {
      say("READY following " + settings.channel());
      publishOwn();
    });
  }

  /** Starts and stops a session of its own and waits to hear both presence events (from any node). */
  private Future<Void> watchPresence(PresenceClient presence) {
    Promise<Void> heard = Promise.promise();
    String sessionId = "bus-client-" + deploymentID().replaceAll("[^A-Za-z0-9]", "").toLowerCase();
    var disconnects = presence.on(PresenceEvent.Type.DISCONNECT, e -> {
      if (e.session().sessionId().equals(sessionId)) {
        say("PRESENCE disconnect " + sessionId + " reason " + e.reason());
        heard.tryComplete();
      }
    });
    var connects = presence.on(PresenceEvent.Type.CONNECT, e -> {
      if (e.session().sessionId().equals(sessionId)) {
        say("PRESENCE connect " + sessionId + " user " + e.session().userId());
        presence.stop(sessionId).onFailure(heard::tryFail);
      }
    });
    return Future.all(connects.completion(), disconnects.completion())
        .compose(x -> presence.start(sessionId, "example", new JsonObject().put("from", "bus-client")))
        .compose(started -> heard.future())
        .eventually(() -> Future.join(connects.unregister(), disconnects.unregister()));
  }

  /** Publishes this client's share of the events, all at once (concurrently with the other publishers). */
  private void publishOwn() {
    for (int i = 0; i < settings.publish(); i++) {
      String data = new JsonObject().put("from", "bus-client").put("n", i).encode();
      history.publish(new PublishRequest(settings.channel(), "bus", data, null))
          .onSuccess(r -> published++)
          .onFailure(e -> fail("a publish failed: " + e.getMessage()));
    }
  }

  private void onRaw(StoredEvent e) {
    raw++;
    if (e.seq() != rawLastSeq + 1) {
      rawOutOfOrder++;
    }
    rawLastSeq = Math.max(rawLastSeq, e.seq());
  }

  private void onEvent(StoredEvent e) {
    followed.add(e);
    if (followed.size() == settings.expect()) {
      vertx.setTimer(settings.settleMs(), id -> check()); // then nothing more may come
    } else if (followed.size() > settings.expect()) {
      fail("more events than expected: " + followed.size() + " > " + settings.expect());
    }
  }

  /** Order and exactly-once: seq 1..n with no hole and no repeat, equal to what the history holds. */
  private void check() {
    if (followed.size() != settings.expect()) {
      fail("followed " + followed.size() + " events, expected " + settings.expect());
      return;
    }
    for (int i = 0; i < followed.size(); i++) {
      StoredEvent e = followed.get(i);
      if (e.seq() != i + 1 || e.epoch() != followed.get(0).epoch()) {
        fail("event " + i + " is seq " + e.seq() + " (epoch " + e.epoch() + "): not in order");
        return;
      }
    }
    if (!gaps.isEmpty()) {
      fail("gaps reported: " + gaps);
      return;
    }
    history.read(settings.channel(), null, settings.expect()).onComplete(ar -> {
      if (ar.failed()) {
        fail("history read failed: " + ar.cause().getMessage());
        return;
      }
      HistoryPage page = ar.result();
      if (!page.events().equals(followed)) {
        fail("the history holds " + page.events().size() + " events that differ from the " + followed.size()
            + " followed");
        return;
      }
      String line = "RESULT ok followed " + followed.size() + " events in order, each once, equal to the history;"
          + " published " + published + " of them over the bus; last id " + follower.lastId()
          + "; the raw fan-out address delivered " + raw + ", " + rawOutOfOrder + " of them out of order";
      say(line);
      done.tryComplete(line);
    });
  }

  private void fail(String why) {
    if (done.tryFail(why)) {
      say("RESULT failed " + why);
    }
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
