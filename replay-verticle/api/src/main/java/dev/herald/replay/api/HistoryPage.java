package dev.herald.replay.api;

import java.util.List;

/**
 * The answer to a history read.
 *
 * @param channel the channel read
 * @param epoch   the channel's current epoch, {@code 0} when the channel does not exist
 * @param events  retained events after the cursor, oldest first
 * @param gap     why events after the cursor are gone, or {@code null} when none are
 * @param more    true when further events follow the last one returned (read again after it)
 */
public record HistoryPage(String channel, long epoch, List<StoredEvent> events, GapReason gap, boolean more) {
}
