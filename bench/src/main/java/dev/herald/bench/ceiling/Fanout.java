package dev.herald.bench.ceiling;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Channel membership and the fan-out itself. Each event loop keeps its own plain map of channel name
 * to the streams it serves (only that loop touches it, so no lock). A publish encodes its frame once
 * and hands one reference to every loop through a lock-free queue; a loop drains its queue in one task
 * per tick: for each event, one write of a shared duplicate per subscriber, then ONE flush per stream
 * touched (so the events that arrive in the same tick leave in one syscall per stream, as a batching
 * server would do, and there is one cross-thread hand-over per loop per tick, not per subscriber).
 */
final class Fanout {
  private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CRLF = {'\r', '\n'};

  /** One event loop's streams and its queue of events to write. */
  static final class Loop {
    final EventLoop loop;
    final Map<String, List<Channel>> members = new HashMap<>();
    final Queue<Event> pending = PlatformDependent.newMpscQueue();
    final AtomicBoolean scheduled = new AtomicBoolean();
    final List<Channel> touched = new ArrayList<>();

    Loop(EventLoop loop) {
      this.loop = loop;
    }
  }

  private record Event(String channel, ByteBuf frame) {
  }

  private final Map<EventLoop, Loop> loops;
  private final Loop[] all;
  private final AtomicLong ids = new AtomicLong();
  private final AtomicInteger streams = new AtomicInteger();

  Fanout(Map<EventLoop, Loop> loops) {
    this.loops = loops;
    this.all = loops.values().toArray(new Loop[0]);
  }

  int streams() {
    return streams.get();
  }

  /** Adds stream {@code ch} to {@code names} (on the stream's own loop) and removes it when it closes. */
  void subscribe(Channel ch, String[] names) {
    Loop l = loops.get(ch.eventLoop());
    for (String n : names) {
      l.members.computeIfAbsent(n, k -> new ArrayList<>(4)).add(ch);
    }
    streams.incrementAndGet();
    ch.closeFuture().addListener(f -> {
      streams.decrementAndGet();
      for (String n : names) {
        List<Channel> m = l.members.get(n);
        int i = m == null ? -1 : m.indexOf(ch);
        if (i >= 0) {
          m.set(i, m.get(m.size() - 1)); // order within a channel does not matter: swap-remove
          m.remove(m.size() - 1);
          if (m.isEmpty()) {
            l.members.remove(n);
          }
        }
      }
    });
  }

  /** Encodes {@code body} as the next event of {@code channel} once, and queues it on every loop. */
  void publish(ByteBufAllocator alloc, String channel, ByteBuf body) {
    ByteBuf frame = encode(alloc, ids.incrementAndGet(), body);
    for (Loop l : all) {
      l.pending.offer(new Event(channel, frame.retain()));
      if (l.scheduled.compareAndSet(false, true)) {
        l.loop.execute(() -> drain(l));
      }
    }
    frame.release();
  }

  private static void drain(Loop l) {
    do {
      Event e;
      while ((e = l.pending.poll()) != null) {
        List<Channel> subs = l.members.get(e.channel());
        if (subs != null) {
          for (int i = subs.size() - 1; i >= 0; i--) { // backwards: a close below swap-removes at i
            Channel ch = subs.get(i);
            if (!ch.isWritable()) {
              ch.close(); // more than MAX_PENDING_BYTES unread: a reader that stopped reading
              continue;
            }
            ch.write(e.frame().retainedDuplicate(), ch.voidPromise());
            l.touched.add(ch);
          }
        }
        e.frame().release();
      }
      l.scheduled.set(false);
    } while (!l.pending.isEmpty() && l.scheduled.compareAndSet(false, true));
    List<Channel> touched = l.touched;
    for (int i = 0; i < touched.size(); i++) {
      touched.get(i).flush(); // a stream touched twice is flushed twice: the second finds nothing to write
    }
    touched.clear();
  }

  /**
   * {@code id: <id>\ndata: <line>\n...\n\n}, with a {@code data:} field per line of the body, inside one
   * HTTP chunk (size line, frame, CRLF): the exact bytes every stream of the channel gets.
   */
  static ByteBuf encode(ByteBufAllocator alloc, long id, ByteBuf body) {
    ByteBuf frame = alloc.heapBuffer(body.readableBytes() + 32);
    try {
      frame.writeBytes(ID).writeBytes(Long.toString(id).getBytes(StandardCharsets.US_ASCII)).writeBytes(DATA);
      for (int i = body.readerIndex(); i < body.writerIndex(); i++) {
        byte b = body.getByte(i);
        if (b == '\n') {
          frame.writeBytes(DATA);
        } else if (b != '\r') {
          frame.writeByte(b);
        }
      }
      frame.writeByte('\n').writeByte('\n');
      byte[] size = Integer.toHexString(frame.readableBytes()).getBytes(StandardCharsets.US_ASCII);
      ByteBuf chunk = alloc.directBuffer(size.length + frame.readableBytes() + 4);
      return chunk.writeBytes(size).writeBytes(CRLF).writeBytes(frame).writeBytes(CRLF);
    } finally {
      frame.release();
    }
  }
}
