package dev.herald.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Reads a redis-server's output on a daemon thread: keeps its last lines for error messages and
 * signals the line that proves the server is ready ({@code Ready to accept connections}), or the end
 * of the output when the process exits first.
 */
final class ProcessLog {
  private static final int KEEP_LINES = 40;
  private static final String READY = "Ready to accept connections";

  private final Deque<String> tail = new ArrayDeque<>();
  private final CountDownLatch readyOrEnded = new CountDownLatch(1);

  ProcessLog(Process process, String name) {
    Thread t = new Thread(() -> pump(process), "redis-log-" + name);
    t.setDaemon(true);
    t.start();
  }

  private void pump(Process process) {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > KEEP_LINES) {
            tail.removeFirst();
          }
        }
        if (line.contains(READY)) {
          readyOrEnded.countDown();
        }
      }
    } catch (IOException ended) {
      // the pipe closes when the process ends
    } finally {
      readyOrEnded.countDown();
    }
  }

  /** Waits until the server says it is ready or its output ends; {@code false} on timeout. */
  boolean awaitReadyOrEnd(Duration timeout) throws InterruptedException {
    return readyOrEnded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  String tail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }
}
