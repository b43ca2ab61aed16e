package dev.herald.gateway.auth;

/**
 * A request the access layer refuses (docs/http-api.md#access): {@code 401} when the caller is not known (no
 * token, or one that is malformed, badly signed, expired, of another issuer or audience), {@code 403} when
 * it is known and may not do this, {@code 429} when it holds too much already. The gateway renders it as
 * problem+json with {@link #slug()} and {@link #getMessage()} as the detail, plus {@link #wwwAuthenticate()}
 * and {@link #retryAfterSeconds()} as headers when set. It carries no stack trace: it is an answer.
 */
public final class AuthFailure extends RuntimeException {
  /** The realm of every {@code WWW-Authenticate: Bearer} challenge. */
  public static final String REALM = "herald";

  private final int status;
  private final String slug;
  private final String bearerError;
  private final long retryAfterSeconds;

  private AuthFailure(int status, String slug, String detail, String bearerError, long retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.slug = slug;
    this.bearerError = bearerError;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * No token at all: {@code 401} with the bare challenge {@code Bearer realm="herald"} — RFC 6750 §3.1: a
   * request without any authentication gets no error code.
   */
  static AuthFailure missing(String detail) {
    return new AuthFailure(401, "token-missing", detail, null, 0);
  }

  /** A token that cannot be used: {@code 401} with {@code error="invalid_token"} and a description. */
  static AuthFailure invalid(String slug, String detail) {
    return new AuthFailure(401, slug, detail, "invalid_token", 0);
  }

  /** A known caller that may not do this: {@code 403}. */
  public static AuthFailure forbidden(String slug, String detail) {
    return new AuthFailure(403, slug, detail, null, 0);
  }

  /** A malformed request around the token (a query key given twice): {@code 400}. */
  static AuthFailure badRequest(String slug, String detail) {
    return new AuthFailure(400, slug, detail, null, 0);
  }

  /** Too many sessions or streams for one client: {@code 429} with {@code Retry-After}. */
  public static AuthFailure tooMany(String slug, String detail, long retryAfterSeconds) {
    return new AuthFailure(429, slug, detail, null, Math.max(1, retryAfterSeconds));
  }

  public int status() {
    return status;
  }

  public String slug() {
    return slug;
  }

  /** A short title for the problem. */
  public String title() {
    return switch (status) {
      case 400 -> "Bad request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 429 -> "Too many requests";
      default -> "Refused";
    };
  }

  /** The {@code WWW-Authenticate} value of a {@code 401}, else {@code null}. */
  public String wwwAuthenticate() {
    if (status != 401) {
      return null;
    }
    if (bearerError == null) {
      return "Bearer realm=\"" + REALM + "\"";
    }
    return "Bearer realm=\"" + REALM + "\", error=\"" + bearerError + "\", error_description=\""
        + quotable(getMessage()) + "\"";
  }

  /** Seconds for {@code Retry-After} on a {@code 429}, else 0. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** RFC 6750 allows printable ASCII but {@code "} and {@code \} in error_description. */
  private static String quotable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length() && b.length() < 200; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '\'');
    }
    return b.toString();
  }
}
