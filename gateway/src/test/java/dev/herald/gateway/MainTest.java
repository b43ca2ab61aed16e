package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.gateway.config.ConfigKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The launcher's start logic, in-process: exit codes and one-line messages, and a real start on port 0. */
@Timeout(120)
class MainTest {
  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  private Main.Launch launch(Map<String, String> env, String... args) {
    return Main.launch(args, env, out, err);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  private void assertOneLine(String s) {
    assertTrue(s.endsWith(System.lineSeparator()), s);
    assertEquals(1, s.lines().count(), s);
  }

  @Test
  void badFlagExitsWithOneLineNamingTheKey() {
    Main.Launch l = launch(Map.of(), "--http.port=abc");
    assertEquals(Main.BAD_CONFIG, l.exitCode());
    assertNull(l.running());
    assertTrue(err().startsWith("herald: http.port"), err());
    assertOneLine(err());
  }

  @Test
  void badEnvironmentAndUnknownKeys() {
    assertEquals(Main.BAD_CONFIG, launch(Map.of("HERALD_HEARTBEAT_EXPIRE_DELAY", "10s")).exitCode());
    assertTrue(err().contains("heartbeat.expireDelay (10s) must exceed heartbeat.beatDelay (30s)"), err());
    errBytes.reset();
    assertEquals(Main.BAD_CONFIG, launch(Map.of(), "--sse.maxStream=10").exitCode());
    assertTrue(err().contains("sse.maxStream") && err().contains("sse.maxStreams"), err());
    errBytes.reset();
    assertEquals(Main.BAD_CONFIG, launch(Map.of(), "--config", "/nonexistent/herald.yaml").exitCode());
    assertTrue(err().contains("/nonexistent/herald.yaml"), err());
  }

  @Test
  void whatThisBuildLacksIsRefusedByName() {
    assertEquals(Main.BAD_CONFIG, launch(Map.of(), "--cluster.enabled=true").exitCode());
    assertTrue(err().startsWith("herald: cluster.enabled=true needs store.type=redis"), err());
    assertOneLine(err());
    errBytes.reset();
    assertEquals(Main.BAD_CONFIG, launch(Map.of(), "--auth.mode=jwt").exitCode());
    assertTrue(err().startsWith("herald: auth.mode=jwt needs a key to verify tokens with"), err());
    assertOneLine(err());
    errBytes.reset();
    assertEquals(Main.BAD_CONFIG, launch(Map.of(), "--roles=gateway").exitCode());
    assertTrue(err().startsWith("herald: roles"), err());
    assertOneLine(err());
  }

  @Test
  void helpListsEveryKeyAndVariable() {
    Main.Launch l = launch(Map.of(), "--http.port=1", "--help");
    assertEquals(0, l.exitCode());
    assertNull(l.running());
    String help = outBytes.toString(StandardCharsets.UTF_8);
    assertTrue(help.startsWith("Usage: java -jar herald.jar"), help);
    for (ConfigKeys.Key k : ConfigKeys.all()) {
      assertTrue(help.contains(k.name() + " "), k.name());
      assertTrue(help.contains(k.env()), k.env());
    }
    assertEquals("", err());
  }

  /** A secret is never printed: not by --help, not in the one line that refuses it, whatever its origin. */
  @Test
  void secretsAreNeverPrinted() {
    String secret = "s3cr3t-" + Long.toHexString(System.nanoTime());
    assertEquals(Main.BAD_CONFIG, launch(Map.of("HERALD_AUTH_JWT_SECRET", secret), "--auth.mode=jwt").exitCode());
    assertTrue(err().startsWith("herald: auth.jwt.secret ((hidden)) is shorter than 32 bytes"), err());
    assertFalse(err().contains(secret), err());
    assertOneLine(err());
    errBytes.reset();
    String long32 = secret.repeat(4);
    assertEquals(Main.BAD_CONFIG, launch(Map.of(), "--auth.jwt.secret=" + long32).exitCode());
    assertTrue(err().startsWith("herald: auth.jwt.secret is set but auth.mode is open"), err());
    assertFalse(err().contains(secret), err());
    errBytes.reset();
    assertEquals(0, launch(Map.of("HERALD_AUTH_JWT_SECRET", long32), "--help").exitCode());
    assertFalse(outBytes.toString(StandardCharsets.UTF_8).contains(secret));
  }

  @Test
  void readyUrlShowsLocalhostForTheWildcard() {
    assertEquals("http://localhost:8080/", Main.readyUrl("0.0.0.0", 8080));
    assertEquals("http://localhost:9000/", Main.readyUrl("::", 9000));
    assertEquals("http://127.0.0.1:1234/", Main.readyUrl("127.0.0.1", 1234));
    assertEquals("http://[::1]:80/", Main.readyUrl("::1", 80));
    assertEquals("http://herald.local:80/", Main.readyUrl("herald.local", 80));
  }

  @Test
  void startsServesAndRefusesABusyPort() throws Exception {
    Main.Launch first = launch(Map.of(), "--http.port=0", "--http.host=127.0.0.1", "--http.instances=1");
    assertEquals(0, first.exitCode(), err());
    Main.Running running = first.running();
    assertNotNull(running);
    try {
      int port = running.node().port();
      assertTrue(port > 0);
      assertEquals("http://127.0.0.1:" + port + "/", running.url());
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create(running.url() + "health/live"))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, live.statusCode());
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(running.url()))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("Herald console"));
      HttpResponse<String> script = http.send(HttpRequest.newBuilder(URI.create(running.url() + "herald.js"))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, script.statusCode());
      assertTrue(script.body().contains("var Herald = ") && script.body().contains("function subscribe("),
          "the classic script defines Herald and its subscribe");

      Main.Launch second = launch(Map.of(), "--http.port=" + port, "--http.host=127.0.0.1", "--http.instances=1");
      assertEquals(Main.CANNOT_START, second.exitCode());
      assertNull(second.running());
      assertTrue(err().startsWith("herald: cannot start: http.port " + port + " on 127.0.0.1 is already in use"),
          err());
      assertOneLine(err());
    } finally {
      running.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }
}
