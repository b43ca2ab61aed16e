package dev.herald.sse;

import dev.herald.replay.api.HistoryClient;
import dev.herald.sse.api.SseAddresses;
import dev.herald.sse.api.SseOptions;
import dev.herald.sse.api.SseStreams;
import dev.herald.sse.api.StreamListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sse verticle: one per node. Its own context runs the node fan-out (one event-bus consumer per
 * channel with subscribers here, each event encoded once); streams live on the gateway's event loops,
 * which reach them through {@link #streams()}. Deploy it before the gateway; stopping it closes every
 * stream (reason {@code shutdown}).
 */
public final class SseVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SseVerticle.class);

  private final HistoryClient history;
  private final String nodeId;
  private final SseMetrics metrics;
  private final MeterRegistry registry;
  private final long storeCheckMs;
  private final NodeStreams streams;
  private volatile Fanout fanout;

  /**
   * @param options   stream settings
   * @param addresses where stream opens and closes are published
   * @param history   the replay verticle's client (reads for replay and to fill fan-out holes); its
   *                  addresses name the channels' fan-out addresses
   * @param nodeId    this node's id, in stream ids and {@link dev.herald.sse.api.StreamInfo}
   * @param metrics   where the {@code herald.sse.*} meters go
   * @param listener  told of stream opens and closes on the stream's loop, or {@code null}
   */
  public SseVerticle(SseOptions options, SseAddresses addresses, HistoryClient history, String nodeId,
                     MeterRegistry metrics, StreamListener listener) {
    this(options, addresses, history, nodeId, metrics, listener, 0);
  }

  /**
   * As above, with the fan-out checking the store for events the event bus did not bring.
   *
   * @param storeCheckMs how often the fan-out asks the store where its channels stand, so that its
   *                     streams get events the bus lost (a partition, Hazelcast's detection window, a
   *                     split-brain merge) about two periods late at most; 0 to trust the bus alone
   *                     (a single node)
   */
  public SseVerticle(SseOptions options, SseAddresses addresses, HistoryClient history, String nodeId,
                     MeterRegistry metrics, StreamListener listener, long storeCheckMs) {
    this.history = Objects.requireNonNull(history, "history");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.registry = Objects.requireNonNull(metrics, "metrics");
    this.storeCheckMs = storeCheckMs;
    this.metrics = new SseMetrics(metrics);
    this.streams = new NodeStreams(Objects.requireNonNull(options, "options"),
        Objects.requireNonNull(addresses, "addresses"), history, nodeId, listener, this.metrics);
  }

  /** The stream endpoint for the gateway; usable from construction, answering 503 until started. */
  /** The node's streams, for tests in this package. */
  NodeStreams nodeStreams() {
    return streams;
  }

  public SseStreams streams() {
    return streams;
  }

  /** Channels the node fan-out consumes now (0 before start). */
  int consumedChannels() {
    Fanout f = fanout;
    return f == null ? 0 : f.consumedChannels();
  }

  @Override
  public Future<?> start() {
    fanout = new Fanout(vertx, context, history, metrics);
    if (storeCheckMs > 0) {
      fanout.checkStore(storeCheckMs, registry);
    }
    streams.start(vertx, fanout);
    LOG.info("sse verticle started on node {}", nodeId);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return streams.shutdown().eventually(() -> fanout.close())
        .onComplete(ar -> LOG.info("sse verticle stopped on node {}", nodeId));
  }
}
