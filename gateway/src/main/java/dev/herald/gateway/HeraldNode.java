package dev.herald.gateway;

import dev.herald.gateway.config.HeraldConfig;
import dev.herald.gateway.config.HeraldConfig.Role;
import dev.herald.heartbeat.HeartbeatVerticle;
import dev.herald.heartbeat.MemoryPresenceStore;
import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceClient;
import dev.herald.replay.MemoryHistoryStore;
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
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
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

  private final Vertx vertx;
  private final HeraldConfig config;
  private final String nodeId;
  private final PrometheusMeterRegistry metrics;
  private final List<String> deployments = new ArrayList<>();
  private int port;
  private boolean stopped;

  private HeraldNode(Vertx vertx, HeraldConfig config, String nodeId, PrometheusMeterRegistry metrics) {
    this.vertx = vertx;
    this.config = config;
    this.nodeId = nodeId;
    this.metrics = metrics;
  }

  /**
   * Starts a node; fails with a message naming the setting when the configuration asks for what this
   * build cannot do, or when a verticle fails to deploy (what was deployed is undeployed again).
   */
  public static Future<HeraldNode> start(Vertx vertx, HeraldConfig config) {
    if (!"memory".equals(config.store().type())) {
      return Future.failedFuture(new IllegalArgumentException("store.type=" + config.store().type()
          + ": the Redis store is not in this build yet; use store.type=memory"));
    }
    if (!"open".equals(config.auth().mode())) {
      return Future.failedFuture(new IllegalArgumentException("auth.mode=" + config.auth().mode()
          + ": only auth.mode=open is in this build"));
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    HeraldNode node = new HeraldNode(vertx, config, newNodeId(), registry);
    return node.deploy().transform(ar -> {
      if (ar.succeeded()) {
        LOG.info("Herald node {} started: roles {}, HTTP on port {}", node.nodeId, config.roles(), node.port);
        return Future.succeededFuture(node);
      }
      LOG.error("Herald node {} failed to start: {}", node.nodeId, ar.cause().getMessage());
      return node.stop().transform(x -> Future.failedFuture(ar.cause()));
    });
  }

  private Future<Void> deploy() {
    String prefix = config.name();
    PresenceClient presence = new PresenceClient(vertx.eventBus(), new PresenceAddresses(prefix), Edge.BUS_TIMEOUT_MS);
    HistoryClient history = new HistoryClient(vertx.eventBus(), new HistoryAddresses(prefix), Edge.BUS_TIMEOUT_MS);
    StreamKeepAlive keepAlive = config.streamKeepsAlive() && config.runs(Role.SSE)
        ? new StreamKeepAlive(presence, config.heartbeat().beatDelay()) : null;
    SseVerticle sse = config.runs(Role.SSE)
        ? new SseVerticle(config.sse(), new SseAddresses(prefix), history, nodeId, metrics,
            keepAlive)
        : null;
    Future<Void> chain = Future.succeededFuture();
    if (config.runs(Role.HEARTBEAT)) {
      chain = chain.compose(v -> deploy(new HeartbeatVerticle(new MemoryPresenceStore(config.heartbeat().maxSessions()),
          config.heartbeat(), presence.addresses(), metrics)));
    }
    if (config.runs(Role.REPLAY)) {
      chain = chain.compose(v -> deploy(new ReplayVerticle(new MemoryHistoryStore(config.history()), config.history(),
          history.addresses(), metrics)));
    }
    if (keepAlive != null) {
      chain = chain.compose(v -> deploy(keepAlive));
    }
    if (sse != null) {
      chain = chain.compose(v -> deploy(sse));
    }
    return chain.compose(v -> vertx.executeBlocking(HeraldNode::consoleFiles))
        .compose(files -> {
          SseStreams streams = sse == null ? null : sse.streams();
          Edge edge = new Edge(config, nodeId, presence, history, streams, metrics,
              prefix + ".gateway.ready." + nodeId, files[0], files[1]);
          return deployGateways(edge);
        });
  }

  private Future<Void> deployGateways(Edge edge) {
    int instances = config.http().instances() > 0 ? config.http().instances()
        : 2 * Runtime.getRuntime().availableProcessors();
    // Port 0 becomes a negative port: Vert.x then binds one random port that every instance of this
    // deployment shares (plain 0 would give each instance its own port); unique per node in a JVM.
    int listenPort = config.http().port() == 0 ? -RANDOM_PORT_KEYS.incrementAndGet() : config.http().port();
    List<GatewayVerticle> created = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> {
      GatewayVerticle g = new GatewayVerticle(edge, listenPort);
      created.add(g);
      return g;
    }, new DeploymentOptions().setInstances(instances)).compose(id -> {
      deployments.add(id);
      port = created.get(0).actualPort();
      return deploy(new ReadinessVerticle(edge, canaryHost(config.http().host()), port));
    });
  }

  private Future<Void> deploy(io.vertx.core.Deployable verticle) {
    return vertx.deployVerticle(verticle).map(id -> {
      deployments.add(id);
      return null;
    });
  }

  /** {@code webroot/index.html} and {@code webroot/herald.js} from the class path, each {@code null} when absent. */
  private static Buffer[] consoleFiles() throws IOException {
    return new Buffer[] {resource("webroot/index.html"), resource("webroot/herald.js")};
  }

  private static Buffer resource(String name) throws IOException {
    try (InputStream in = HeraldNode.class.getClassLoader().getResourceAsStream(name)) {
      return in == null ? null : Buffer.buffer(in.readAllBytes());
    }
  }

  /** The host the node's own canary connects to: loopback when the server listens on every interface. */
  static String canaryHost(String host) {
    return host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")
        ? "127.0.0.1" : host;
  }

  private static String newNodeId() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder b = new StringBuilder(10);
    for (int i = 0; i < 10; i++) {
      b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return b.toString();
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
      metrics.close();
      LOG.info("Herald node {} stopped", nodeId);
      return Future.succeededFuture();
    }).mapEmpty();
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
