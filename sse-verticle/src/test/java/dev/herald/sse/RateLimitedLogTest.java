package dev.herald.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** A flood of one cause makes one line per interval, which then says how many it stood for. */
class RateLimitedLogTest {

  /** An SLF4J logger that keeps the INFO and WARN lines it is given. */
  private static Logger keeping(List<String> lines) {
    return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
        (proxy, method, args) -> {
          if ((method.getName().equals("info") || method.getName().equals("warn")) && args != null
              && args.length == 1) {
            lines.add(method.getName() + " " + args[0]);
          }
          return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
        });
  }

  @Test
  void oneLinePerCauseAndIntervalThenTheCount() {
    List<String> lines = new CopyOnWriteArrayList<>();
    RateLimitedLog log = new RateLimitedLog(keeping(lines), Duration.ofMillis(200));
    for (int i = 0; i < 1000; i++) {
      log.warn("refused", "refused " + i);
      log.info("evicted", "evicted " + i);
    }
    assertEquals(List.of("warn refused 0", "info evicted 0"), lines);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (lines.size() < 3) {
      assertTrue(System.nanoTime() < deadline);
      log.warn("refused", "refused again");
    }
    assertTrue(lines.get(2).startsWith("warn refused again (and "), lines.get(2));
    long counted = Long.parseLong(lines.get(2).replaceAll(".*\\(and (\\d+) more.*", "$1"));
    assertTrue(counted >= 999, lines.get(2));
  }
}
