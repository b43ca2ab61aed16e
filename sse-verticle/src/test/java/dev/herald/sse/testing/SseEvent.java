package dev.herald.sse.testing;

/**
 * One event dispatched by {@link SseParser}, as a browser's {@code EventSource} would dispatch it.
 *
 * @param type        the event name ({@code event:} field), {@code "message"} when none was given
 * @param data        the {@code data:} lines joined with {@code \n} (the final line break removed)
 * @param id          the value of the {@code id:} field of this very event, or {@code null} when the event
 *                    had no id field
 * @param lastEventId the last event id in force when the event was dispatched (what {@code lastEventId}
 *                    of the DOM event shows: this event's id, or the one before it); {@code ""} when none yet
 */
public record SseEvent(String type, String data, String id, String lastEventId) {

  /** True when this event carried its own {@code id:} field. */
  public boolean hasId() {
    return id != null;
  }
}
