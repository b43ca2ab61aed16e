package dev.herald.replay.api;

/**
 * Events a {@link ChannelFollower} could not deliver: it says so, then goes on with the next event it has.
 *
 * @param channel the channel
 * @param after   the id of the last event delivered before the gap, or {@code null} when none was
 * @param reason  why: {@code trimmed} or {@code expired} (the history no longer holds them), {@code reset}
 *                (the channel began a new epoch: the store lost or removed it); {@code null} when the
 *                history could not fill the hole in time (unreachable, or the events never reached it)
 */
public record ChannelGap(String channel, String after, GapReason reason) {
}
