package dev.herald.sse;

import java.util.Arrays;

/**
 * An unordered set of members with O(1) add and remove and array-speed iteration: the hot path of a
 * loop's delivery. Each member belongs to one set and remembers its slot. Not thread-safe (loop only);
 * members must not be removed while the set is being iterated ({@link LoopStreams} defers removals).
 */
final class StreamSet<T extends StreamSet.Member> {

  /** Something a {@link StreamSet} holds: it keeps the slot the set gave it (one set per member). */
  abstract static class Member {
    int slot = -1;
  }

  private Member[] items = new Member[4];
  private int size;

  void add(T member) {
    if (size == items.length) {
      items = Arrays.copyOf(items, size * 2);
    }
    member.slot = size;
    items[size++] = member;
  }

  boolean remove(T member) {
    int s = member.slot;
    if (s < 0 || s >= size || items[s] != member) {
      return false;
    }
    Member moved = items[--size];
    items[s] = moved;
    moved.slot = s;
    items[size] = null;
    member.slot = -1;
    return true;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  @SuppressWarnings("unchecked")
  T get(int i) {
    return (T) items[i];
  }
}
