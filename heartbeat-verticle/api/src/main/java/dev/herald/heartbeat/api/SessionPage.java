package dev.herald.heartbeat.api;

import java.util.List;

/**
 * One page of connected sessions, ordered by session id.
 *
 * @param cursor where the next page starts (the last session id of this page), or {@code null} at the end
 */
public record SessionPage(List<Session> sessions, String cursor) {
}
