package dev.herald.testkit;

import io.vertx.core.Future;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Waiting on Vert.x futures from a test thread (never on an event loop), always with a bound. */
public final class Futures {
  /** How long any single wait may take. */
  public static final long WAIT_SECONDS = 30;

  private Futures() {
  }

  /** The result of {@code f}; its failure is thrown as is (not wrapped). */
  public static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  /** The failure of {@code f}, which must fail (within the bound: a hang fails the test too). */
  public static Throwable failure(Future<?> f) throws Exception {
    try {
      Object result = f.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + result);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  /** A key prefix (or channel or cluster name part) no other test uses. */
  public static String unique(String base) {
    return base + UUID.randomUUID().toString().substring(0, 8);
  }
}
