package dev.herald.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The HTTP API's OpenAPI document ({@code openapi.json}, the resource the node serves at
 * {@code GET /v1/openapi.json}) as the tests hold every answer against: {@link Api} and {@link Streams} pass
 * each response they see to {@link #check}, so the whole suite's traffic is validated. The document itself is
 * validated against the OpenAPI 3.1 schema, and bodies against their JSON Schemas (2020-12), by Vert.x's
 * vertx-openapi and vertx-json-schema; this class only finds which documented response an answer is.
 *
 * <p>A request is matched to a path of the document (the template with the fewest parameters first) and to
 * its operation ({@code HEAD} is the {@code GET} operation without a body). A method the path does not take
 * is the {@code MethodNotAllowed} response; a path the document does not have, a CORS preflight, and a
 * request the HTTP layer could not read are answered by the document's shared responses.
 */
final class OpenApiContract {
  static final String BASE = "app:///openapi.json";
  private static volatile OpenApiContract instance;

  private final JsonObject raw;
  private final JsonObject resolved;
  private final SchemaRepository repository;
  private final List<PathTemplate> paths = new ArrayList<>();
  private final Map<JsonObject, io.vertx.json.schema.Validator> validators = new ConcurrentHashMap<>();

  private record PathTemplate(String template, Pattern pattern, int parameters) {
  }

  private OpenApiContract(JsonObject raw, JsonObject resolved, SchemaRepository repository) {
    this.raw = raw;
    this.resolved = resolved;
    this.repository = repository;
    for (String template : names(resolved.getJsonObject("paths"))) {
      StringBuilder regex = new StringBuilder();
      int params = 0;
      for (String part : template.split("(?=\\{)|(?<=\\})")) {
        if (part.startsWith("{")) {
          regex.append("[^/]*");
          params++;
        } else {
          regex.append(Pattern.quote(part));
        }
      }
      paths.add(new PathTemplate(template, Pattern.compile(regex.toString()), params));
    }
    paths.sort(Comparator.comparingInt(PathTemplate::parameters));
  }

  /** The document, loaded and checked against the OpenAPI 3.1 schema once per test JVM. */
  static OpenApiContract get() {
    OpenApiContract c = instance;
    if (c == null) {
      synchronized (OpenApiContract.class) {
        if (instance == null) {
          instance = load();
        }
        c = instance;
      }
    }
    return c;
  }

  private static OpenApiContract load() {
    JsonObject raw = new JsonObject(resource());
    Vertx vertx = Vertx.vertx();
    try {
      OpenAPIVersion version = OpenAPIVersion.fromContract(raw);
      SchemaRepository repository = TestNode.await(version.getRepository(vertx, BASE));
      // the library annotates what it is given: it gets copies, and raw() stays the document as written
      OutputUnit result = TestNode.await(version.validateContract(vertx, repository, raw.copy()));
      try {
        result.checkValidity();
      } catch (JsonSchemaValidationException e) {
        throw new AssertionError("openapi.json is not a valid OpenAPI " + version + " document: " + e.getMessage()
            + " at " + e.location() + "; " + result.getErrors(), e);
      }
      JsonObject resolved = TestNode.await(version.resolve(vertx, repository, raw.copy()));
      return new OpenApiContract(raw, resolved, repository);
    } finally {
      TestNode.await(vertx.close());
    }
  }

  static Buffer resource() {
    try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is not on the class path");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document as written (with its {@code $ref}s). */
  JsonObject raw() {
    return raw;
  }

  /** The path template of the document a request path is answered by, or {@code null}. */
  String template(String method, String path) {
    String op = operationName(method);
    String any = null;
    for (PathTemplate t : paths) {
      if (t.pattern.matcher(path).matches()) {
        if (resolved.getJsonObject("paths").getJsonObject(t.template).containsKey(op)) {
          return t.template;
        }
        any = any == null ? t.template : any;
      }
    }
    return any;
  }

  private static String operationName(String method) {
    String m = method.toLowerCase(Locale.ROOT);
    return m.equals("head") ? "get" : m;
  }

  /**
   * Asserts that an answer is one the document describes: its status among the operation's responses, the
   * response's required headers there and valid, and its body of a documented media type and valid against
   * that schema.
   *
   * @param uri     the request's path and query
   * @param body    the body, or {@code null} when it was not read (a stream's)
   */
  void check(String method, String uri, int status, MultiMap headers, Buffer body, boolean preflight) {
    String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
    String where = method + " " + uri.substring(0, Math.min(uri.length(), 120)) + " → " + status;
    JsonObject response = response(method, path, status, preflight, where);
    for (String name : names(response.getJsonObject("headers", new JsonObject()))) {
      JsonObject header = response.getJsonObject("headers").getJsonObject(name);
      String value = headers.get(name);
      if (value == null) {
        if (header.getBoolean("required", false)) {
          throw new AssertionError(where + ": the document requires the header " + name);
        }
        continue;
      }
      validate(header.getJsonObject("schema", new JsonObject()), value, where + " header " + name);
    }
    JsonObject content = response.getJsonObject("content");
    boolean noBody = method.equalsIgnoreCase("HEAD") || status == 204 || status == 304;
    if (content == null || names(content).isEmpty()) {
      if (body != null && body.length() > 0 && !noBody) {
        throw new AssertionError(where + ": a body where the document has none: " + body);
      }
      return;
    }
    String type = headers.get("Content-Type");
    if (type == null) {
      if (noBody) {
        return;
      }
      throw new AssertionError(where + ": no Content-Type; the document has " + content.fieldNames());
    }
    JsonObject media = media(content, type);
    if (media == null) {
      throw new AssertionError(where + ": Content-Type " + type + " is not among " + content.fieldNames());
    }
    if (noBody || body == null) {
      return;
    }
    Object value = value(type, body, where);
    validate(media.getJsonObject("schema", new JsonObject()), value, where + " body");
  }

  private JsonObject response(String method, String path, int status, boolean preflight, String where) {
    JsonObject shared = resolved.getJsonObject("components").getJsonObject("responses");
    if (preflight && status == 204) {
      return shared.getJsonObject("Preflight");
    }
    String template = template(method, path);
    JsonObject item = template == null ? null : resolved.getJsonObject("paths").getJsonObject(template);
    JsonObject operation = item == null || preflight ? null : item.getJsonObject(operationName(method));
    if (operation == null) {
      // no operation takes the request: it gets one of the answers any request may get (404, 405, the edge's)
      String name = SHARED.get(status);
      if (name == null) {
        throw new AssertionError(where + ": " + (template == null ? "no path of the document matches"
            : "the document has no " + method + " operation on " + template) + ", and " + status
            + " is not among the answers any request may get " + SHARED.keySet());
      }
      return shared.getJsonObject(name);
    }
    JsonObject responses = operation.getJsonObject("responses");
    JsonObject r = responses.getJsonObject(Integer.toString(status));
    if (r == null) {
      r = responses.getJsonObject((status / 100) + "XX", responses.getJsonObject("default"));
    }
    if (r == null) {
      throw new AssertionError(where + ": the status is not documented for " + operation.getString("operationId")
          + " (documented: " + responses.fieldNames() + ")");
    }
    return r;
  }

  /** The shared responses of the document, by the status a request that no operation answers gets. */
  private static final Map<Integer, String> SHARED = Map.ofEntries(Map.entry(400, "BadRequest"),
      Map.entry(403, "Forbidden"), Map.entry(404, "NotFound"), Map.entry(405, "MethodNotAllowed"),
      Map.entry(408, "RequestTimeout"), Map.entry(413, "PayloadTooLarge"), Map.entry(414, "UriTooLong"),
      Map.entry(415, "UnsupportedMediaType"), Map.entry(431, "HeadersTooLarge"), Map.entry(500, "InternalError"),
      Map.entry(503, "Unavailable"));

  /** The keys of a resolved object, without the resolver's own annotations. */
  private static List<String> names(JsonObject o) {
    return o.fieldNames().stream().filter(JsonSchema.EXCLUDE_ANNOTATIONS).toList();
  }

  private static JsonObject media(JsonObject content, String type) {
    if (content.containsKey(type)) {
      return content.getJsonObject(type);
    }
    String base = type.split(";")[0].trim().toLowerCase(Locale.ROOT);
    for (String key : names(content)) {
      if (key.split(";")[0].trim().equalsIgnoreCase(base)) {
        return content.getJsonObject(key);
      }
    }
    return null;
  }

  private static Object value(String type, Buffer body, String where) {
    String base = type.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (base.equals("application/json") || base.endsWith("+json")) {
      try {
        return Json.decodeValue(body);
      } catch (DecodeException e) {
        throw new AssertionError(where + ": the body is not JSON: " + e.getMessage());
      }
    }
    return body.toString();
  }

  private void validate(JsonObject schema, Object value, String where) {
    OutputUnit result = validators.computeIfAbsent(schema, s -> repository.validator(JsonSchema.of(s)))
        .validate(value);
    try {
      result.checkValidity();
    } catch (JsonSchemaValidationException e) {
      String shown = String.valueOf(value instanceof JsonObject o ? o.encode() : value);
      throw new AssertionError(where + " does not match the document: " + e.getMessage() + " at " + e.location()
          + " (" + result.getErrors() + "); value: " + shown.substring(0, Math.min(400, shown.length())));
    }
  }
}
