package dev.herald.sse;

import dev.herald.sse.api.StreamRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.replay.api.Cursor;
import dev.herald.replay.api.GapReason;
import dev.herald.replay.api.StoredEvent;
import dev.herald.sse.testing.SseEvent;
import dev.herald.sse.testing.SseParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SseFramesTest {

  private static String text(Buffer b) {
    return b.toString();
  }

  /** What a browser dispatches for these bytes. */
  private static List<SseEvent> parse(Buffer... frames) {
    List<SseEvent> out = new ArrayList<>();
    SseParser parser = new SseParser(out::add);
    for (Buffer f : frames) {
      parser.feed(f);
    }
    return out;
  }

  private static String json(String s) {
    return Json.encode(s);
  }

  @Test
  void plainStringIsSentAsItsValue() {
    assertEquals("data: hello\n\n", text(SseFrames.body(null, json("hello"))));
  }

  @Test
  void everyKindOfLineBreakStartsANewDataLine() {
    assertEquals("data: a\ndata: b\ndata: c\ndata: d\n\n", text(SseFrames.body(null, json("a\r\nb\rc\nd"))));
    List<SseEvent> events = parse(SseFrames.body(null, json("a\r\nb\rc\nd")));
    assertEquals(1, events.size());
    assertEquals("a\nb\nc\nd", events.get(0).data());
  }

  @Test
  void loneCrAtTheEndIsAnEmptyLastLine() {
    assertEquals("data: abc\ndata: \n\n", text(SseFrames.body(null, json("abc\r"))));
    assertEquals("abc\n", parse(SseFrames.body(null, json("abc\r"))).get(0).data());
  }

  @Test
  void crLfCountsOnceAndTwoBreaksMakeAnEmptyLine() {
    assertEquals("data: a\ndata: \ndata: b\n\n", text(SseFrames.body(null, json("a\r\n\r\nb"))));
    assertEquals("a\n\nb", parse(SseFrames.body(null, json("a\r\n\r\nb"))).get(0).data());
  }

  @Test
  void emptyStringIsOneEmptyDataLine() {
    assertEquals("data: \n\n", text(SseFrames.body(null, json(""))));
    List<SseEvent> events = parse(SseFrames.body(null, json("")));
    assertEquals(1, events.size());
    assertEquals("", events.get(0).data());
  }

  @Test
  void leadingSpaceSurvivesTheFieldSeparator() {
    assertEquals("data:  x\n\n", text(SseFrames.body(null, json(" x"))));
    assertEquals(" x", parse(SseFrames.body(null, json(" x"))).get(0).data());
  }

  @Test
  void publishedTextCannotEndTheEventOrCreateFields() {
    String evil = "x\n\ndata: injected\nid: 9\nevent: boom\nretry: 1\n\n:comment\r\rid: 10";
    Buffer frame = SseFrames.body("goal", json(evil));
    String wire = text(frame);
    // every line the published text produced starts with "data: "
    String[] lines = wire.split("\n", -1);
    assertEquals("event: goal", lines[0]);
    for (int i = 1; i < lines.length - 2; i++) {
      assertTrue(lines[i].startsWith("data: "), "line " + i + " is " + lines[i]);
    }
    assertEquals("", lines[lines.length - 2]);
    List<SseEvent> events = parse(SseFrames.idLine("abc"), frame);
    assertEquals(1, events.size());
    SseEvent e = events.get(0);
    assertEquals("goal", e.type());
    assertEquals("abc", e.id());
    assertEquals(evil.replace("\r", "\n"), e.data());
  }

  @Test
  void nonStringJsonIsSentAsJsonText() {
    assertEquals("data: {\"a\":1,\"b\":[true,null]}\n\n", text(SseFrames.body(null, "{\"a\":1,\"b\":[true,null]}")));
    assertEquals("data: 42\n\n", text(SseFrames.body(null, "42")));
    assertEquals("data: null\n\n", text(SseFrames.body(null, "null")));
    assertEquals("data: [\"x\\ny\"]\n\n", text(SseFrames.body(null, "[\"x\\ny\"]")));
  }

  @Test
  void nonCompactJsonWithLineBreaksStaysTheSameValue() {
    String pretty = "{\r\n  \"a\": 1,\n  \"b\": 2\r}";
    Buffer frame = SseFrames.body(null, pretty);
    List<SseEvent> events = parse(frame);
    assertEquals(new JsonObject().put("a", 1).put("b", 2), new JsonObject(events.get(0).data()));
    assertEquals(4, text(frame).split("\n").length, "one data line per JSON line");
  }

  @Test
  void eventNameAndIdLines() {
    assertEquals("event: goal\ndata: 1\n\n", text(SseFrames.body("goal", "1")));
    assertEquals("id: AQID\n", text(SseFrames.idLine("AQID")));
    assertThrows(IllegalArgumentException.class, () -> SseFrames.body("bad\nname", "1"));
    assertThrows(IllegalArgumentException.class, () -> SseFrames.idLine("a\rb"));
  }

  @Test
  void envelopeWrapsTheRawJsonOnOneLine() {
    assertEquals("event: goal\ndata: {\"channel\":\"a\",\"data\":\"x\\ny\"}\n\n",
        text(SseFrames.envelopeBody("a", "goal", json("x\ny"))));
    assertEquals("data: {\"channel\":\"b:1\",\"data\":{\"k\":[1,2]}}\n\n",
        text(SseFrames.envelopeBody("b:1", null, "{\"k\":[1,2]}")));
    SseEvent e = parse(SseFrames.envelopeBody("a", null, json("x\ny"))).get(0);
    assertEquals(new JsonObject().put("channel", "a").put("data", "x\ny"), new JsonObject(e.data()));
  }

  @Test
  void envelope2IsUnnamedWithNameIdChannelAndDataOnOneLine() {
    assertEquals("data: {\"channel\":\"a\",\"event\":\"goal\",\"id\":\"AQID\",\"data\":\"x\\ny\"}\n\n",
        text(SseFrames.body("a", "goal", "AQID", json("x\ny"), StreamRequest.EVENT)));
    assertEquals("data: {\"channel\":\"b\",\"event\":null,\"id\":\"AQ\",\"data\":[1]}\n\n",
        text(SseFrames.body("b", null, "AQ", "[1]", StreamRequest.EVENT)));
    assertEquals("data: {\"channel\":\"a\",\"event\":\"herald.gap\",\"id\":null,\"data\":{\"channel\":\"a\","
        + "\"reason\":\"expired\"}}\n\n", text(SseFrames.gap("a", GapReason.EXPIRED, StreamRequest.EVENT)));
    StoredEvent e = new StoredEvent("room", 7, 3, "goal", json("a\nb"), 1_700_000_000_000L);
    SseEvent parsed = parse(new EncodedEvent(e).singleChannelFrame(StreamRequest.EVENT)).get(0);
    assertEquals("message", parsed.type());
    assertEquals(e.id(), parsed.id());
    assertEquals(new JsonObject().put("channel", "room").put("event", "goal").put("id", e.id()).put("data", "a\nb"),
        new JsonObject(parsed.data()));
  }

  @Test
  void theExpiredEventIsNamedWithoutAnIdAndUnnamedInEnvelope2() {
    assertEquals("event: herald.expired\ndata: {\"reason\":\"token-expired\"}\n\n",
        text(SseFrames.expired(StreamRequest.PLAIN)));
    assertEquals(text(SseFrames.expired(StreamRequest.PLAIN)), text(SseFrames.expired(StreamRequest.CHANNEL)));
    assertEquals("data: {\"channel\":null,\"event\":\"herald.expired\",\"id\":null,\"data\":{\"reason\":"
        + "\"token-expired\"}}\n\n", text(SseFrames.expired(StreamRequest.EVENT)));
  }

  @Test
  void gapEvents() {
    assertEquals("event: herald.gap\ndata: {\"channel\":\"a\",\"reason\":\"trimmed\"}\n\n",
        text(SseFrames.gap("a", GapReason.TRIMMED, StreamRequest.PLAIN)));
    assertEquals("event: herald.gap\ndata: {\"channel\":\"a\",\"data\":{\"channel\":\"a\",\"reason\":\"invalid-cursor\"}}\n\n",
        text(SseFrames.gap("a", GapReason.INVALID_CURSOR, StreamRequest.CHANNEL)));
  }

  @Test
  void preludeWithAndWithoutPadding() {
    assertEquals("retry: 2000\n: ok\n\n", text(SseFrames.prelude(2000, false)));
    Buffer padded = SseFrames.prelude(1500, true);
    String s = text(padded);
    assertTrue(s.startsWith("retry: 1500\n:"));
    assertTrue(s.endsWith("\n\n"));
    String comment = s.substring("retry: 1500\n".length(), s.length() - 1);
    assertEquals(SseFrames.PADDING_BYTES, comment.length(), "the padding comment line is 2 KiB");
    assertEquals(":\n\n", text(SseFrames.PING));
  }

  @Test
  void joinKeepsBothPartsForSmallAndLargeFrames() {
    Buffer id = SseFrames.idLine("X");
    Buffer small = SseFrames.body(null, "1");
    assertEquals("id: X\ndata: 1\n\n", text(SseFrames.join(id, small)));
    String big = json("y".repeat(10_000));
    Buffer large = SseFrames.body("e", big);
    Buffer joined = SseFrames.join(id, large);
    assertEquals("id: X\n" + text(large), text(joined));
    assertEquals(text(large), text(SseFrames.body("e", big)), "the shared body is unchanged");
  }

  @Test
  void encodedEventIsBuiltOnceAndShared() {
    StoredEvent e = new StoredEvent("room", 7, 3, "goal", json("a\nb"), 1_700_000_000_000L);
    EncodedEvent enc = new EncodedEvent(e);
    assertSame(enc.body(StreamRequest.PLAIN), enc.body(StreamRequest.PLAIN));
    assertSame(enc.singleChannelFrame(StreamRequest.CHANNEL), enc.singleChannelFrame(StreamRequest.CHANNEL));
    assertEquals("id: " + e.id() + "\nevent: goal\ndata: a\ndata: b\n\n", text(enc.singleChannelFrame(StreamRequest.PLAIN)));
    assertEquals("id: " + Cursor.single("room", 7, 3, 1_700_000_000L) + "\n", text(enc.idLine()));
    List<SseEvent> parsed = parse(enc.singleChannelFrame(StreamRequest.CHANNEL));
    assertEquals(new JsonObject().put("channel", "room").put("data", "a\nb"), new JsonObject(parsed.get(0).data()));
    assertEquals(e.id(), parsed.get(0).id());
  }
}
