package dev.herald.gateway.chaos;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The history check of a chaos run, in the manner of Jepsen's checkers: it reads what every client
 * recorded — every publish attempt and its answer, every event each subscriber received and when, every
 * presence event each observer heard — against what the store holds at the end, and reports each kind of
 * violation with a count and its first examples:
 *
 * <ul>
 *   <li>{@code acknowledged-not-stored} (G4), {@code refused-but-stored} (an answer other than success for
 *   an event the store holds: the client was told it failed), {@code unanswered} (no answer at all);</li>
 *   <li>per subscriber and channel (G1): {@code lost}, {@code duplicated}, {@code reordered},
 *   {@code corrupted} (other data under a sequence number), {@code gap} ({@code herald.gap} within
 *   retention), {@code late} (received later than the bound after its publish was acknowledged: G7's
 *   {@code cluster.partitionLag});</li>
 *   <li>presence (G3), per session life (session id and {@code connectedAt}): {@code no-disconnect},
 *   {@code disconnects} (more than one, told apart by their content), {@code disconnect-without-connect},
 *   {@code heard-twice} (one observer heard one event twice), {@code observer-lost} (a presence stream
 *   ended).</li>
 * </ul>
 * Subscribers must have followed their channels from the start ({@code lastEventId=earliest}) and the
 * observers must have listened before the first session started. Figures (counts, the worst and the 99th
 * percentile lateness, per fault window too) go with the report.
 */
final class HistoryCheck {
  private static final int EXAMPLES = 5;

  /**
   * A stretch of the run whose lateness is reported on its own (e.g. a cut until it healed and settled):
   * events sent within it.
   */
  record Window(String label, long from, long to) {
  }

  /** What the check found. */
  static final class Report {
    final Map<String, Integer> counts = new LinkedHashMap<>();
    final Map<String, List<String>> examples = new LinkedHashMap<>();
    final Map<String, Object> figures = new LinkedHashMap<>();

    void violation(String kind, String example) {
      counts.merge(kind, 1, Integer::sum);
      List<String> e = examples.computeIfAbsent(kind, k -> new ArrayList<>());
      if (e.size() < EXAMPLES) {
        e.add(example);
      }
    }

    int count(String kind) {
      return counts.getOrDefault(kind, 0);
    }

    boolean clean() {
      return counts.isEmpty();
    }

    /** One line per violation kind with its examples, or "no violations". */
    String violations() {
      if (counts.isEmpty()) {
        return "no violations";
      }
      StringBuilder b = new StringBuilder();
      counts.forEach((k, n) -> b.append(k).append(": ").append(n).append(" — ").append(examples.get(k)).append('\n'));
      return b.toString();
    }
  }

  private final long lagBoundMs;
  private final List<Window> windows;
  private final Report report = new Report();

  /**
   * @param lagBoundMs how late an event may reach a subscriber after its publish was sent; {@code 0} not to
   *                   check lateness (subscribers that hop and replay), only to report it
   */
  HistoryCheck(long lagBoundMs, List<Window> windows) {
    this.lagBoundMs = lagBoundMs;
    this.windows = List.copyOf(windows);
  }

  /**
   * Checks everything; {@code history} is each channel's retained events ({@code id}, {@code data}) read
   * from the store at the end, with every publisher stopped and every subscriber caught up.
   */
  Report check(Map<String, List<JsonObject>> history, Collection<ChaosPublisher.Attempt> attempts,
               Collection<ChaosSubscriber> subscribers, Collection<ChaosObserver> observers) {
    Map<String, ChaosPublisher.Attempt> byData = publishes(history, attempts);
    subscribers(history, byData, subscribers);
    presence(observers);
    return report;
  }

  private Map<String, ChaosPublisher.Attempt> publishes(Map<String, List<JsonObject>> history,
                                                        Collection<ChaosPublisher.Attempt> attempts) {
    Map<String, Set<String>> ids = new HashMap<>();
    Map<String, Set<String>> stored = new HashMap<>();
    int events = 0;
    for (Map.Entry<String, List<JsonObject>> e : history.entrySet()) {
      Set<String> i = new HashSet<>();
      Set<String> d = new HashSet<>();
      for (JsonObject o : e.getValue()) {
        i.add(o.getString("id"));
        d.add(data(o));
      }
      ids.put(e.getKey(), i);
      stored.put(e.getKey(), d);
      events += e.getValue().size();
    }
    // One event per (channel, data): a publish retried with its idempotency key is one event, acknowledged
    // when any of its attempts was; its time is its first attempt's.
    Map<String, ChaosPublisher.Attempt> byData = new HashMap<>();
    Map<String, ChaosPublisher.Attempt> ack = new HashMap<>();
    Map<String, ChaosPublisher.Attempt> last = new HashMap<>();
    for (ChaosPublisher.Attempt a : attempts) {
      String event = a.channel() + " " + a.data();
      byData.putIfAbsent(event, a);
      last.put(event, a);
      if (a.acknowledged()) {
        ack.putIfAbsent(event, a);
      }
    }
    int refused = 0;
    int unanswered = 0;
    for (Map.Entry<String, ChaosPublisher.Attempt> e : last.entrySet()) {
      ChaosPublisher.Attempt a = ack.getOrDefault(e.getKey(), e.getValue());
      boolean isStored = stored.getOrDefault(a.channel(), Set.of()).contains(a.data());
      if (a.acknowledged()) {
        byData.put(e.getKey(), new ChaosPublisher.Attempt(a.publisher(), a.k(), a.channel(), a.node(),
            byData.get(e.getKey()).sentAt(), a.answeredAt(), a.status(), a.id(), a.detail()));
        if (!ids.getOrDefault(a.channel(), Set.of()).contains(a.id())) {
          report.violation("acknowledged-not-stored", a.toString());
        }
      } else if (a.status() < 0) {
        unanswered++;
        report.violation("unanswered", a + (isStored ? " (stored)" : " (not stored)"));
      } else {
        refused++;
        if (isStored) {
          report.violation("refused-but-stored", a.toString());
        }
      }
    }
    int acked = ack.size();
    report.figures.put("publish attempts", attempts.size());
    report.figures.put("acknowledged", acked);
    report.figures.put("refused (an answer other than success)", refused);
    report.figures.put("unanswered", unanswered);
    report.figures.put("events in the store", events);
    return byData;
  }

  private void subscribers(Map<String, List<JsonObject>> history, Map<String, ChaosPublisher.Attempt> byData,
                           Collection<ChaosSubscriber> subscribers) {
    List<Long> lateness = new ArrayList<>();
    Map<Window, Long> worstIn = new LinkedHashMap<>();
    windows.forEach(w -> worstIn.put(w, 0L));
    long worst = 0;
    String worstWhat = "-";
    int delivered = 0;
    for (ChaosSubscriber s : subscribers) {
      for (String g : s.gaps) {
        report.violation("gap", s.name + ": " + g);
      }
      for (Map.Entry<String, List<ChaosSubscriber.Got>> e : s.received.entrySet()) {
        String channel = e.getKey();
        List<JsonObject> expected = history.getOrDefault(channel, List.of());
        Map<Long, String> dataBySeq = new HashMap<>();
        for (JsonObject o : expected) {
          dataBySeq.put(ChaosRun.seq(o.getString("id")), data(o));
        }
        Set<Long> seen = new HashSet<>();
        long last = 0;
        for (ChaosSubscriber.Got got : e.getValue()) {
          delivered++;
          String where = s.name + " " + channel + " seq " + got.seq();
          if (!seen.add(got.seq())) {
            report.violation("duplicated", where);
            continue;
          }
          if (got.seq() < last) {
            report.violation("reordered", where + " after " + last);
          }
          last = Math.max(last, got.seq());
          String want = dataBySeq.get(got.seq());
          String have = new JsonObject(got.data()).encode();
          if (want != null && !want.equals(have)) {
            report.violation("corrupted", where + ": " + have + ", stored " + want);
          }
          ChaosPublisher.Attempt a = byData.get(channel + " " + have);
          if (a != null) {
            // From the answer that said it was stored (or, for an event never acknowledged, from its send).
            long late = Math.max(0, got.at() - (a.acknowledged() ? a.answeredAt() : a.sentAt()));
            lateness.add(late);
            if (late > worst) {
              worst = late;
              worstWhat = where + " (" + a.node() + " -> " + s.name + ")";
            }
            for (Window w : windows) {
              if (a.sentAt() >= w.from() && a.sentAt() <= w.to()) {
                worstIn.merge(w, late, Math::max);
              }
            }
            if (lagBoundMs > 0 && late > lagBoundMs) {
              report.violation("late", where + " " + late + " ms after " + a.node() + " acknowledged it");
            }
          }
        }
        for (JsonObject o : expected) {
          long seq = ChaosRun.seq(o.getString("id"));
          if (!seen.contains(seq)) {
            report.violation("lost", s.name + " " + channel + " seq " + seq + " " + data(o));
          }
        }
      }
    }
    lateness.sort(Long::compare);
    report.figures.put("events delivered to subscribers", delivered);
    report.figures.put("lateness, worst (ms after the publish was acknowledged)", worst + " — " + worstWhat);
    report.figures.put("lateness, 99th percentile (ms)", lateness.isEmpty() ? 0
        : lateness.get(Math.min(lateness.size() - 1, (int) Math.ceil(lateness.size() * 0.99) - 1)));
    worstIn.forEach((w, ms) -> report.figures.put("lateness, worst for events sent " + w.label() + " (ms)", ms));
  }

  /** The worst lateness of events sent within {@code w}, as reported. */
  long worstIn(Window w) {
    Object v = report.figures.get("lateness, worst for events sent " + w.label() + " (ms)");
    return v instanceof Long l ? l : 0;
  }

  private void presence(Collection<ChaosObserver> observers) {
    Map<String, Set<String>> disconnects = new LinkedHashMap<>();
    Set<String> connects = new HashSet<>();
    for (ChaosObserver o : observers) {
      o.problems.forEach(p -> report.violation("observer-lost", p));
      for (Map.Entry<String, List<ChaosObserver.Heard>> e : o.sessions.entrySet()) {
        Set<String> heard = new HashSet<>();
        for (ChaosObserver.Heard h : e.getValue()) {
          String life = e.getKey() + " connected " + h.connectedAt();
          String event = h.type() + " " + h.reason() + " " + h.lastSeenAt();
          if (!heard.add(life + " " + event)) {
            report.violation("heard-twice", o.node.name + ": " + life + " " + event);
          }
          if (h.type().equals("connect")) {
            connects.add(life);
          } else if (h.type().equals("disconnect")) {
            disconnects.computeIfAbsent(life, k -> new HashSet<>()).add(event);
          }
        }
      }
    }
    for (String life : connects) {
      int n = disconnects.getOrDefault(life, Set.of()).size();
      if (n == 0) {
        report.violation("no-disconnect", life);
      } else if (n > 1) {
        report.violation("disconnects", life + ": " + disconnects.get(life));
      }
    }
    for (String life : disconnects.keySet()) {
      if (!connects.contains(life)) {
        report.violation("disconnect-without-connect", life);
      }
    }
    report.figures.put("session lives (connect, then exactly one disconnect)", connects.size());
  }

  /** The {@code data} of a history event as compact JSON text. */
  private static String data(JsonObject event) {
    Object d = event.getValue("data");
    return d instanceof JsonObject j ? j.encode() : String.valueOf(d);
  }
}
