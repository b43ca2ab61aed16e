package dev.herald.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** An HTTP answer as a test reads it. */
record Reply(int statusCode, MultiMap headers, Buffer body) {

  String getHeader(String name) {
    return headers.get(name);
  }

  String bodyAsString() {
    return body == null ? "" : body.toString();
  }

  JsonObject bodyAsJsonObject() {
    return new JsonObject(body);
  }
}
