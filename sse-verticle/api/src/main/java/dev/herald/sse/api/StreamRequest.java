package dev.herald.sse.api;

import java.util.List;

/**
 * A validated stream request from the edge.
 *
 * @param channels    1..{@code maxChannelsPerStream} distinct valid channel names
 * @param lastEventId the id to resume after ({@code Last-Event-ID} header, else {@code lastEventId}
 *                    query), {@code "earliest"} for all retained history, or {@code null} for live only;
 *                    an unreadable id is not an error: the stream starts with {@code herald.gap}
 *                    ({@code invalid-cursor}) and goes on live
 * @param envelope    how each event's data is sent: {@link #PLAIN} (as published), {@link #CHANNEL}
 *                    ({@code {"channel", "data"}}) or {@link #EVENT} (unnamed events with data
 *                    {@code {"channel", "event", "id", "data"}}: docs/http-api.md#streams)
 * @param sessionId   the session cookie's id, or {@code null}; the stream keeps that session alive
 * @param userId      the authenticated user, or {@code null}
 * @param expiresAt   when the stream's token stops being accepted (epoch ms): the stream then ends with a last
 *                    event {@code herald.expired}, and the client resumes with a fresh token and its last id;
 *                    0 for never
 */
public record StreamRequest(List<String> channels, String lastEventId, int envelope, String sessionId,
                            String userId, long expiresAt) {
  public static final String EARLIEST = "earliest";
  /** {@code envelope=0}: the data as published, the name in {@code event:}. */
  public static final int PLAIN = 0;
  /** {@code envelope=1}: data {@code {"channel", "data"}}, the name in {@code event:}. */
  public static final int CHANNEL = 1;
  /** {@code envelope=2}: every event unnamed, data {@code {"channel", "event", "id", "data"}}. */
  public static final int EVENT = 2;

  public StreamRequest {
    channels = List.copyOf(channels);
    if (envelope < PLAIN || envelope > EVENT) {
      throw new IllegalArgumentException("envelope must be 0, 1 or 2");
    }
  }

  /** A stream that never expires. */
  public StreamRequest(List<String> channels, String lastEventId, int envelope, String sessionId, String userId) {
    this(channels, lastEventId, envelope, sessionId, userId, 0);
  }

  /** A stream that never expires, {@code envelope} true for {@link #CHANNEL}, false for {@link #PLAIN}. */
  public StreamRequest(List<String> channels, String lastEventId, boolean envelope, String sessionId, String userId) {
    this(channels, lastEventId, envelope ? CHANNEL : PLAIN, sessionId, userId, 0);
  }
}
