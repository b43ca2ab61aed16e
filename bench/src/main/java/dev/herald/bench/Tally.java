package dev.herald.bench;

/**
 * What the subscribers received against what was published (read after {@link Net#barrier()}):
 * for every subscriber whose stream was ever open and every channel it follows, the events stored
 * on that channel are expected; what did not arrive is lost, what arrived twice duplicated, what
 * arrived after a later event out of order.
 */
record Tally(long subscribers, long expected, long distinct, long received, long lost, long duplicated,
    long outOfOrder, long unexpected, long gaps, long foreign, long drops, long reconnects, long subsComplete) {

  /** Counts, expecting {@code expectedPerChannel.applyAsLong(c)} events of channel c per subscriber. */
  static Tally of(SubscriberPool pool, java.util.function.IntToLongFunction expectedPerChannel) {
    long subs = 0;
    long expected = 0;
    long distinct = 0;
    long received = 0;
    long lost = 0;
    long dups = 0;
    long late = 0;
    long unexpected = 0;
    long gaps = 0;
    long foreign = 0;
    long drops = 0;
    long reconnects = 0;
    long complete = 0;
    for (Subscriber s : pool.subscribers()) {
      if (!s.everOpened()) {
        continue;
      }
      subs++;
      boolean all = true;
      int[] chs = s.channels();
      for (int k = 0; k < chs.length; k++) {
        SeqTracker t = s.tracker(k);
        long exp = expectedPerChannel.applyAsLong(chs[k]);
        expected += exp;
        distinct += t.distinct();
        received += t.distinct() + t.duplicates();
        dups += t.duplicates();
        late += t.late();
        if (t.distinct() < exp) {
          lost += exp - t.distinct();
          all = false;
        } else {
          unexpected += t.distinct() - exp;
        }
      }
      if (all) {
        complete++;
      }
      gaps += s.gaps();
      foreign += s.foreign();
      drops += s.drops();
      reconnects += s.reconnects();
    }
    return new Tally(subs, expected, distinct, received, lost, dups, late, unexpected, gaps, foreign, drops,
        reconnects, complete);
  }

  /** No event lost, doubled or reordered, nothing foreign. */
  boolean clean() {
    return lost == 0 && duplicated == 0 && outOfOrder == 0 && foreign == 0;
  }

  void addTo(Report r) {
    r.section("integrity")
        .put("expected", "expected (stored x subscribers)", expected, "events")
        .put("delivered", "delivered (distinct)", distinct, "events")
        .put("lost", "lost", lost, "")
        .put("duplicated", "duplicated", duplicated, "")
        .put("out_of_order", "out of order", outOfOrder, "")
        .put("subscribers_complete", "subscribers with every event", subsComplete, "")
        .json("received_total", received)
        .json("unexpected", unexpected)
        .json("gap_events", gaps)
        .json("foreign_events", foreign)
        .put("drops", "streams dropped by the server", drops, "")
        .json("reconnects", reconnects);
  }
}
