package dev.herald.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The load tool's Netty event loops and, per loop, its {@link LoopStats}. Every connection is pinned
 * to one loop for life (reconnects included), so the state of a subscriber or a publisher lane is
 * only ever touched by one thread; the main thread reads it after {@link #barrier()}.
 */
final class Net implements AutoCloseable {
  private final MultiThreadIoEventLoopGroup group;
  private final List<LoopStats> loops = new ArrayList<>();
  private final int connectTimeoutMillis;
  private final Pacer pacer = new Pacer();

  Net(int threads, int connectTimeoutMillis) {
    this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    this.connectTimeoutMillis = connectTimeoutMillis;
    for (EventExecutor e : group) {
      loops.add(new LoopStats((EventLoop) e));
    }
  }

  /** The thread that wakes paced lanes. */
  Pacer pacer() {
    return pacer;
  }

  int size() {
    return loops.size();
  }

  LoopStats loop(int i) {
    return loops.get(Math.floorMod(i, loops.size()));
  }

  List<LoopStats> loops() {
    return loops;
  }

  /** Opens a connection on {@code loop} with {@code handler} as its only handler. */
  ChannelFuture connect(LoopStats loop, InetSocketAddress address, ChannelHandler handler) {
    return new Bootstrap()
        .group(loop.loop())
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .handler(handler)
        .connect(address);
  }

  /** Runs {@code task} on {@code loop} and waits for its result (main thread only). */
  static <T> T on(LoopStats loop, Callable<T> task) {
    try {
      return loop.loop().submit(task).get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("an event loop did not answer within 60 s", e);
    }
  }

  /** Waits until every loop has run everything queued before now: their writes become visible here. */
  void barrier() {
    for (LoopStats l : loops) {
      on(l, () -> null);
    }
  }

  long delivered() {
    long n = 0;
    for (LoopStats l : loops) {
      n += l.delivered;
    }
    return n;
  }

  long distinct() {
    long n = 0;
    for (LoopStats l : loops) {
      n += l.distinct;
    }
    return n;
  }

  long caughtUp() {
    long n = 0;
    for (LoopStats l : loops) {
      n += l.caughtUp;
    }
    return n;
  }

  long lastDeliveryNanos() {
    long t = 0;
    boolean any = false;
    for (LoopStats l : loops) {
      if (l.distinct > 0 && (!any || l.lastDeliveryNanos - t > 0)) {
        t = l.lastDeliveryNanos;
        any = true;
      }
    }
    return t;
  }

  /** The delivery latencies of every loop, merged (after {@link #barrier()}). */
  LogHistogram latency() {
    LogHistogram h = new LogHistogram();
    for (LoopStats l : loops) {
      h.add(l.latency);
    }
    return h;
  }

  /** Forgets the latencies recorded so far (after a warm-up). */
  void resetLatency() {
    for (LoopStats l : loops) {
      on(l, () -> {
        l.resetLatency();
        return null;
      });
    }
  }

  /** Forgets the delivery counters and latencies (between phases). */
  void resetDeliveries() {
    for (LoopStats l : loops) {
      on(l, () -> {
        l.reset();
        return null;
      });
    }
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
