package dev.herald.gateway;

import dev.herald.gateway.config.ConfigException;
import dev.herald.gateway.config.HeraldConfig;
import dev.herald.gateway.api.NodeAddresses;
import dev.herald.gateway.config.HeraldConfig.Role;
import dev.herald.heartbeat.HeartbeatVerticle;
import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.replay.ReplayVerticle;
import dev.herald.replay.api.HistoryAddresses;
import dev.herald.replay.api.HistoryClient;
import dev.herald.sse.SseVerticle;
import dev.herald.sse.api.SseAddresses;
import dev.herald.sse.api.SseStreams;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Herald node in a {@link Vertx}: picks the store implementations from the configuration and
 * deploys, by {@code roles}, the heartbeat, replay and sse verticles (one each), then the gateway on
 * every event loop and its readiness checks. With {@code Main}, the only place that chooses
 * implementations.
 */
public final class HeraldNode {
  private static final Logger LOG = LoggerFactory.getLogger(HeraldNode.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger();
  /** How long a starting node waits for its Redis to answer before it gives up. */
  static final long STORE_WAIT_MS = 10_000;
  /**
   * The {@code retry:} a draining node gives each stream before closing it; each stream adds a random
   * jitter of up to as much again, so clients come back 250–500 ms later, spread, on another node.
   */
  static final Duration DRAIN_RETRY = Duration.ofMillis(250);
  /**
   * How long a draining node waits after withdrawing its services before it may leave: the time the
   * other members take to hear that its consumers are gone and stop routing requests to it.
   */
  static final Duration WITHDRAW_GRACE = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final HeraldConfig config;
  private final String nodeId;
  private final PrometheusMeterRegistry metrics;
  private final Stores stores;
  private final List<String> deployments = new ArrayList<>();
  private final Drain drain = new Drain();
  /** The heartbeat and replay deployments: a draining node withdraws them first. */
  private final List<String> services = new ArrayList<>();
  private SseStreams nodeStreams;
  /** The gateway instances, one per event loop. */
  private final List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();
  private Guard guard;
  private Future<Void> drained;
  private int port;
  private boolean stopped;

  private HeraldNode(Vertx vertx, HeraldConfig config, String nodeId, PrometheusMeterRegistry metrics, Stores stores) {
    this.vertx = vertx;
    this.config = config;
    this.nodeId = nodeId;
    this.metrics = metrics;
    this.stores = stores;
  }

  /**
   * Starts a node; fails with a message naming the setting when the configuration asks for what this
   * build cannot do, or when a verticle fails to deploy (what was deployed is undeployed again).
   */
  public static Future<HeraldNode> start(Vertx vertx, HeraldConfig config) {
    return start(vertx, config, newNodeId());
  }

  /**
   * {@link #start(Vertx, HeraldConfig)} with a given node id: the one {@link ClusterSetup} announced to the
   * other members, so their join and leave lines name this node as its own logs do.
   */
  public static Future<HeraldNode> start(Vertx vertx, HeraldConfig config, String nodeId) {
    try {
      ClusterRules.check(config, vertx.isClustered());
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Stores stores;
    try {
      stores = Stores.create(vertx, config, registry);
    } catch (RuntimeException e) {
      registry.close();
      return Future.failedFuture(e);
    }
    HeraldNode node = new HeraldNode(vertx, config, nodeId, registry, stores);
    return stores.awaitReachable(STORE_WAIT_MS).compose(v -> Guard.start(vertx, config, stores,
        ReadinessVerticle.canaryChannel(node.nodeId))).compose(g -> {
          node.guard = g;
          return node.deploy(g);
        }).transform(ar -> {
      if (ar.succeeded()) {
        LOG.info("Herald node {} started: roles {}, HTTP on port {}", node.nodeId, config.roles(), node.port);
        return Future.succeededFuture(node);
      }
      LOG.error("Herald node {} failed to start: {}", node.nodeId, ar.cause().getMessage());
      return node.stop().transform(x -> Future.failedFuture(ar.cause()));
    });
  }

  private Future<Void> deploy(Guard guard) {
    String prefix = config.name();
    PresenceClient presence = new PresenceClient(vertx.eventBus(), new PresenceAddresses(prefix), Edge.BUS_TIMEOUT_MS);
    HistoryClient history = new HistoryClient(vertx.eventBus(), new HistoryAddresses(prefix), Edge.BUS_TIMEOUT_MS);
    StreamKeepAlive keepAlive = config.streamKeepsAlive() && config.runs(Role.SSE)
        ? new StreamKeepAlive(presence, config.heartbeat().beatDelay()) : null;
    SseVerticle sse = config.runs(Role.SSE)
        ? new SseVerticle(config.sse(), new SseAddresses(prefix), history, nodeId, metrics,
            keepAlive, vertx.isClustered() ? config.cluster().storeCheckMs() : 0)
        : null;
    nodeStreams = sse == null ? null : sse.streams();
    List<String> roles = config.roles().stream().map(r -> r.name().toLowerCase(Locale.ROOT)).sorted().toList();
    Future<Void> chain = deploy(new InfoVerticle(new NodeAddresses(prefix), nodeId, roles));
    if (config.runs(Role.HEARTBEAT)) {
      chain = chain.compose(v -> deploy(new HeartbeatVerticle(stores.presence(), stores.clients(),
          config.heartbeat(), presence.addresses(), metrics)));
    }
    if (config.runs(Role.REPLAY)) {
      chain = chain.compose(v -> deploy(new ReplayVerticle(stores.history(), config.history(),
          history.addresses(), metrics)));
    }
    if (keepAlive != null) {
      chain = chain.compose(v -> deploy(keepAlive));
    }
    if (sse != null) {
      chain = chain.compose(v -> deploy(sse));
    }
    return chain.compose(v -> vertx.executeBlocking(WebFiles::load))
        .compose(files -> {
          SseStreams streams = sse == null ? null : sse.streams();
          Connections connections;
          long fileLimit = Connections.fileLimit();
          try {
            connections = new Connections(config.http(), fileLimit, metrics);
          } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
          }
          LOG.info("HTTP edge of node {}: at most {} connections (open-file limit {}), request heads within {} ms, "
              + "idle connections closed after {} ms, transport {}", nodeId, connections.max(), fileLimit,
              connections.requestTimeoutMs(), connections.idleTimeoutMs(), transport(vertx));
          Edge edge = new Edge(config, nodeId, presence, history, streams, metrics,
              prefix + ".gateway.ready." + nodeId, files, drain, connections, guard);
          return deployGateways(edge);
        });
  }

  /** {@code epoll}, or {@code nio} and why not epoll (Netty's native library did not load). */
  static String transport(Vertx vertx) {
    if (vertx.isNativeTransportEnabled()) {
      return "epoll";
    }
    Throwable why = vertx.unavailableNativeTransportCause();
    return "nio" + (why == null ? "" : " (epoll unavailable: " + why.getMessage() + ")");
  }

  private Future<Void> deployGateways(Edge edge) {
    int instances = config.http().instances() > 0 ? config.http().instances()
        : 2 * Runtime.getRuntime().availableProcessors();
    // Port 0 becomes a negative port: Vert.x then binds one random port that every instance of this
    // deployment shares (plain 0 would give each instance its own port); unique per node in a JVM.
    int listenPort = config.http().port() == 0 ? -RANDOM_PORT_KEYS.incrementAndGet() : config.http().port();
    List<GatewayVerticle> created = gateways;
    return vertx.deployVerticle(() -> {
      GatewayVerticle g = new GatewayVerticle(edge, listenPort);
      created.add(g);
      return g;
    }, new DeploymentOptions().setInstances(instances)).compose(id -> {
      deployments.add(id);
      port = created.get(0).actualPort();
      return gate(edge.connections(), canaryHost(config.http().host()), port);
    }).compose(v -> deploy(new ReadinessVerticle(edge, canaryHost(config.http().host()), port)));
  }

  /**
   * Connects to the node's own port once, so that its first connection puts the gate of
   * {@link Connections#admit} on the server socket before any client comes (a burst of thousands of sockets
   * would otherwise be accepted before the gate could be put there).
   */
  private Future<Void> gate(Connections connections, String host, int port) {
    NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5_000));
    return client.connect(port, host)
        .compose(socket -> Future.any(connections.whenGated(), vertx.timer(5_000)).eventually(socket::close))
        .eventually(client::close).<Void>mapEmpty().recover(e -> {
          LOG.warn("Herald node {} could not connect to its own port {} ({}); the connection gate goes in place "
              + "with the first client", nodeId, port, e.getMessage());
          return Future.succeededFuture();
        });
  }

  private Future<Void> deploy(io.vertx.core.Deployable verticle) {
    return vertx.deployVerticle(verticle).map(id -> {
      deployments.add(id);
      if (verticle instanceof HeartbeatVerticle || verticle instanceof ReplayVerticle) {
        services.add(id);
      }
      return null;
    });
  }

  /** The host the node's own canary connects to: loopback when the server listens on every interface. */
  static String canaryHost(String host) {
    return host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")
        ? "127.0.0.1" : host;
  }

  /** A new random node id: 10 characters of {@code a-z0-9}. */
  static String newNodeId() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder b = new StringBuilder(10);
    for (int i = 0; i < 10; i++) {
      b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  /**
   * Drains the node (docs/deploy.md): {@code /health/ready} answers 503 from now on and a new stream gets a
   * {@code 200} with a short {@code retry:} that ends at once (so its client goes elsewhere); the open
   * streams are each told {@code retry:} {@link #DRAIN_RETRY} (plus jitter) and closed, spread evenly over
   * {@code cluster.drainWindow} on a clustered node (at once on a single node, which has nowhere to send
   * its clients), so their clients reconnect to other nodes without a stampede and
   * resume from their last id. Sessions live in the store, so they stay connected. A clustered node also
   * withdraws its heartbeat and replay services at once (the other members serve those requests, and
   * this node's own gateway reaches them over the bus), at least {@link #WITHDRAW_GRACE} before the drain
   * completes, so no member still sends it requests when it leaves. Completes when every stream is
   * closed; {@link #stop()} then undeploys the rest and the caller closes Vert.x, leaving the cluster.
   * Calling it again returns the same drain.
   */
  public Future<Void> drain() {
    if (drained != null) {
      return drained;
    }
    drain.begin();
    Duration window = vertx.isClustered() ? config.cluster().drainWindow() : Duration.ZERO;
    int open = nodeStreams == null ? 0 : nodeStreams.openStreams();
    LOG.info("Herald node {} draining: not ready, no new streams, {} open streams closed over {} ms", nodeId, open,
        window.toMillis());
    long began = System.nanoTime();
    Future<Void> withdrawn = vertx.isClustered() ? withdrawServices() : Future.succeededFuture();
    Future<Void> closing = nodeStreams == null ? Future.succeededFuture() : nodeStreams.drain(window, DRAIN_RETRY);
    drained = Future.join(withdrawn, closing).<Void>mapEmpty().andThen(ar -> LOG.info("Herald node {} drained {} "
        + "streams in {} ms", nodeId, open, Duration.ofNanos(System.nanoTime() - began).toMillis()));
    return drained;
  }

  /** Undeploys the heartbeat and replay verticles, then waits {@link #WITHDRAW_GRACE}. */
  private Future<Void> withdrawServices() {
    List<Future<Void>> undeployed = new ArrayList<>();
    for (String id : services) {
      deployments.remove(id);
      undeployed.add(vertx.undeploy(id));
    }
    int n = services.size();
    services.clear();
    if (n == 0) {
      return Future.succeededFuture();
    }
    return Future.join(undeployed).transform(ar -> {
      LOG.info("Herald node {} withdrew its presence and history services from the cluster{}", nodeId,
          ar.succeeded() ? "" : " (" + ar.cause().getMessage() + ")");
      return vertx.timer(WITHDRAW_GRACE.toMillis()).<Void>mapEmpty();
    });
  }

  /** True once {@link #drain()} began. */
  public boolean draining() {
    return drain.active();
  }

  /** Undeploys everything this node deployed, newest first, and closes its metrics. */
  public Future<Void> stop() {
    if (stopped) {
      return Future.succeededFuture();
    }
    stopped = true;
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.eventually(() -> vertx.undeploy(id));
    }
    return chain.eventually(() -> {
      if (guard != null) {
        guard.close();
      }
      return stores.close();
    }).eventually(() -> {
      metrics.close();
      LOG.info("Herald node {} stopped", nodeId);
      return Future.succeededFuture();
    }).mapEmpty();
  }

  /** The router of one gateway instance (they are all alike), or {@code null} before the gateway is deployed. */
  io.vertx.ext.web.Router router() {
    return gateways.isEmpty() ? null : gateways.get(0).router();
  }

  /** The port the gateway listens on (the bound one when {@code http.port} is 0). */
  public int port() {
    return port;
  }

  public String nodeId() {
    return nodeId;
  }

  /** Where clients reach this node, e.g. {@code http://localhost:8080}. */
  public String url() {
    String host = config.http().host();
    String shown = canaryHost(host).equals("127.0.0.1") && !"127.0.0.1".equals(host) ? "localhost" : host;
    if (shown.contains(":") && !shown.startsWith("[")) {
      shown = "[" + shown + "]";
    }
    return "http://" + shown + ":" + port;
  }

  /** The node's meter registry: every module registers its meters here; {@code GET /metrics} scrapes it. */
  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  public HeraldConfig config() {
    return config;
  }
}
