package dev.herald.gateway.chaos;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a load balancer does for the chaos clients: probes every node's {@code /health/ready} every
 * {@value #PROBE_MS} ms and hands out only nodes that answered 200 last time; a node can also be taken
 * out by hand (a Kubernetes Service drops a terminating pod from its endpoints as SIGTERM is sent).
 * Survivors' probe answers are kept, so a test can check that a fault elsewhere never made them unready.
 */
final class Balancer {
  static final long PROBE_MS = 100;

  private final Vertx vertx;
  private final List<HeraldProcess> nodes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final WebClient client;
  private final Set<HeraldProcess> inService = ConcurrentHashMap.newKeySet();
  private final Set<HeraldProcess> removed = ConcurrentHashMap.newKeySet();
  private final List<String> notReady = new CopyOnWriteArrayList<>();
  private long timer = -1;

  Balancer(Vertx vertx, List<HeraldProcess> nodes) {
    this.vertx = vertx;
    this.nodes.addAll(nodes);
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(1_000).setKeepAlive(false));
    inService.addAll(nodes);
  }

  void start() {
    timer = vertx.setPeriodic(PROBE_MS, id -> probe());
  }

  void stop() {
    vertx.cancelTimer(timer);
    client.close();
  }

  /** A node that joined (scaled up): probed from now on, in service once it answers ready. */
  void add(HeraldProcess node) {
    if (!nodes.contains(node)) {
      nodes.add(node);
    }
  }

  /** Takes {@code node} out of service for good. */
  void remove(HeraldProcess node) {
    removed.add(node);
    inService.remove(node);
  }

  boolean inService(HeraldProcess node) {
    return inService.contains(node);
  }

  /** A random node in service, other than {@code avoid} when another is in service; null when none is. */
  HeraldProcess pick(HeraldProcess avoid) {
    List<HeraldProcess> candidates = new ArrayList<>(inService);
    if (candidates.size() > 1 && avoid != null) {
      candidates.remove(avoid);
    }
    return candidates.isEmpty() ? null : candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
  }

  /** Probe answers other than 200 from nodes that were never taken out: {@code "node: status"}. */
  List<String> notReadyAnswers(Set<HeraldProcess> of) {
    return notReady.stream().filter(s -> of.stream().anyMatch(n -> s.startsWith(n.name + ":"))).toList();
  }

  private void probe() {
    for (HeraldProcess node : nodes) {
      if (removed.contains(node)) {
        continue;
      }
      client.get(node.httpPort, node.host, "/health/ready").timeout(1_000).send().onComplete(ar -> {
        boolean up = ar.succeeded() && ar.result().statusCode() == 200;
        if (up && !removed.contains(node)) {
          inService.add(node);
        } else {
          inService.remove(node);
          notReady.add(node.name + ": " + System.currentTimeMillis() + " " + (ar.succeeded()
              ? ar.result().statusCode() + " " + ar.result().bodyAsString() : ar.cause().toString()));
        }
      });
    }
  }
}
