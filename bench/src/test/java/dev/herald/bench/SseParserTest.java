package dev.herald.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SseParserTest {
  private static final String STREAM = "retry: 2000\r\n: hello\r\n\r\n"
      + "id: 7\nevent: goal\ndata: {\"a\":1}\n\n"
      + "data: line one\rdata:line two\r\rdata\n\n"
      + ": ping\n\n"
      + "id: 9\r\nevent: b\r\ndata: \"~3,42,1700000000000000~xx\"\r\n\r\n"
      + "event: lonely\n\n"
      + "data: not dispatched yet";

  private final List<String> seen = new ArrayList<>();

  private SseParser parser() {
    return new SseParser(e -> seen.add(new String(e.event(), 0, e.eventLength(), StandardCharsets.UTF_8) + "|"
        + new String(e.data(), 0, e.dataLength(), StandardCharsets.UTF_8) + "|" + e.lastIdString()));
  }

  private static final List<String> EXPECTED = List.of(
      "goal|{\"a\":1}|7",
      "|line one\nline two|7",
      "|||7".substring(1),
      "b|\"~3,42,1700000000000000~xx\"|9");

  @Test
  void parsesWholeStream() {
    SseParser p = parser();
    byte[] b = STREAM.getBytes(StandardCharsets.UTF_8);
    p.feed(b, 0, b.length);
    assertEquals(EXPECTED, seen);
    assertEquals(2000, p.retry());
    assertEquals(2, p.comments());
  }

  @Test
  void sameEventsWhateverTheSplit() {
    byte[] b = STREAM.getBytes(StandardCharsets.UTF_8);
    for (int piece = 1; piece <= 7; piece++) {
      seen.clear();
      SseParser p = parser();
      for (int off = 0; off < b.length; off += piece) {
        p.feed(b, off, Math.min(piece, b.length - off));
      }
      assertEquals(EXPECTED, seen, "pieces of " + piece);
    }
    // every two-way split, CRLF pairs across the cut included
    for (int cut = 0; cut <= b.length; cut++) {
      seen.clear();
      SseParser p = parser();
      p.feed(b, 0, cut);
      p.feed(b, cut, b.length - cut);
      assertEquals(EXPECTED, seen, "cut at " + cut);
    }
  }

  @Test
  void resetKeepsLastIdAndDropsPartialEvent() {
    SseParser p = parser();
    byte[] a = "id: 5\ndata: x\n\ndata: half".getBytes(StandardCharsets.UTF_8);
    p.feed(a, 0, a.length);
    p.resetStream();
    byte[] b = "data: y\n\n".getBytes(StandardCharsets.UTF_8);
    p.feed(b, 0, b.length);
    assertEquals(List.of("|x|5", "|y|5"), seen);
  }

  @Test
  void decodesTheBenchToken() {
    long[] out = new long[3];
    byte[] d = "{\"channel\":\"c\",\"data\":\"~3,42,1700000000000000~xx\"}".getBytes(StandardCharsets.UTF_8);
    assertTrue(Payload.decode(d, 0, d.length, out));
    assertEquals(3, out[0]);
    assertEquals(42, out[1]);
    assertEquals(1700000000000000L, out[2]);
    byte[] bad = "\"~3,42~\"".getBytes(StandardCharsets.UTF_8);
    assertEquals(false, Payload.decode(bad, 0, bad.length, out));
  }
}
