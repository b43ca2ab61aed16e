package dev.herald.bench.ceiling;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling of SSE fan-out on this machine: a minimal SSE writer on raw Netty, nothing else.
 * {@code GET /sub/<ch1>,<ch2>,...} opens a stream on those channels; {@code POST /pub/<ch>} (text/plain
 * body) answers 201 and sends {@code id: <n>\ndata: <body>\n\n} to every stream of the channel, encoded
 * once (with its chunk framing) into one buffer that every subscriber's write shares. No routing
 * framework, no JSON, no history: Last-Event-ID is ignored. It measures the cost of live fan-out alone,
 * so every other server's figure can be read as a fraction of it.
 *
 * <pre>
 *   java -cp herald-bench.jar dev.herald.bench.ceiling.Ceiling [--port 0] [--host 127.0.0.1]
 *        [--threads CORES] [--transport auto|epoll|nio]
 * </pre>
 * Prints {@code ceiling listening on HOST:PORT (...)} once bound; stops on SIGTERM.
 * How it writes: see {@link Fanout}.
 */
public final class Ceiling implements AutoCloseable {
  /** A subscriber's pending writes above this close it (a reader that stopped reading). */
  static final int MAX_PENDING_BYTES = 64 << 20;

  private final MultiThreadIoEventLoopGroup group;
  private final Fanout fanout;
  private final Channel server;
  private final String transport;

  /** Binds {@code host:port} (0: a free port) with {@code threads} event loops. */
  public Ceiling(String host, int port, int threads, String transportChoice) throws InterruptedException {
    boolean epoll = switch (transportChoice) {
      case "auto" -> Epoll.isAvailable();
      case "epoll" -> {
        Epoll.ensureAvailability();
        yield true;
      }
      case "nio" -> false;
      default -> throw new IllegalArgumentException("--transport is auto, epoll or nio");
    };
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> serverClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    this.transport = epoll ? "epoll" : "nio";
    this.group = new MultiThreadIoEventLoopGroup(threads, io);
    Map<EventLoop, Fanout.Loop> loops = new HashMap<>();
    for (EventExecutor e : group) {
      loops.put((EventLoop) e, new Fanout.Loop((EventLoop) e));
    }
    this.fanout = new Fanout(loops);
    this.server = new ServerBootstrap()
        .group(group)
        .channel(serverClass)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(MAX_PENDING_BYTES / 2,
            MAX_PENDING_BYTES))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast(CeilingHandler.CODEC, new HttpServerCodec())
                .addLast(CeilingHandler.AGGREGATOR, new HttpObjectAggregator(64 * 1024))
                .addLast(new CeilingHandler(fanout));
          }
        })
        .bind(host, port).sync().channel();
  }

  /** The bound port. */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** epoll or nio. */
  public String transport() {
    return transport;
  }

  /** Streams open now (for tests and the log). */
  public int streams() {
    return fanout.streams();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws InterruptedException {
    String host = "127.0.0.1";
    int port = 0;
    int threads = Runtime.getRuntime().availableProcessors();
    String transport = "auto";
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--host" -> host = v;
        case "--port" -> port = Integer.parseInt(v);
        case "--threads" -> threads = Integer.parseInt(v);
        case "--transport" -> transport = v;
        default -> {
          System.err.println("ceiling: unknown option " + args[i]
              + " (--host 127.0.0.1 --port 0 --threads CORES --transport auto|epoll|nio)");
          System.exit(2);
        }
      }
      i++;
    }
    Ceiling c = new Ceiling(host, port, threads, transport);
    Runtime.getRuntime().addShutdownHook(new Thread(c::close, "ceiling-stop"));
    System.out.printf("ceiling listening on %s:%d (%s, %d event loops)%n", host, c.port(), c.transport(), threads);
    System.out.flush(); // the event loops' threads keep the process alive until SIGTERM
  }
}
