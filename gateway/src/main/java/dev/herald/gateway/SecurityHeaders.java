package dev.herald.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headers every answer carries ({@code X-Content-Type-Options: nosniff}) and those of HTML pages (the
 * console): a Content-Security-Policy that lets the page load scripts, styles, images and connections from
 * Herald's own origin only — its inline scripts allowed by their SHA-256 hashes, computed from the packaged
 * page at start — and no framing by any page ({@code frame-ancestors 'none'}, {@code X-Frame-Options: DENY}).
 */
final class SecurityHeaders {
  private static final Pattern INLINE_SCRIPT =
      Pattern.compile("<script(?![^>]*\\bsrc\\s*=)[^>]*>(.*?)</script>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

  private final String policy;

  /** @param page the console page, or {@code null} when it is not packaged */
  SecurityHeaders(Buffer page) {
    this.policy = policy(page == null ? "" : page.toString(StandardCharsets.UTF_8));
  }

  /** The Content-Security-Policy of HTML pages whose inline scripts are those of {@code html}. */
  static String policy(String html) {
    Set<String> hashes = new LinkedHashSet<>();
    Matcher m = INLINE_SCRIPT.matcher(html);
    while (m.find()) {
      hashes.add("'sha256-" + sha256(m.group(1)) + "'");
    }
    return "default-src 'self'; script-src 'self'" + (hashes.isEmpty() ? "" : " " + String.join(" ", hashes))
        + "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  }

  private static String sha256(String text) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  String policy() {
    return policy;
  }

  /** Adds the headers to a response whose head is about to be written. */
  void apply(HttpServerResponse response) {
    response.putHeader("X-Content-Type-Options", "nosniff");
    String type = response.headers().get(HttpHeaders.CONTENT_TYPE);
    if (type != null && type.regionMatches(true, 0, "text/html", 0, 9)) {
      response.putHeader("Content-Security-Policy", policy).putHeader("X-Frame-Options", "DENY")
          .putHeader("Referrer-Policy", "no-referrer");
    }
  }
}
