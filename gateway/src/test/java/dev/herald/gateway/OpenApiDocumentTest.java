package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /v1/openapi.json} (docs/http-api.md#edge): a valid OpenAPI 3.1 document (checked by
 * vertx-openapi against the OpenAPI schema when {@link OpenApiContract} loads it), served as it is packaged,
 * covering every route of the router; and the validation of answers against it fails when an answer
 * strays from it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenApiDocumentTest {
  private static Vertx vertx;
  private static TestNode.Running it;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    it = TestNode.run(vertx, Map.of());
  }

  @AfterAll
  static void stop() {
    it.stop();
    TestNode.await(vertx.close());
  }

  @Test
  void theDocumentIsServedAsPackaged() {
    Reply r = it.api().get("/v1/openapi.json");
    assertEquals(200, r.statusCode());
    assertEquals("application/json", r.getHeader("Content-Type"));
    JsonObject served = r.bodyAsJsonObject();
    assertTrue(OpenApiContract.get().raw().equals(served), "the document served is the one packaged");
    assertTrue(served.getString("openapi").startsWith("3.1."), served.getString("openapi"));
  }

  @Test
  void everyRouteOfTheRouterIsInTheDocument() {
    OpenApiContract contract = OpenApiContract.get();
    JsonObject paths = contract.raw().getJsonObject("paths");
    List<String> seen = new ArrayList<>();
    for (Route route : it.node().router().getRoutes()) {
      if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
        continue; // the edge's own handlers, for every request
      }
      String template = route.getPath().replaceAll(":([A-Za-z]+)", "{$1}");
      JsonObject item = paths.getJsonObject(template);
      assertNotNull(item, "the document has no path " + template);
      for (HttpMethod m : route.methods()) {
        String op = m == HttpMethod.HEAD ? "get" : m.name().toLowerCase(Locale.ROOT);
        assertNotNull(item.getJsonObject(op), "the document has no " + m + " " + template);
        seen.add(m + " " + template);
      }
    }
    assertTrue(seen.size() >= 30, "routes checked: " + seen);
  }

  @Test
  void theConsoleLinksTheDocument() {
    assertTrue(it.api().get("/").bodyAsString().contains("href=\"/v1/openapi.json\""));
  }

  @Test
  void answersThatStrayFromTheDocumentAreCaught() {
    OpenApiContract c = OpenApiContract.get();
    MultiMap json = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json");
    MultiMap problem = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/problem+json");
    c.check("POST", "/v1/channels/a/events", 201, json, Buffer.buffer("{\"channel\":\"a\",\"id\":\"x\"}"), false);
    assertThrows(AssertionError.class, () -> c.check("POST", "/v1/channels/a/events", 201, json,
        Buffer.buffer("{\"channel\":\"a\"}"), false), "a required member is missing");
    assertThrows(AssertionError.class, () -> c.check("POST", "/v1/channels/a/events", 201, problem,
        Buffer.buffer("{\"channel\":\"a\",\"id\":\"x\"}"), false), "an undocumented media type");
    assertThrows(AssertionError.class, () -> c.check("POST", "/v1/channels/a/events", 418, problem,
        Buffer.buffer("{}"), false), "an undocumented status");
    assertThrows(AssertionError.class, () -> c.check("GET", "/v1/stream", 400, problem,
        Buffer.buffer("{\"type\":\"about:blank\",\"title\":\"t\",\"status\":400,\"detail\":\"d\"}"), false),
        "a problem type outside urn:herald:problem:");
    assertThrows(AssertionError.class, () -> c.check("DELETE", "/v1/stream", 405, problem,
        Buffer.buffer("{\"type\":\"urn:herald:problem:method-not-allowed\",\"title\":\"t\",\"status\":405,"
            + "\"detail\":\"d\"}"), false), "a 405 without Allow");
    c.check("DELETE", "/v1/stream", 405, MultiMap.caseInsensitiveMultiMap().addAll(problem).add("Allow", "GET"),
        Buffer.buffer("{\"type\":\"urn:herald:problem:method-not-allowed\",\"title\":\"t\",\"status\":405,"
            + "\"detail\":\"d\"}"), false);
  }
}
