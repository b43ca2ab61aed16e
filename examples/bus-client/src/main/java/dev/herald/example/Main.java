package dev.herald.example;

import dev.herald.cluster.HeraldCluster;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * {@code java <HeraldCluster.JVM_FLAGS> -jar bus-client.jar --cluster.name=… --cluster.members=host:port …}:
 * joins Herald's cluster as a member, checks a Herald node answers, runs {@link BusClient} to its verdict,
 * leaves the cluster and exits 0 (ok), 1 (the check failed) or 2 (no Herald node answered, bad arguments).
 */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) throws Exception {
    Settings settings;
    try {
      settings = Settings.parse(args);
    } catch (RuntimeException e) {
      System.err.println("bus-client: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx;
    try {
      vertx = HeraldCluster.joinHerald(settings.cluster(), "bus-client", settings.node(), settings.infoWait())
          .toCompletionStage().toCompletableFuture().get(settings.infoWait().toMillis() + 60_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      System.out.println("RESULT no-herald " + cause.getMessage());
      System.exit(2);
      return;
    }
    BusClient client = new BusClient(settings);
    int code;
    try {
      vertx.deployVerticle(client).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      client.done().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      code = 0;
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      System.out.println("RESULT failed " + cause.getMessage());
      code = 1;
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.exit(code);
  }
}
