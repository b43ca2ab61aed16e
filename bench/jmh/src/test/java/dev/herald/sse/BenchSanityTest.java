package dev.herald.sse;

import dev.herald.sse.api.StreamRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.bench.jmh.CursorBench;
import dev.herald.bench.jmh.Events;
import dev.herald.bench.jmh.Payloads;
import dev.herald.gateway.RawJsonBench;
import dev.herald.replay.JsonTextBench;
import dev.herald.replay.api.Cursor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each benchmark does the work it claims, once, outside JMH (so a broken benchmark fails the build). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BenchSanityTest {

  @Test
  void fanOutReachesEveryStreamOnceAndDropsDuplicates() throws Exception {
    try (LoopHarness h = LoopHarness.open(3, 2)) {
      long seq = h.lastSeq();
      for (int i = 0; i < 5; i++) {
        h.deliver(new EncodedEvent(Events.event(Events.channel(0), ++seq, "{\"n\":" + i + "}")));
      }
      h.verify(5);
      h.deliver(new EncodedEvent(Events.event(Events.channel(0), seq, "{\"again\":true}")));
      h.verify(5);
      assertThrows(IllegalStateException.class, () -> h.verify(6));
    }
  }

  @Test
  void fanOutBenchmarkRunsAndChecksItself() throws Exception {
    FanoutBench b = new FanoutBench();
    b.streams = 2;
    b.channelsPerStream = 4;
    b.setUp();
    String frame = null;
    for (int i = 0; i < 3; i++) {
      frame = b.deliver().singleChannelFrame(StreamRequest.PLAIN).toString();
    }
    assertTrue(frame.contains("data: " + Payloads.data(Payloads.SMALL) + "\n\n"), frame);
    b.tearDown();
  }

  @Test
  void framesAndMultiChannelIds() {
    for (String payload : new String[] {Payloads.SMALL, Payloads.KIB, Payloads.MULTILINE}) {
      for (int envelope : new int[] {StreamRequest.PLAIN, StreamRequest.CHANNEL}) {
        SseFramesBench f = new SseFramesBench();
        f.payload = payload;
        f.envelope = envelope;
        f.setUp();
        String frame = f.singleChannelFrame().toString();
        assertTrue(frame.endsWith(f.body().toString()), frame);
      }
    }
    String multiline = new EncodedEvent(Events.event("c", 1, Payloads.data(Payloads.MULTILINE))).body(StreamRequest.PLAIN).toString();
    assertEquals(8, multiline.split("data: ", -1).length - 1, multiline);

    MultiChannelIdBench m = new MultiChannelIdBench();
    m.channels = 32;
    m.setUp();
    assertEquals(32, Cursor.decode(m.cursor()).positions().size());
    String frame = m.frame().toString();
    assertTrue(frame.startsWith("id: ") && frame.endsWith("\n\n"), frame);
  }

  @Test
  void cursorsAndPublishJson() {
    CursorBench c = new CursorBench();
    CursorBench.Multi multi = new CursorBench.Multi();
    multi.channels = 32;
    multi.setUp();
    assertEquals(c.encode(multi), Cursor.encode(c.decode(multi).positions()));
    CursorBench.Single single = new CursorBench.Single();
    assertEquals(Cursor.decode(c.storedEventId(single)).positions().get(0).key(), c.key(single));

    for (String payload : new String[] {Payloads.SMALL, Payloads.KIB, Payloads.MULTILINE}) {
      JsonTextBench j = new JsonTextBench();
      j.payload = payload;
      j.setUp();
      assertEquals(Payloads.data(payload), j.compact());
      RawJsonBench r = new RawJsonBench();
      r.payload = payload;
      r.setUp();
      assertEquals(java.util.Set.of("event", "data"), r.object().keySet());
    }
  }
}
