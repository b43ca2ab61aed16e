package dev.herald.replay;

import dev.herald.replay.HistoryStore.Appended;
import dev.herald.replay.HistoryStore.Outcome;
import dev.herald.replay.api.PublishRequest;
import dev.herald.replay.api.StoredEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The all-or-nothing rule of {@link HistoryStore#appendAll} for idempotency keys: an item's key
 * conflicts when it names a retained event that differs from the item, or (when it names none) an
 * earlier item of the batch on the same channel with the same key that differs. "Differs" is
 * {@link #same}'s negation: another event name or JSON-unequal data.
 */
final class BatchConflicts {

  private BatchConflicts() {
  }

  /**
   * The batch's outcomes when some key conflicts (those items {@code CONFLICT}, the others
   * {@code SKIPPED}), or {@code null} when none does.
   *
   * @param retained the retained event a (channel, key) names, or null
   */
  static List<Appended> find(List<PublishRequest> requests, BiFunction<String, String, StoredEvent> retained) {
    Map<String, PublishRequest> seen = new HashMap<>();
    boolean[] conflict = null;
    for (int i = 0; i < requests.size(); i++) {
      PublishRequest r = requests.get(i);
      if (r.idempotencyKey() == null) {
        continue;
      }
      StoredEvent first = retained.apply(r.channel(), r.idempotencyKey());
      boolean clash;
      if (first != null) {
        clash = !same(first.event(), first.data(), r);
      } else {
        PublishRequest earlier = seen.putIfAbsent(r.channel() + '\n' + r.idempotencyKey(), r);
        clash = earlier != null && !same(earlier.event(), earlier.data(), r);
      }
      if (clash) {
        if (conflict == null) {
          conflict = new boolean[requests.size()];
        }
        conflict[i] = true;
      }
    }
    if (conflict == null) {
      return null;
    }
    List<Appended> out = new ArrayList<>(requests.size());
    for (boolean x : conflict) {
      out.add(new Appended(x ? Outcome.CONFLICT : Outcome.SKIPPED, null));
    }
    return out;
  }

  /** Whether a publish of {@code r} repeats the event {@code (event, data)}: same name, JSON-equal data. */
  static boolean same(String event, String data, PublishRequest r) {
    return Objects.equals(event, r.event()) && JsonText.equal(data, r.data());
  }
}
