package dev.herald.gateway.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The channel patterns of a token's {@code herald.subscribe} or {@code herald.publish} claim
 * (docs/http-api.md#access): a pattern is 1–128 characters of channel-name characters
 * ({@code A–Z a–z 0–9 _ - . : @}) and {@code *}, where {@code *} matches any run of name characters, the
 * empty run included ({@code *} alone: every channel; {@code chat:*}: {@code chat:} and all below it).
 * Everything else matches itself.
 */
final class ChannelPatterns {
  static final ChannelPatterns NONE = new ChannelPatterns(List.of(), List.of());
  static final ChannelPatterns ALL = new ChannelPatterns(List.of("*"), List.of(Pattern.compile(".*")));
  private static final int MAX_PATTERN = 128;
  private static final int MAX_PATTERNS = 1000;

  private final List<String> sources;
  private final List<Pattern> compiled;

  private ChannelPatterns(List<String> sources, List<Pattern> compiled) {
    this.sources = sources;
    this.compiled = compiled;
  }

  /**
   * The patterns of a claim value: a list of pattern strings, or one string.
   *
   * @throws IllegalArgumentException naming what is wrong, when the value is not such a list
   */
  static ChannelPatterns parse(Object claim) {
    if (claim == null) {
      return NONE;
    }
    List<?> items;
    if (claim instanceof String s) {
      items = List.of(s);
    } else if (claim instanceof List<?> l) {
      items = l;
    } else if (claim instanceof io.vertx.core.json.JsonArray a) {
      items = a.getList();
    } else {
      throw new IllegalArgumentException("must be a list of channel patterns");
    }
    if (items.size() > MAX_PATTERNS) {
      throw new IllegalArgumentException("holds more than " + MAX_PATTERNS + " patterns");
    }
    List<String> sources = new ArrayList<>(items.size());
    List<Pattern> compiled = new ArrayList<>(items.size());
    for (Object item : items) {
      if (!(item instanceof String p) || !wellFormed(p)) {
        throw new IllegalArgumentException("holds a pattern that is not 1-" + MAX_PATTERN
            + " characters of A-Z a-z 0-9 _ - . : @ and *");
      }
      sources.add(p);
      compiled.add(compile(p));
    }
    return new ChannelPatterns(List.copyOf(sources), List.copyOf(compiled));
  }

  boolean matches(String channel) {
    for (Pattern p : compiled) {
      if (p.matcher(channel).matches()) {
        return true;
      }
    }
    return false;
  }

  boolean isEmpty() {
    return sources.isEmpty();
  }

  @Override
  public String toString() {
    return sources.toString();
  }

  private static boolean wellFormed(String p) {
    if (p.isEmpty() || p.length() > MAX_PATTERN) {
      return false;
    }
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || c == '_' || c == '-' || c == '.' || c == ':' || c == '@' || c == '*';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Literal runs quoted, each {@code *} a run of name characters; runs of {@code *} fold into one. */
  private static Pattern compile(String p) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    boolean star = false;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '*') {
        if (!literal.isEmpty()) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        if (!star) {
          regex.append("[A-Za-z0-9_.:@-]*");
        }
        star = true;
      } else {
        literal.append(c);
        star = false;
      }
    }
    if (!literal.isEmpty()) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString());
  }
}
