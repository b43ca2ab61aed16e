package dev.herald.sse.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SseParserTest {
  private final List<SseEvent> events = new ArrayList<>();
  private final List<String> comments = new ArrayList<>();
  private final List<Long> retries = new ArrayList<>();
  private final SseParser parser = new SseParser(new SseParser.Listener() {
    @Override
    public void event(SseEvent event) {
      events.add(event);
    }

    @Override
    public void comment(String text) {
      comments.add(text);
    }

    @Override
    public void retry(long millis) {
      retries.add(millis);
    }
  });

  private void feed(String... chunks) {
    for (String c : chunks) {
      parser.feed(c.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void fieldsCommentsAndRetry() {
    feed("\uFEFFretry: 2000\n: ok\n\nid: 1\nevent: goal\ndata: a\ndata:b\n\n");
    assertEquals(List.of(2000L), retries);
    assertEquals(List.of(" ok"), comments);
    assertEquals(List.of(new SseEvent("goal", "a\nb", "1", "1")), events);
    assertEquals("1", parser.lastEventId());
  }

  @Test
  void lineEndingsOfEveryKindAlsoSplitAcrossChunks() {
    feed("data: x\r", "\ndata: y\rdata: z\r", "\r", "\n");
    assertEquals(1, events.size());
    assertEquals("x\ny\nz", events.get(0).data());
  }

  @Test
  void eventWithoutDataIsNotDispatchedButItsIdCounts() {
    feed("id: 5\nevent: x\n\ndata: after\n\n");
    assertEquals(List.of(new SseEvent("message", "after", null, "5")), events);
    assertEquals("5", parser.lastEventId());
  }

  @Test
  void specialCases() {
    feed("data\n\n", "id: a\u0000b\ndata: 1\n\n", "retry: 1x\nretry\nfoo: bar\ndata:  two spaces\n\n");
    assertEquals("", events.get(0).data(), "a field name alone is an empty value");
    assertNull(events.get(1).id(), "an id with NUL is ignored");
    assertEquals(" two spaces", events.get(2).data(), "only one space is removed");
    assertEquals(List.of(), retries);
  }

  @Test
  void multiByteCharactersSplitAcrossChunks() {
    byte[] bytes = "data: h\u00e9\u20ac\n\n".getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      parser.feed(new byte[] {b});
    }
    assertEquals("h\u00e9\u20ac", events.get(0).data());
  }
}
