package dev.herald.replay;

import java.util.List;

/**
 * Redis key names of the history store under one prefix (config {@code name}, default {@code herald}).
 * A channel's keys carry the channel as their hash tag, {@code <prefix>:ch:{<channel>}:meta|events|keys},
 * so a script over them touches one Redis Cluster slot (channel names cannot hold braces). The
 * channel index {@code <prefix>:channels} (a sorted set: channel to its last publish, ms) lives in
 * a slot of its own and is never touched by a script.
 */
record RedisHistoryKeys(String prefix) {

  RedisHistoryKeys {
    if (prefix == null || prefix.isEmpty()) {
      throw new IllegalArgumentException("the Redis key prefix must not be empty");
    }
  }

  /** The channel's hash tag: the lane its commands keep their order in. */
  String tag(String channel) {
    return "{" + channel + "}";
  }

  String meta(String channel) {
    return prefix + ":ch:" + tag(channel) + ":meta";
  }

  String events(String channel) {
    return prefix + ":ch:" + tag(channel) + ":events";
  }

  String keys(String channel) {
    return prefix + ":ch:" + tag(channel) + ":keys";
  }

  /** The KEYS of every history script: meta, events, idempotency keys. */
  List<String> scriptKeys(String channel) {
    return List.of(meta(channel), events(channel), keys(channel));
  }

  String channels() {
    return prefix + ":channels";
  }
}
