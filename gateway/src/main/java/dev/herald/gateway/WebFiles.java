package dev.herald.gateway;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;

/**
 * The files the gateway serves from its class path: the console page, the browser client as a classic script
 * and as an ES module ({@code webroot/}), and the HTTP API's OpenAPI document ({@code openapi.json}). The client
 * files are the ones {@code clients/browser} builds (its {@code dist/}), copied into the jar by the gateway's
 * build; each is {@code null} when absent.
 */
record WebFiles(Buffer page, Buffer script, Buffer module, Buffer openApi) {

  /** Reads the files (blocking: call it off the event loop). */
  static WebFiles load() throws IOException {
    return new WebFiles(resource("webroot/index.html"), resource("webroot/herald.js"), resource("webroot/herald.mjs"),
        resource("openapi.json"));
  }

  private static Buffer resource(String name) throws IOException {
    try (InputStream in = WebFiles.class.getClassLoader().getResourceAsStream(name)) {
      return in == null ? null : Buffer.buffer(in.readAllBytes());
    }
  }
}
