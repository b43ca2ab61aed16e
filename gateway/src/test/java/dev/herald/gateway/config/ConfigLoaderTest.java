package dev.herald.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.gateway.config.HeraldConfig.Role;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(30)
class ConfigLoaderTest {
  private static final Map<String, String> NO_ENV = Map.of();

  @TempDir
  Path dir;

  private static HeraldConfig flags(String... args) {
    return ConfigLoader.load(args, NO_ENV);
  }

  private static ConfigException fails(Map<String, ?> values) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.fromMap(values));
  }

  private Path file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  // --- defaults ---------------------------------------------------------------------------------

  @Test
  void defaultsAreTheSpecTable() {
    HeraldConfig c = ConfigLoader.load(new String[0], NO_ENV);
    assertEquals(HeraldConfig.defaults(), c);
    assertEquals(c, ConfigLoader.fromMap(Map.of()));
    assertEquals("herald", c.name());
    assertEquals(0, c.logging());
    assertEquals(Duration.ofSeconds(25), c.heartbeat().purgeDelay());
    assertEquals(Duration.ofSeconds(30), c.heartbeat().beatDelay());
    assertEquals(Duration.ofSeconds(40), c.heartbeat().expireDelay());
    assertEquals("memory", c.store().type());
    assertEquals("127.0.0.1", c.store().redis().host());
    assertEquals(6379, c.store().redis().port());
    assertNull(c.store().redis().password());
    assertEquals(0, c.store().redis().db());
    assertEquals(new JsonObject(), c.store().redis().options());
    assertEquals(Duration.ofSeconds(15), c.sse().pingInterval());
    assertEquals(Duration.ofSeconds(2), c.sse().retryTimeout());
    assertEquals(1000, c.history().maxEvents());
    assertEquals(Duration.ofHours(1), c.history().maxAge());
    assertEquals(Duration.ofHours(24), c.history().idleChannelTtl());
    assertEquals(1024 * 1024, c.sse().maxQueuedBytes());
    assertEquals(8080, c.http().port());
    assertEquals("0.0.0.0", c.http().host());
    assertFalse(c.cluster().enabled());
    assertEquals("herald", c.cluster().name());
    assertEquals("tcp", c.cluster().join());
    assertEquals(List.of(), c.cluster().members());
    assertNull(c.cluster().service());
    assertEquals("127.0.0.1", c.cluster().host());
    assertEquals(5701, c.cluster().port());
    assertEquals(0, c.cluster().busPort());
    assertEquals(Duration.ofSeconds(10), c.cluster().drainWindow());
    assertEquals(EnumSet.allOf(Role.class), c.roles());
  }

  @Test
  void defaultsOfHeraldAdditions() {
    HeraldConfig c = ConfigLoader.fromMap(Map.of());
    assertTrue(c.streamKeepsAlive());
    assertEquals(100_000, c.heartbeat().maxSessions());
    assertEquals(32, c.sse().maxChannelsPerStream());
    assertEquals(50_000, c.sse().maxStreams());
    assertFalse(c.sse().padding());
    assertEquals(64 * 1024, c.http().maxBodyBytes());
    assertEquals(List.of(), c.http().corsOrigins());
    assertEquals(0, c.http().instances());
    assertEquals(100_000, c.history().maxChannels());
    assertEquals("open", c.auth().mode());
    assertEquals("standalone", c.store().redis().mode());
  }

  @Test
  void everyKeyHasAnEnvironmentVariable() {
    assertEquals("HERALD_HEARTBEAT_EXPIRE_DELAY", ConfigKeys.envName("heartbeat.expireDelay"));
    assertEquals("HERALD_STORE_REDIS_HOST", ConfigKeys.envName("store.redis.host"));
    assertEquals("HERALD_SSE_MAX_CHANNELS_PER_STREAM", ConfigKeys.envName("sse.maxChannelsPerStream"));
    assertEquals("HERALD_HTTP_CORS_ORIGINS", ConfigKeys.envName("http.cors.origins"));
    assertEquals("HERALD_NAME", ConfigKeys.envName("name"));
    long distinct = ConfigKeys.all().stream().map(ConfigKeys.Key::env).distinct().count();
    assertEquals(ConfigKeys.all().size(), distinct);
  }

  // --- sources and precedence -------------------------------------------------------------------

  @Test
  void fileThenEnvironmentThenFlags() throws IOException {
    Path f = file("herald.yaml", """
        http:
          port: 1000
        heartbeat:
          beatDelay: 5
        sse.pingInterval: 3s
        """);
    Map<String, String> env = Map.of("HERALD_HTTP_PORT", "2000", "HERALD_HEARTBEAT_BEAT_DELAY", "6",
        "HERALD_HEARTBEAT_EXPIRE_DELAY", "20s", "PATH", "/usr/bin");
    HeraldConfig c = ConfigLoader.load(new String[] {"--config", f.toString(), "--http.port=3000"}, env);
    assertEquals(3000, c.http().port());
    assertEquals(Duration.ofSeconds(6), c.heartbeat().beatDelay());
    assertEquals(Duration.ofSeconds(20), c.heartbeat().expireDelay());
    assertEquals(Duration.ofSeconds(3), c.sse().pingInterval());
    HeraldConfig noFlags = ConfigLoader.load(new String[] {"--config=" + f}, env);
    assertEquals(2000, noFlags.http().port());
    HeraldConfig fileOnly = ConfigLoader.load(new String[] {"--config", f.toString()}, NO_ENV);
    assertEquals(1000, fileOnly.http().port());
    assertEquals(Duration.ofSeconds(5), fileOnly.heartbeat().beatDelay());
  }

  @Test
  void configFileFromEnvironment() throws IOException {
    Path f = file("c.yml", "http.port: 1234\n");
    assertEquals(1234, ConfigLoader.load(new String[0], Map.of("HERALD_CONFIG", f.toString())).http().port());
  }

  @Test
  void yamlNestedDottedAndMixed() throws IOException {
    Path f = file("mixed.yaml", """
        name: app1
        logging: 2
        store:
          type: redis
          redis:
            host: redis.local
            port: 6380
            password: 1234
            db: 3
            options: {maxPoolSize: 8, poolName: x}
            mode: cluster
        history.maxEvents: 50
        history:
          maxAge: 10m
        roles: [sse, replay]
        http.cors.origins:
          - https://a.example
          - http://localhost:3000
        cluster:
          members: "10.0.0.1:5701, 10.0.0.2"
        """);
    HeraldConfig c = flags("--config", f.toString());
    assertEquals("app1", c.name());
    assertEquals(2, c.logging());
    assertEquals(2, c.heartbeat().logging());
    assertEquals("redis", c.store().type());
    assertEquals("redis.local", c.store().redis().host());
    assertEquals(6380, c.store().redis().port());
    assertEquals("1234", c.store().redis().password());
    assertEquals(3, c.store().redis().db());
    assertEquals(new JsonObject().put("maxPoolSize", 8).put("poolName", "x"), c.store().redis().options());
    assertEquals("cluster", c.store().redis().mode());
    assertEquals(50, c.history().maxEvents());
    assertEquals(Duration.ofMinutes(10), c.history().maxAge());
    assertEquals(EnumSet.of(Role.SSE, Role.REPLAY), c.roles());
    assertEquals(List.of("https://a.example", "http://localhost:3000"), c.http().corsOrigins());
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2"), c.cluster().members());
  }

  @Test
  void jsonNestedAndDotted() throws IOException {
    Path f = file("herald.json", """
        {"http": {"port": 9001, "maxBodyBytes": "1MiB"}, "sse.padding": true,
         "store.redis.options": {"netClientOptions": {"connectTimeout": 500}}, "heartbeat": {"beatDelay": 0.5,
         "expireDelay": "1s"}}
        """);
    HeraldConfig c = flags("--config", f.toString());
    assertEquals(9001, c.http().port());
    assertEquals(1024 * 1024, c.http().maxBodyBytes());
    assertTrue(c.sse().padding());
    assertEquals(500, c.store().redis().options().getJsonObject("netClientOptions").getInteger("connectTimeout"));
    assertEquals(Duration.ofMillis(500), c.heartbeat().beatDelay());
  }

  @Test
  void emptyFileMeansDefaults() throws IOException {
    assertEquals(HeraldConfig.defaults(), flags("--config", file("empty.yaml", "# nothing\n").toString()));
  }

  @Test
  void flagForms() {
    assertEquals(9000, flags("--http.port", "9000").http().port());
    assertEquals(9000, flags("--http.port=9000").http().port());
    assertTrue(flags("--sse.padding").sse().padding());
    assertTrue(flags("--sse.padding", "--http.port=1").sse().padding());
    assertFalse(flags("--sse.padding=false").sse().padding());
    assertEquals(List.of("a.example", "b"), flags("--cluster.members= a.example, ,b").cluster().members());
    assertEquals(new JsonObject().put("a", 1), flags("--store.redis.options={\"a\":1}").store().redis().options());
  }

  @Test
  void environmentTypes() {
    HeraldConfig c = ConfigLoader.load(new String[0], Map.of("HERALD_SSE_MAX_QUEUED_BYTES", "2MiB",
        "HERALD_HTTP_CORS_ORIGINS", "*", "HERALD_STORE_REDIS_OPTIONS", "{\"maxPoolSize\": 4}",
        "HERALD_HEARTBEAT_STREAM_KEEPS_ALIVE", "false", "HERALD_STORE_REDIS_PASSWORD", ""));
    assertEquals(2 * 1024 * 1024, c.sse().maxQueuedBytes());
    assertEquals(List.of("*"), c.http().corsOrigins());
    assertEquals(4, c.store().redis().options().getInteger("maxPoolSize"));
    assertFalse(c.streamKeepsAlive());
    assertNull(c.store().redis().password());
  }

  @Test
  void fromMapTakesTypedValuesAndText() {
    HeraldConfig c = ConfigLoader.fromMap(Map.of("http.port", 0, "heartbeat.beatDelay", Duration.ofMillis(200),
        "heartbeat.expireDelay", "600ms", "heartbeat.purgeDelay", 0.1, "sse.maxQueuedBytes", 4096L,
        "roles", List.of(Role.GATEWAY, Role.SSE), "history", Map.of("maxEvents", 3)));
    assertEquals(0, c.http().port());
    assertEquals(Duration.ofMillis(200), c.heartbeat().beatDelay());
    assertEquals(Duration.ofMillis(600), c.heartbeat().expireDelay());
    assertEquals(Duration.ofMillis(100), c.heartbeat().purgeDelay());
    assertEquals(4096, c.sse().maxQueuedBytes());
    assertEquals(EnumSet.of(Role.GATEWAY, Role.SSE), c.roles());
    assertEquals(3, c.history().maxEvents());
  }

  // --- durations and sizes ----------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({"250ms,250", "2s,2000", "10m,600000", "1h,3600000", "1d,86400000", "30,30000", "1.5,1500",
      "0.25s,250", "1.5h,5400000", "' 2 s ',2000", "2S,2000"})
  void durationForms(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), flags("--history.maxAge=" + text).history().maxAge());
  }

  @Test
  void durationNumbersFromYaml() throws IOException {
    Path f = file("d.yaml", "history:\n  maxAge: 2.5\n  idleChannelTtl: 90\n");
    HeraldConfig c = flags("--config", f.toString());
    assertEquals(Duration.ofMillis(2500), c.history().maxAge());
    assertEquals(Duration.ofSeconds(90), c.history().idleChannelTtl());
  }

  @ParameterizedTest
  @CsvSource({"abc", "-1", "-1s", "5x", "2 weeks", "0.0001", "1.5ms", "''"})
  void badDurationsNameTheKey(String text) {
    ConfigException e = assertThrows(ConfigException.class, () -> flags("--history.maxAge=" + text));
    assertEquals("history.maxAge", e.key());
    assertTrue(e.getMessage().startsWith("history.maxAge"), e.getMessage());
  }

  @Test
  void negativeDurationNumber() {
    ConfigException e = fails(Map.of("sse.retryTimeout", -2));
    assertEquals("sse.retryTimeout", e.key());
    assertTrue(e.getMessage().contains("negative"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"64KiB,65536", "1MiB,1048576", "1GiB,1073741824", "2KB,2000", "1MB,1000000", "2048,2048",
      "2048B,2048", "1.5KiB,1536", "64kib,65536", "' 3 KiB',3072"})
  void sizeForms(String text, long bytes) {
    assertEquals(bytes, flags("--http.maxBodyBytes=" + text).http().maxBodyBytes());
  }

  @ParameterizedTest
  @CsvSource({"-1", "12XB", "lots", "1.5", "1.0001KiB", "''"})
  void badSizesNameTheKey(String text) {
    ConfigException e = assertThrows(ConfigException.class, () -> flags("--sse.maxQueuedBytes=" + text));
    assertEquals("sse.maxQueuedBytes", e.key());
    assertTrue(e.getMessage().startsWith("sse.maxQueuedBytes"), e.getMessage());
  }

  // --- errors name their key --------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http.port|70000", "http.port|abc", "http.port|-1", "http.port|80.5", "logging|3", "logging|-1",
      "heartbeat.maxSessions|0", "heartbeat.purgeDelay|0", "heartbeat.beatDelay|0s", "store.type|mongo",
      "store.redis.mode|sentinel", "store.redis.port|0", "store.redis.db|-1", "store.redis.host|' '",
      "store.redis.options|[1]", "store.redis.options|not json", "roles|heartbeat,web", "roles|''",
      "cluster.join|dns", "cluster.port|0", "cluster.busPort|65536", "cluster.members|a:b",
      "cluster.members|host:99999", "cluster.enabled|maybe", "cluster.drainWindow|soon",
      "sse.maxChannelsPerStream|0", "sse.maxStreams|0", "sse.padding|maybe", "sse.pingInterval|5ms",
      "sse.maxQueuedBytes|100", "history.maxEvents|0", "history.maxAge|0", "history.idleChannelTtl|0",
      "history.maxChannels|0", "http.maxBodyBytes|10", "http.cors.origins|ftp://x", "http.instances|-1",
      "http.host|''", "name|'bad name'", "name|a..b", "auth.mode|basic", "heartbeat.streamKeepsAlive|2"})
  void eachErrorNamesItsKey(String key, String value) {
    ConfigException e = assertThrows(ConfigException.class, () -> flags("--" + key + "=" + value));
    assertEquals(key, e.key(), e.getMessage());
    assertTrue(e.getMessage().startsWith(key + " "), e.getMessage());
    assertTrue(e.getMessage().contains("--" + key), "says where it came from: " + e.getMessage());
  }

  @Test
  void expireDelayMustExceedBeatDelay() {
    ConfigException e = fails(Map.of("heartbeat.expireDelay", "30s"));
    assertEquals("heartbeat.expireDelay", e.key());
    assertEquals("heartbeat.expireDelay (30s) must exceed heartbeat.beatDelay (30s)", e.getMessage());
    ConfigException viaEnv = assertThrows(ConfigException.class, () -> ConfigLoader.load(
        new String[] {"--heartbeat.beatDelay=1m"}, Map.of("HERALD_HEARTBEAT_EXPIRE_DELAY", "45")));
    assertTrue(viaEnv.getMessage().startsWith("heartbeat.expireDelay (45s) must exceed heartbeat.beatDelay (1m)"),
        viaEnv.getMessage());
    assertTrue(viaEnv.getMessage().contains("HERALD_HEARTBEAT_EXPIRE_DELAY"), viaEnv.getMessage());
  }

  @Test
  void kubernetesJoinNeedsAService() {
    ConfigException e = fails(Map.of("cluster.enabled", true, "cluster.join", "kubernetes"));
    assertEquals("cluster.service", e.key());
    assertEquals("herald-hz.default.svc.cluster.local", ConfigLoader.fromMap(Map.of("cluster.enabled", true,
        "cluster.join", "kubernetes", "cluster.service", "herald-hz.default.svc.cluster.local")).cluster().service());
  }

  @Test
  void corsWildcardOnlyInOpenMode() {
    ConfigException e = fails(Map.of("auth.mode", "jwt", "http.cors.origins", "*"));
    assertEquals("http.cors.origins", e.key());
  }

  @Test
  void typeErrorsFromFiles() throws IOException {
    Path f = file("t.yaml", "http:\n  port: {a: 1}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> flags("--config", f.toString()));
    assertEquals("http.port", e.key());
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    ConfigException list = fails(Map.of("roles", Map.of("a", 1)));
    assertEquals("roles", list.key());
    ConfigException text = fails(Map.of("name", List.of("a")));
    assertEquals("name", text.key());
  }

  // --- unknown keys -----------------------------------------------------------------------------

  @Test
  void unknownKeysAreRejectedEverywhere() throws IOException {
    ConfigException flag = assertThrows(ConfigException.class, () -> flags("--http.prot=1"));
    assertEquals("http.prot", flag.key());
    assertTrue(flag.getMessage().contains("did you mean http.port?"), flag.getMessage());
    Path f = file("u.yaml", "heartbeat:\n  beatdelay: 5\n");
    ConfigException file = assertThrows(ConfigException.class, () -> flags("--config", f.toString()));
    assertEquals("heartbeat.beatdelay", file.key());
    assertTrue(file.getMessage().contains("heartbeat.beatDelay"), file.getMessage());
    ConfigException map = fails(Map.of("sse.bogus", 1));
    assertEquals("sse.bogus", map.key());
    ConfigException env = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("HERALD_HTTP_PROT", "1")));
    assertTrue(env.getMessage().contains("HERALD_HTTP_PROT"), env.getMessage());
    assertTrue(env.getMessage().contains("HERALD_HTTP_PORT"), env.getMessage());
  }

  /**
   * What the kubelet gives a pod for the Services {@code herald}, {@code herald-hazelcast}, {@code herald-redis}
   * and {@code herald-cluster} of its namespace (service links, on by default): never a reason to stop,
   * while real settings beside them still count and a typo still fails.
   */
  @Test
  void kubernetesServiceLinksAreIgnored() {
    Map<String, String> env = new HashMap<>();
    for (String svc : List.of("HERALD", "HERALD_HAZELCAST", "HERALD_REDIS", "HERALD_CLUSTER")) {
      env.put(svc + "_SERVICE_HOST", "10.96.0.10");
      env.put(svc + "_SERVICE_PORT", "8080");
      env.put(svc + "_SERVICE_PORT_HTTP", "8080");
      env.put(svc + "_PORT", "tcp://10.96.0.10:8080");
      env.put(svc + "_PORT_8080_TCP", "tcp://10.96.0.10:8080");
      env.put(svc + "_PORT_8080_TCP_PROTO", "tcp");
      env.put(svc + "_PORT_8080_TCP_PORT", "8080");
      env.put(svc + "_PORT_8080_TCP_ADDR", "10.96.0.10");
      env.put(svc + "_PORT_5701_UDP_ADDR", "10.96.0.10");
    }
    env.put("HERALD_HTTP_PORT", "9000");
    HeraldConfig c = ConfigLoader.load(new String[0], env);
    assertEquals(9000, c.http().port());
    assertEquals(5701, c.cluster().port(), "HERALD_CLUSTER_PORT=tcp://… of a Service herald-cluster is no port");

    // The shapes alone do not excuse a mistyped setting: a *_PORT that is not a tcp:// link still fails.
    ConfigException typo = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("HERALD_CLUSTR_PORT", "5701")));
    assertTrue(typo.getMessage().contains("HERALD_CLUSTR_PORT"), typo.getMessage());
    assertFalse(ConfigLoader.isServiceLink("HERALD_HTTP_PROT", "1"));
    assertFalse(ConfigLoader.isServiceLink("HERALD_SERVICE_PORT", "http"));
    assertTrue(ConfigLoader.isServiceLink("HERALD_HAZELCAST_SERVICE_PORT", "5701"));
  }

  @Test
  void badCommandLines() {
    assertTrue(assertThrows(ConfigException.class, () -> flags("config.yaml")).getMessage().contains("config.yaml"));
    assertTrue(assertThrows(ConfigException.class, () -> flags("--http.port")).getMessage().contains("--http.port"));
    assertTrue(assertThrows(ConfigException.class, () -> flags("--config", "a", "--config", "b")).getMessage()
        .contains("--config"));
    assertThrows(ConfigException.class, () -> flags("--http.port=1", "--http.port=2"));
    assertTrue(ConfigLoader.wantsHelp(new String[] {"--http.port=1", "--help"}));
    assertTrue(ConfigLoader.wantsHelp(new String[] {"-h"}));
    assertFalse(ConfigLoader.wantsHelp(new String[] {"--http.port=1"}));
  }

  // --- files ------------------------------------------------------------------------------------

  @Test
  void badFiles() throws IOException {
    ConfigException missing = assertThrows(ConfigException.class, () -> flags("--config", dir.resolve("no.yaml")
        .toString()));
    assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    Path list = file("list.yaml", "- a\n- b\n");
    assertTrue(assertThrows(ConfigException.class, () -> flags("--config", list.toString())).getMessage()
        .contains("map of settings"));
    Path dup = file("dup.yaml", "http:\n  port: 1\nhttp:\n  host: x\n");
    assertTrue(assertThrows(ConfigException.class, () -> flags("--config", dup.toString())).getMessage()
        .contains("YAML"));
    Path twice = file("twice.yaml", "http:\n  port: 1\nhttp.port: 2\n");
    ConfigException t = assertThrows(ConfigException.class, () -> flags("--config", twice.toString()));
    assertEquals("http.port", t.key());
    Path badJson = file("bad.json", "{\"http\": ");
    assertTrue(assertThrows(ConfigException.class, () -> flags("--config", badJson.toString())).getMessage()
        .contains("JSON"));
  }

  @Test
  void yamlCannotBuildJavaObjects() throws IOException {
    Path f = file("evil.yaml", "name: !!java.io.File [\"/tmp\"]\n");
    ConfigException e = assertThrows(ConfigException.class, () -> flags("--config", f.toString()));
    assertTrue(e.getMessage().contains("YAML"), e.getMessage());
  }

  @Test
  void nullValuesKeepDefaults() throws IOException {
    Path f = file("n.yaml", "store:\n  redis:\n    password:\nhttp.port: ~\n");
    assertEquals(HeraldConfig.defaults(), flags("--config", f.toString()));
    Map<String, Object> m = new HashMap<>();
    m.put("http.port", null);
    assertEquals(HeraldConfig.defaults(), ConfigLoader.fromMap(m));
  }
}
