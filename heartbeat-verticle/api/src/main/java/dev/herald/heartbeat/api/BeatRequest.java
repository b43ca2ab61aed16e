package dev.herald.heartbeat.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The body of a {@code herald.heartbeat.beat} request: one session {@code {sessionId}} (answered {@code {}},
 * or {@link PresenceFailure#NOT_FOUND}) or many {@code {sessionIds: [...]}} (answered by a {@link BeatReply}).
 */
public record BeatRequest(List<String> sessionIds, boolean batch) {
  /** Most session ids in one batched beat. */
  public static final int MAX_BATCH = 100_000;
  private static final String SESSION_IDS = "sessionIds";

  public BeatRequest {
    sessionIds = List.copyOf(sessionIds);
  }

  public static BeatRequest one(String sessionId) {
    return new BeatRequest(List.of(sessionId), false);
  }

  public static BeatRequest many(Collection<String> sessionIds) {
    return new BeatRequest(new ArrayList<>(sessionIds), true);
  }

  public JsonObject toJson() {
    return batch ? new JsonObject().put(SESSION_IDS, new JsonArray(new ArrayList<>(sessionIds)))
        : new JsonObject().put(Fields.SESSION_ID, sessionIds.get(0));
  }

  /**
   * Reads and checks a beat.
   *
   * @throws io.vertx.core.eventbus.ReplyException {@link PresenceFailure#BAD_REQUEST} naming the member
   */
  public static BeatRequest fromJson(Object body) {
    JsonObject o = Fields.object(body);
    Object v = o.getValue(SESSION_IDS);
    if (v == null) {
      return one(Fields.sessionId(o));
    }
    if (o.getValue(Fields.SESSION_ID) != null) {
      throw Fields.bad("give sessionId or sessionIds, not both");
    }
    if (!(v instanceof JsonArray a)) {
      throw Fields.bad("sessionIds must be an array of session ids");
    }
    if (a.size() > MAX_BATCH) {
      throw Fields.bad("sessionIds holds " + a.size() + " ids, more than " + MAX_BATCH);
    }
    List<String> ids = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof String s) || !SessionIds.isValid(s)) {
        throw Fields.bad("sessionIds[" + i + "] must be " + SessionIds.RULE);
      }
      ids.add(s);
    }
    return new BeatRequest(ids, true);
  }
}
