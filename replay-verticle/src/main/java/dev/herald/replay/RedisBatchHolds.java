package dev.herald.replay;

import dev.herald.redis.LuaScript;
import dev.herald.redis.RedisCall;
import dev.herald.redis.RedisCalls;
import dev.herald.replay.HistoryStore.Appended;
import dev.herald.replay.HistoryStore.Outcome;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.StoredEvent;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/**
 * What makes a Redis batch all or nothing ({@link HistoryStore#appendAll}) when it carries idempotency keys:
 * before its appends, one pipeline holds every key of the batch (hold.lua, one call per channel, atomic
 * in the channel's slot) — a key that names a retained event, or that another batch holds, is reported
 * instead. A batch whose keys conflict (or another batch holds) releases its holds (release.lua) and
 * stores nothing; otherwise its appends replace the holds with their events, and no publish of another
 * node can take one of its keys in between (append.lua answers it {@code held}). A hold a batch that died
 * left behind counts as free after 30 s. Near {@code history.maxChannels}, the same pass says which of the
 * batch's channels exist.
 */
final class RedisBatchHolds {
  private static final String SCRIPTS = "/dev/herald/replay/redis/";
  static final LuaScript HOLD = LuaScript.load(SCRIPTS, "hold", "lib");
  static final LuaScript RELEASE = LuaScript.load(SCRIPTS, "release", "lib");

  private final RedisCalls calls;
  private final RedisHistoryKeys keys;
  private final String maxAge;
  private final String idle;
  private final int maxChannels;
  private final LongFunction<RedisCall> countLive;
  private final LongConsumer liveChannels;

  RedisBatchHolds(RedisCalls calls, RedisHistoryKeys keys, String maxAge, String idle, int maxChannels,
                  LongFunction<RedisCall> countLive, LongConsumer liveChannels) {
    this.calls = calls;
    this.keys = keys;
    this.maxAge = maxAge;
    this.idle = idle;
    this.maxChannels = maxChannels;
    this.countLive = countLive;
    this.liveChannels = liveChannels;
  }

  /** A token no other batch has. */
  static String newToken() {
    return UUID.randomUUID().toString();
  }

  /**
   * Holds the batch's keys (call inside the operation). Answers the batch's outcomes when it must store
   * nothing (its holds given back), else null: then append with {@code token}. Fails when the batch would
   * pass maxChannels.
   */
  Future<List<Appended>> hold(List<PublishRequest> requests, Set<String> channels, boolean nearBound, String token,
                              BooleanSupplier cancelled) {
    Map<String, Set<String>> keysByChannel = keysByChannel(requests);
    List<String> asked = new ArrayList<>();
    List<RedisCall> cmds = new ArrayList<>();
    for (String ch : nearBound ? channels : keysByChannel.keySet()) {
      List<String> args = new ArrayList<>(List.of(maxAge, idle, token));
      args.addAll(keysByChannel.getOrDefault(ch, Set.of()));
      cmds.add(RedisCall.script(HOLD, keys.scriptKeys(ch), args));
      asked.add(ch);
    }
    long now = System.currentTimeMillis();
    cmds.add(countLive.apply(now));
    return calls.all(cmds, cancelled).compose(res -> {
      long live = res.get(res.size() - 1).toLong();
      liveChannels.accept(live);
      Set<String> existing = new LinkedHashSet<>();
      Map<String, StoredEvent> firsts = new HashMap<>();
      Set<String> held = new LinkedHashSet<>();
      for (int i = 0; i < asked.size(); i++) {
        String ch = asked.get(i);
        Response reply = res.get(i);
        if (reply.get(0).toLong() == 1) {
          existing.add(ch);
        }
        int k = 1;
        for (String key : keysByChannel.getOrDefault(ch, Set.of())) {
          Response one = reply.get(k++);
          long kind = one.get(0).toLong();
          if (kind == 1) {
            firsts.put(ch + '\n' + key, RedisHistoryReplies.entry(ch, Long.parseLong(one.get(1).toString()), one.get(2)));
          } else if (kind == 2) {
            held.add(ch + '\n' + key);
          }
        }
      }
      if (nearBound && live + channels.stream().filter(ch -> !existing.contains(ch)).count() > maxChannels) {
        return release(keysByChannel, token, cancelled).transform(x -> Future.failedFuture(new IllegalStateException(
            "it holds its maximum of " + maxChannels + " channels (history.maxChannels)")));
      }
      List<Appended> refused = refusal(requests, firsts, held);
      return refused == null ? Future.succeededFuture(null)
          : release(keysByChannel, token, cancelled).transform(x -> Future.succeededFuture(refused));
    });
  }

  /** Gives back what the batch still holds (when it stores nothing, or its appends failed). */
  Future<Void> release(List<PublishRequest> requests, String token, BooleanSupplier cancelled) {
    return release(keysByChannel(requests), token, cancelled);
  }

  private Future<Void> release(Map<String, Set<String>> keysByChannel, String token, BooleanSupplier cancelled) {
    List<RedisCall> cmds = new ArrayList<>();
    keysByChannel.forEach((ch, ks) -> {
      List<String> args = new ArrayList<>(List.of(token));
      args.addAll(ks);
      cmds.add(RedisCall.script(RELEASE, keys.scriptKeys(ch), args));
    });
    return calls.all(cmds, cancelled).mapEmpty();
  }

  /** The outcomes of a batch that must store nothing (conflicts, or keys another batch holds), else null. */
  private static List<Appended> refusal(List<PublishRequest> requests, Map<String, StoredEvent> firsts, Set<String> held) {
    List<Appended> found = BatchConflicts.find(requests, (ch, key) -> firsts.get(ch + '\n' + key));
    if (held.isEmpty()) {
      return found;
    }
    List<Appended> out = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      PublishRequest r = requests.get(i);
      boolean taken = r.idempotencyKey() != null && held.contains(r.channel() + '\n' + r.idempotencyKey());
      boolean conflict = taken || found != null && found.get(i).outcome() == Outcome.CONFLICT;
      out.add(new Appended(conflict ? Outcome.CONFLICT : Outcome.SKIPPED, null));
    }
    return out;
  }

  private static Map<String, Set<String>> keysByChannel(List<PublishRequest> requests) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (PublishRequest r : requests) {
      if (r.idempotencyKey() != null) {
        out.computeIfAbsent(r.channel(), c -> new LinkedHashSet<>()).add(r.idempotencyKey());
      }
    }
    return out;
  }
}
