package dev.herald.sse;

import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.GapReason;
import dev.herald.replay.api.HistoryPage;
import dev.herald.replay.api.StoredEvent;
import dev.herald.sse.api.StreamInfo;
import dev.herald.sse.api.StreamRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's stream over one or more channels (docs/http-api.md#streams, docs/architecture.md Flow 2), on its loop only.
 *
 * <p>{@code OPENING}: registered in the loop first, live events queue from here on; once the fan-out
 * consumes every channel, the stream takes a position in each (the resumed id's, or the channel's head:
 * see {@link StreamStart}), then the 200 and the first bytes go out. {@code REPLAYING}: for each
 * channel the id covers, the history after its position is written (a {@code herald.gap} first when
 * some is gone). Then the queued live events are written, dropping those at or below what was already
 * written for their channel, and the stream is {@code LIVE}. Queued bytes count against
 * {@code sse.maxQueuedBytes} like written ones.
 *
 * <p>Catch-up (clusters): when this node's consumer of a channel is newly registered, the other nodes
 * learn of it a moment later (Hazelcast spreads the registration, and each node's event-bus routing
 * updates after it), and events they publish meanwhile do not come here. A stream that joins such a
 * channel therefore reads the channel's history after its position again {@value #CATCH_UP_FIRST_MS} ms
 * and {@value #CATCH_UP_LAST_MS} ms after that registration, writing what the bus did not bring (the
 * positions drop what it did). A later live event would reveal such a hole too, but on a channel that
 * then goes quiet nothing else would. Every stream has a position in every channel (a live-only one
 * stands at the heads), so every stream takes part; besides, a live-only stream joining a fresh channel
 * sends its 200 only once the other nodes have had
 * {@value #CATCH_UP_FIRST_MS} ms to learn of the registration ({@code routingWait}), so what is
 * published after the client sees the stream open is routed here. (Events that arrive meanwhile are
 * queued and written like any live event.)
 */
final class ChannelStream implements SseConnection.Owner {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelStream.class);
  private static final int PAGE = 200;
  /** After a channel's consumer registered, when a stream that joined it reads its history again (ms). */
  static final long CATCH_UP_FIRST_MS = 1_000;
  static final long CATCH_UP_LAST_MS = 4_000;
  /** A failed catch-up read is tried again this often, this many times, before the stream is closed. */
  static final long CATCH_UP_RETRY_MS = 2_000;
  static final int CATCH_UP_RETRIES = 30;

  enum State { OPENING, REPLAYING, LIVE, CLOSED }

  private record Queued(int index, EncodedEvent event) {
  }

  private final NodeStreams node;
  private final LoopStreams loop;
  private final SseConnection connection;
  /** Until the replay has read it: a live stream needs none of it (its channels are in the positions). */
  private StreamRequest request;
  private final StreamPositions positions;
  private final LoopStreams.Subscription[] subs;
  private final boolean single;
  private final int envelope;
  private State state = State.OPENING;
  private ArrayDeque<Queued> queue = new ArrayDeque<>();
  private long queuedBytes;
  private StreamInfo info;
  private boolean catchingUp;
  private int catchUpFailures;
  /** When the stream's token expires (epoch ms), 0 for never; and the timer that ends it then. */
  private final long expiresAt;
  private long expiryTimer = -1;
  /** Where the stream started in each channel (set before the 200). */
  private StreamStart start;

  ChannelStream(NodeStreams node, LoopStreams loop, SseConnection connection, StreamRequest request) {
    this.node = node;
    this.loop = loop;
    this.connection = connection;
    this.request = request;
    this.positions = new StreamPositions(request.channels());
    this.subs = new LoopStreams.Subscription[request.channels().size()];
    this.single = subs.length == 1;
    this.envelope = request.envelope();
    this.expiresAt = request.expiresAt();
  }

  void open() {
    connection.bind(this);
    loop.attach(connection);
    List<Future<Void>> ready = new ArrayList<>(subs.length);
    Cursor.Position[] known = new Cursor.Position[subs.length];
    for (int i = 0; i < subs.length; i++) {
      subs[i] = new LoopStreams.Subscription(this, i);
      ready.add(loop.join(positions.channel(i), subs[i]));
      known[i] = loop.knownHead(positions.channel(i));
    }
    Future.all(ready).compose(x -> state == State.CLOSED ? Future.<StreamStart>succeededFuture(null)
            : StreamStart.resolve(request.lastEventId(), positions, known, loop, node.history(), keepHeads()))
        .onComplete(ar -> {
      if (state == State.CLOSED) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("stream on {} could not subscribe or read where its channels stand: {}", request.channels(),
            ar.cause().getMessage());
        if (subscribed(ready)) {
          // Not a 503, which would stop an EventSource for good: the prelude's retry: brings it back.
          connection.start(node.prelude());
          connection.close(SseConnection.UNAVAILABLE);
        } else {
          connection.refuse(503, Problems.UNAVAILABLE, "Service unavailable",
              "The stream could not subscribe to its channels; retry shortly.", SseConnection.UNAVAILABLE);
        }
        return;
      }
      start = ar.result();
      long wait = routingWait();
      if (wait > 0) {
        Internals.setTimer(loop.context(), wait, id -> {
          if (state != State.CLOSED) {
            begin();
          }
        });
      } else {
        begin();
      }
    });
  }

  private static boolean subscribed(List<Future<Void>> ready) {
    return ready.stream().allMatch(Future::succeeded);
  }

  /**
   * Whether a head read may stand for the channel on this loop afterwards: always on one node; in a
   * cluster only once the other nodes surely route the channel here (its consumer is older than the
   * catch-up window), since an event they published before that would be missing behind the head.
   */
  private boolean keepHeads() {
    if (!node.catchUp()) {
      return true;
    }
    long now = System.nanoTime();
    for (int i = 0; i < subs.length; i++) {
      long at = loop.registeredAt(positions.channel(i));
      if (at == 0 || now - at < TimeUnit.MILLISECONDS.toNanos(CATCH_UP_LAST_MS)) {
        return false;
      }
    }
    return true;
  }

  /**
   * How long a live-only stream (no id to resume from) waits before its 200 in a cluster: until
   * {@value #CATCH_UP_FIRST_MS} ms after the youngest registration of its channels on this node, so
   * that the other nodes route those channels here by the time the client is told the stream is open.
   * A stream with a position needs no wait (the catch-up reads fill what the bus did not bring), nor
   * does one whose channels were consumed here before.
   */
  private long routingWait() {
    if (!node.catchUp() || request.lastEventId() != null && !request.lastEventId().isEmpty()) {
      return 0;
    }
    long now = System.nanoTime();
    long wait = 0;
    for (int i = 0; i < subs.length; i++) {
      long at = loop.registeredAt(positions.channel(i));
      if (at != 0) {
        wait = Math.max(wait, TimeUnit.NANOSECONDS.toMillis(at - now) + CATCH_UP_FIRST_MS);
      }
    }
    return wait;
  }

  private void begin() {
    connection.start(node.prelude());
    if (connection.isClosed()) {
      return;
    }
    state = State.REPLAYING;
    info = node.opened(connection.remoteAddress(), request.channels(), request.sessionId(), request.userId());
    if (expiresAt > 0) {
      // Whatever it is doing then (replaying, live): what it wrote is what its last id covers; the rest
      // comes with the replay of the client's next stream.
      expiryTimer = Internals.setTimer(loop.context(), Math.max(1, expiresAt - System.currentTimeMillis()),
          id -> connection.expire(SseFrames.expired(envelope)));
    }
    request = null;
    if (envelope == StreamRequest.EVENT) {
      // where the stream starts, as an id the client can resume from before any event arrives
      connection.write(SseFrames.join(SseFrames.idLine(positions.cursor()), SseFrames.OPEN));
    }
    replay().onComplete(ar -> {
      if (state == State.CLOSED) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("stream {}: history unavailable for replay ({}); closing so the client resumes", info.streamId(),
            ar.cause().getMessage());
        connection.close(SseConnection.UNAVAILABLE);
        return;
      }
      goLive();
    });
  }

  /**
   * Events of channel {@code index} from the fan-out, in order; returns how many were written. A live
   * stream writes all it accepts of them at once (one write, one flush), reusing the bytes of a stream
   * that stood where it stands ({@link LoopStreams.Batch}).
   */
  int onEvents(int index, LoopStreams.Batch batch) {
    int n = batch.size();
    if (state == State.LIVE) {
      if (n == 1) {
        return deliver(index, batch.event(0), true, batch.shared(0)) ? 1 : 0;
      }
      Buffer[] parts = batch.parts();
      int count = 0;
      for (int k = 0; k < n; k++) {
        EncodedEvent event = batch.event(k);
        switch (positions.accept(index, event.event(), true)) {
          case DUPLICATE:
            break;
          case HOLE:
            hole(event);
            return 0;
          default:
            parts[count++] = single ? event.singleChannelFrame(envelope) : multiChannelFrame(event, batch.shared(k));
        }
      }
      return count > 0 && connection.write(batch.join(parts, count)) ? count : 0;
    }
    if (state == State.CLOSED) {
      return 0;
    }
    for (int k = 0; k < n; k++) {
      EncodedEvent event = batch.event(k);
      queue.add(new Queued(index, event));
      queuedBytes += event.approximateSize();
    }
    if (queuedBytes + connection.queued() > node.options().maxQueuedBytes()) {
      connection.close(SseConnection.EVICTED);
    }
    return 0;
  }

  /** A live event showed that events before it never reached this stream: the client resumes from history. */
  private void hole(EncodedEvent event) {
    LOG.warn("stream {}: events missing before seq {} of {}; closing so the client resumes from history",
        info.streamId(), event.event().seq(), event.event().channel());
    connection.close(SseConnection.EVICTED);
  }

  private boolean deliver(int index, EncodedEvent event, boolean strict, SharedFrame shared) {
    switch (positions.accept(index, event.event(), strict)) {
      case DUPLICATE:
        return false;
      case HOLE:
        hole(event);
        return false;
      default:
        return connection.write(single ? event.singleChannelFrame(envelope) : multiChannelFrame(event, shared));
    }
  }

  /** The frame of a multi-channel stream: its own cursor as id, unless a stream just before stood here too. */
  private Buffer multiChannelFrame(EncodedEvent event, SharedFrame shared) {
    if (shared != null && shared.envelope == envelope && positions.sameAs(shared.positions)) {
      return shared.frame;
    }
    Buffer frame = SseFrames.join(SseFrames.idLine(positions.cursor()), event.body(envelope));
    if (shared != null) {
      shared.positions = positions;
      shared.envelope = envelope;
      shared.frame = frame;
    }
    return frame;
  }

  /**
   * The last multi-channel frame built while one event is delivered on one loop. Streams that follow
   * the same channels and have seen the same events write the same bytes: build them once.
   */
  static final class SharedFrame {
    private StreamPositions positions;
    private int envelope;
    private Buffer frame;
  }

  private void goLive() {
    scheduleCatchUp();
    ArrayDeque<Queued> pending = queue;
    queue = null;
    queuedBytes = 0;
    state = State.LIVE;
    int delivered = 0;
    for (Queued q : pending) {
      if (state != State.LIVE) {
        return;
      }
      if (deliver(q.index(), q.event(), true, null)) {
        delivered++;
      }
    }
    node.metrics().delivered(delivered);
  }

  // ---- catch-up after a fresh registration ----

  /** Schedules the catch-up reads of the channels whose consumer on this node is newly registered. */
  private void scheduleCatchUp() {
    if (!node.catchUp()) {
      return;
    }
    long now = System.nanoTime();
    long youngest = 0;
    for (int i = 0; i < subs.length; i++) {
      long at = loop.registeredAt(positions.channel(i));
      if (at != 0 && now - at < TimeUnit.MILLISECONDS.toNanos(CATCH_UP_LAST_MS)) {
        youngest = youngest == 0 ? at : Math.max(youngest, at);
      }
    }
    if (youngest == 0) {
      return;
    }
    for (long offset : new long[] {CATCH_UP_FIRST_MS, CATCH_UP_LAST_MS}) {
      long delayMs = TimeUnit.NANOSECONDS.toMillis(youngest + TimeUnit.MILLISECONDS.toNanos(offset) - now);
      Internals.setTimer(loop.context(), Math.max(1, delayMs), id -> catchUp(false));
    }
  }

  /**
   * Reads, for each fresh channel this stream has a position in, the history after that position;
   * {@code retry} (an earlier read failed) reads every channel it has a position in.
   */
  private void catchUp(boolean retry) {
    if (state != State.LIVE || catchingUp) {
      return;
    }
    long now = System.nanoTime();
    boolean[] read = new boolean[subs.length];
    String[] after = new String[subs.length];
    boolean any = false;
    for (int i = 0; i < subs.length; i++) {
      long at = loop.registeredAt(positions.channel(i));
      boolean fresh = at != 0 && now - at < TimeUnit.MILLISECONDS.toNanos(CATCH_UP_LAST_MS + 1_000);
      if ((fresh || retry) && positions.known(i)) {
        read[i] = true;
        after[i] = positions.after(i);
        any = true;
      }
    }
    if (!any) {
      return;
    }
    catchingUp = true;
    Promise<Void> done = Promise.promise();
    replayChannel(0, read, after, done);
    done.future().onComplete(ar -> {
      catchingUp = false;
      if (ar.failed() && state != State.CLOSED) {
        // The store is unreachable, so nothing new can be stored either: keep the stream open and look
        // again later; only after CATCH_UP_RETRIES more failures let the client resume by itself.
        if (catchUpFailures++ < CATCH_UP_RETRIES) {
          LOG.debug("stream {}: catch-up read failed ({}); retrying", info.streamId(), ar.cause().getMessage());
          Internals.setTimer(loop.context(), CATCH_UP_RETRY_MS, id -> catchUp(true));
        } else {
          LOG.info("stream {}: catch-up reads keep failing ({}); closing so the client resumes",
              info.streamId(), ar.cause().getMessage());
          connection.close(SseConnection.UNAVAILABLE);
        }
      }
    });
  }

  // ---- replay ----

  /**
   * Writes what the client missed in the channels it resumed, channel after channel (after the
   * {@code invalid-cursor} gaps of an unreadable id, whose channels start at their heads).
   */
  private Future<Void> replay() {
    boolean[] replay = start.resumed();
    if (start.invalidCursor()) {
      for (int i = 0; i < subs.length; i++) {
        connection.write(SseFrames.gap(positions.channel(i), GapReason.INVALID_CURSOR, envelope));
      }
    }
    String[] after = new String[subs.length];
    boolean any = false;
    for (int i = 0; i < subs.length; i++) {
      if (replay[i]) {
        after[i] = positions.after(i);
        any = true;
      }
    }
    if (!any) {
      return Future.succeededFuture(); // live only: every channel starts at its head
    }
    Promise<Void> done = Promise.promise();
    replayChannel(0, replay, after, done);
    return done.future();
  }

  private void replayChannel(int from, boolean[] replay, String[] after, Promise<Void> done) {
    int i = from;
    while (i < subs.length && !replay[i]) {
      i++;
    }
    if (i == subs.length || state == State.CLOSED) {
      done.tryComplete();
      return;
    }
    int next = i + 1;
    readPage(i, after[i], () -> replayChannel(next, replay, after, done), done);
  }

  private void readPage(int index, String after, Runnable next, Promise<Void> done) {
    loop.readHistory(node.history(), positions.channel(index), after, PAGE).onComplete(ar -> {
      if (state == State.CLOSED) {
        done.tryComplete();
        return;
      }
      if (ar.failed()) {
        done.tryFail(ar.cause());
        return;
      }
      HistoryPage page = ar.result();
      if (page.gap() != null) {
        connection.write(SseFrames.gap(positions.channel(index), page.gap(), envelope));
        if (page.events().isEmpty()) {
          positions.restartAt(index, page.epoch(), System.currentTimeMillis() / 1000);
        }
      }
      List<StoredEvent> events = page.events();
      Runnable then = page.more() && !events.isEmpty()
          ? () -> readPage(index, events.get(events.size() - 1).id(), next, done)
          : next;
      writePage(index, events, 0, then, done);
    });
  }

  /**
   * Writes replayed events, several per write (up to half the stream's bound at a time, so one write
   * never evicts it), pausing while the client is behind so history alone never evicts it.
   */
  private void writePage(int index, List<StoredEvent> events, int from, Runnable then, Promise<Void> done) {
    int k = from;
    List<Buffer> parts = new ArrayList<>();
    while (k < events.size()) {
      if (state == State.CLOSED) {
        done.tryComplete();
        return;
      }
      if (connection.congested()) {
        int resume = k;
        connection.whenDrained(() -> writePage(index, events, resume, then, done));
        return;
      }
      long room = node.options().maxQueuedBytes() / 2 - connection.queued();
      long bytes = 0;
      parts.clear();
      while (k < events.size() && (parts.isEmpty() || bytes < room)) {
        Buffer frame = replayFrame(index, new EncodedEvent(events.get(k++)));
        if (frame != null) {
          parts.add(frame);
          bytes += frame.length();
        }
      }
      if (!parts.isEmpty() && connection.write(SseFrames.concat(parts.toArray(new Buffer[0]), parts.size()))) {
        node.metrics().delivered(parts.size());
        if (catchingUp) {
          node.metrics().caughtUp(parts.size());
        }
      }
    }
    if (state == State.CLOSED) {
      done.tryComplete();
      return;
    }
    then.run();
  }

  /** The frame of a replayed event, or {@code null} when the stream already has it. */
  private Buffer replayFrame(int index, EncodedEvent event) {
    if (positions.accept(index, event.event(), false) != StreamPositions.Verdict.WRITE) {
      return null;
    }
    return single ? event.singleChannelFrame(envelope) : multiChannelFrame(event, null);
  }

  @Override
  public void closed(String reason) {
    state = State.CLOSED;
    queue = null;
    if (expiryTimer >= 0) {
      loop.context().owner().cancelTimer(expiryTimer);
    }
    for (int i = 0; i < subs.length; i++) {
      if (subs[i] != null) {
        loop.leave(positions.channel(i), subs[i]);
      }
    }
    loop.detach(connection);
    node.released(info, reason);
  }
}
