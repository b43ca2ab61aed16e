package dev.herald.replay;

import dev.herald.replay.api.HistoryStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What this node published recently, per channel, for the console: a total and a rate over the last
 * {@value #WINDOW_SEC} seconds. Bounded: at most {@code maxChannels} channels are tracked; channels
 * quiet for a window make room for new ones. Recording is a map lookup and two array writes.
 */
final class ChannelRates {
  static final int WINDOW_SEC = 10;

  private final int maxChannels;
  private final LongSupplier clockMs;
  private final Map<String, Rate> rates = new HashMap<>();
  private final Rate node = new Rate();
  private long lastPruneSec = Long.MIN_VALUE;

  ChannelRates(int maxChannels, LongSupplier clockMs) {
    this.maxChannels = maxChannels;
    this.clockMs = clockMs;
  }

  synchronized void record(String channel, int events) {
    long sec = clockMs.getAsLong() / 1000;
    node.add(sec, events);
    Rate r = rates.get(channel);
    if (r == null) {
      if (rates.size() >= maxChannels && sec != lastPruneSec) {
        lastPruneSec = sec;
        prune(sec, WINDOW_SEC);
      }
      if (rates.size() >= maxChannels) {
        return;
      }
      r = new Rate();
      rates.put(channel, r);
    }
    r.add(sec, events);
  }

  /** Forgets channels that published nothing for {@code idleSec} seconds. */
  synchronized void prune(long idleSec) {
    prune(clockMs.getAsLong() / 1000, idleSec);
  }

  private void prune(long nowSec, long idleSec) {
    for (Iterator<Rate> i = rates.values().iterator(); i.hasNext(); ) {
      if (nowSec - i.next().lastSec >= idleSec) {
        i.remove();
      }
    }
  }

  /** Events this node published since start. */
  synchronized long published() {
    return node.total;
  }

  /** Events per second this node published over the last window. */
  synchronized double ratePerSec() {
    return node.rate(clockMs.getAsLong() / 1000);
  }

  /** The {@code limit} busiest channels: highest recent rate first, then most published. */
  synchronized List<HistoryStats.Channel> top(int limit) {
    long sec = clockMs.getAsLong() / 1000;
    List<HistoryStats.Channel> rows = new ArrayList<>(rates.size());
    rates.forEach((channel, r) -> rows.add(new HistoryStats.Channel(channel, r.total, r.rate(sec))));
    rows.sort(Comparator.comparingDouble(HistoryStats.Channel::ratePerSec).reversed()
        .thenComparing(Comparator.comparingLong(HistoryStats.Channel::published).reversed())
        .thenComparing(HistoryStats.Channel::channel));
    return List.copyOf(rows.subList(0, Math.min(limit, rows.size())));
  }

  /** A total and one counter per second of the window, in a ring indexed by the second. */
  private static final class Rate {
    final long[] second = new long[WINDOW_SEC];
    final long[] count = new long[WINDOW_SEC];
    long total;
    long lastSec = Long.MIN_VALUE;

    void add(long sec, int n) {
      int i = (int) Math.floorMod(sec, (long) WINDOW_SEC);
      if (second[i] != sec) {
        second[i] = sec;
        count[i] = 0;
      }
      count[i] += n;
      total += n;
      lastSec = Math.max(lastSec, sec);
    }

    double rate(long nowSec) {
      long sum = 0;
      for (int i = 0; i < WINDOW_SEC; i++) {
        if (count[i] > 0 && nowSec - second[i] < WINDOW_SEC && second[i] <= nowSec) {
          sum += count[i];
        }
      }
      return (double) sum / WINDOW_SEC;
    }
  }
}
