package dev.herald.gateway.auth;

import java.util.List;

/**
 * Who is asking (docs/http-api.md#access), as {@link Access#authenticate} found out, and what it may do.
 * Every decision of the access layer about a request is taken here: routes ask, they do not decide.
 *
 * <p>With {@code auth.mode=open} every caller is anonymous and may do everything; its client (for the abuse
 * bounds) is its address. With {@code auth.mode=jwt} a caller is the {@code sub} of a verified token, with
 * the channels of its {@code herald.subscribe} and {@code herald.publish} claims and {@code herald.admin}.
 *
 * @param userId      the token's {@code sub}, or {@code null} in open mode
 * @param client      whom the abuse bounds count against: {@code user:<sub>}, or {@code addr:<address>}
 * @param expiresAtMs when the token stops being accepted (its {@code exp} plus the leeway), epoch ms; 0 for never
 */
public record Caller(String userId, String client, long expiresAtMs, ChannelPatterns subscribe,
                     ChannelPatterns publish, boolean admin) {

  /** An anonymous caller of open mode: everything allowed. */
  public static Caller open(String address) {
    return new Caller(null, "addr:" + address, 0, ChannelPatterns.ALL, ChannelPatterns.ALL, true);
  }

  /**
   * The node itself (its readiness canary, over its own HTTP port): may read only {@code channels}, holds no
   * session, and no abuse bound counts it ({@code client} is null).
   */
  public static Caller node(String channel) {
    return new Caller(null, null, 0, ChannelPatterns.parse(channel), ChannelPatterns.NONE, false);
  }

  /** True in jwt mode (a verified token), false for an anonymous caller of open mode. */
  public boolean authenticated() {
    return userId != null;
  }

  /** Refuses ({@code 403}) unless every channel may be published to. */
  public void requirePublish(List<String> channels) {
    for (String channel : channels) {
      if (!publish.matches(channel)) {
        throw AuthFailure.forbidden("publish-not-allowed", "this token may not publish to '" + channel
            + "' (its herald.publish claim is " + publish + ")");
      }
    }
  }

  /** Refuses ({@code 403}) unless every channel may be read (streams and history). */
  public void requireSubscribe(List<String> channels) {
    for (String channel : channels) {
      if (!subscribe.matches(channel)) {
        throw AuthFailure.forbidden("subscribe-not-allowed", "this token may not read '" + channel
            + "' (its herald.subscribe claim is " + subscribe + ")");
      }
    }
  }

  /** Refuses ({@code 403}) unless the caller is an admin (sessions API, presence stream, console figures). */
  public void requireAdmin() {
    if (!admin) {
      throw AuthFailure.forbidden("admin-only", "this needs a token with \"herald.admin\": true");
    }
  }
}
