package dev.herald.gateway.chaos;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.function.Supplier;

/** A chaos client: its state lives on its own context; the test reads it through {@link #onContext}. */
abstract class ChaosVerticle extends VerticleBase {

  /** Runs {@code read} on this verticle's context and answers its result. */
  <T> Future<T> onContext(Supplier<T> read) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        p.complete(read.get());
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }
}
