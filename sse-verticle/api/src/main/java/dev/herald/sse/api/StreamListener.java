package dev.herald.sse.api;

/**
 * Told when streams of this node open and close, on the stream's event loop; the gateway uses it to
 * keep the sessions of open streams alive ({@code heartbeat.streamKeepsAlive}).
 */
public interface StreamListener {
  void opened(StreamInfo stream);

  /**
   * @param reason {@code client} (the client went away), {@code evicted} (G5: it fell more than
   *               {@code sse.maxQueuedBytes} behind, or missed live events; it resumes by replay),
   *               {@code unavailable} (the history could not be read for its replay; it reconnects),
   *               {@code expired} (its token expired: it ended with {@code herald.expired}),
   *               {@code drain} or {@code shutdown}
   */
  void closed(StreamInfo stream, String reason);
}
