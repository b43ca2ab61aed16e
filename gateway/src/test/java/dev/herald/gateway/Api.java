package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * A blocking HTTP client of one node for tests (runs on the test thread, never on an event loop). Every answer
 * it gets is checked against the OpenAPI document ({@link OpenApiContract}).
 */
final class Api {
  private final Vertx vertx;
  private final WebClient client;
  private final int port;

  Api(Vertx vertx, int port) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setFollowRedirects(false));
    this.port = port;
  }

  int port() {
    return port;
  }

  void close() {
    client.close();
  }

  /** A request; {@code headers} are name, value pairs. */
  Reply send(HttpMethod method, String uri, Buffer body, String... headers) {
    var req = client.request(method, uri);
    for (int i = 0; i < headers.length; i += 2) {
      req.headers().add(headers[i], headers[i + 1]);
    }
    var r = TestNode.await(body == null ? req.send() : req.sendBuffer(body));
    boolean preflight = method == HttpMethod.OPTIONS && req.headers().contains("Access-Control-Request-Method");
    OpenApiContract.get().check(method.name(), uri, r.statusCode(), r.headers(), r.body(), preflight);
    return new Reply(r.statusCode(), r.headers(), r.body());
  }

  Reply get(String uri, String... headers) {
    return send(HttpMethod.GET, uri, null, headers);
  }

  /** A POST; a body goes as {@code application/json} unless {@code headers} name another Content-Type. */
  Reply post(String uri, String body, String... headers) {
    boolean typed = false;
    for (int i = 0; i < headers.length; i += 2) {
      typed |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (body != null && !typed) {
      String[] withType = java.util.Arrays.copyOf(headers, headers.length + 2);
      withType[headers.length] = "Content-Type";
      withType[headers.length + 1] = "application/json";
      headers = withType;
    }
    return send(HttpMethod.POST, uri, body == null ? null : Buffer.buffer(body), headers);
  }

  /** A JSON POST whose body goes in chunks, without a Content-Length (the body limit must still hold). */
  Reply postChunked(String uri, String body) {
    HttpClient http = vertx.createHttpClient();
    try {
      Reply reply = TestNode.await(http.request(HttpMethod.POST, port, "127.0.0.1", uri).compose(req -> {
        req.setChunked(true).putHeader("Content-Type", "application/json");
        for (int i = 0; i < body.length(); i += 1000) {
          req.write(body.substring(i, Math.min(body.length(), i + 1000)));
        }
        return req.end().compose(v -> req.response())
            .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b)));
      }));
      OpenApiContract.get().check("POST", uri, reply.statusCode(), reply.headers(), reply.body(), false);
      return reply;
    } finally {
      http.close();
    }
  }

  /** Publishes and asserts {@code 201}; answers the id. */
  String publish(String channel, String event, String dataJson) {
    String body = event == null ? "{\"data\":" + dataJson + "}"
        : "{\"event\":" + Json.encode(event) + ",\"data\":" + dataJson + "}";
    Reply r = post("/v1/channels/" + channel + "/events", body, "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r::bodyAsString);
    JsonObject o = r.bodyAsJsonObject();
    assertEquals(channel, o.getString("channel"));
    assertNotNull(o.getString("id"));
    return o.getString("id");
  }

  /** The channel's whole retained history as the HTTP API answers it. */
  JsonObject history(String channel) {
    Reply r = get("/v1/channels/" + channel + "/events?limit=1000");
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
    return r.bodyAsJsonObject();
  }

  /** Asserts an RFC 9457 problem with this status and type slug; answers its body. */
  static JsonObject assertProblem(Reply r, int status, String slug) {
    assertEquals(status, r.statusCode(), r::bodyAsString);
    assertEquals("application/problem+json", r.getHeader("Content-Type"), r::bodyAsString);
    JsonObject p = r.bodyAsJsonObject();
    assertEquals(status, p.getInteger("status"));
    assertEquals("urn:herald:problem:" + slug, p.getString("type"), p::encode);
    assertNotNull(p.getString("title"));
    assertFalse(p.getString("title").isBlank());
    assertNotNull(p.getString("detail"));
    assertFalse(p.getString("detail").isBlank());
    return p;
  }
}
