package dev.herald.replay.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CursorTest {
  private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");

  @Test
  void singleChannelRoundTrip() {
    String id = Cursor.single("scores", 123_456_789L, 42, 1_700_000_000L);
    Cursor c = Cursor.decode(id);
    assertEquals(List.of(new Cursor.Position(Cursor.key("scores"), 123_456_789L, 42, 1_700_000_000L)), c.positions());
    assertEquals(id, c.encode());
    assertEquals(c.positions().get(0), c.find("scores"));
    assertNull(c.find("other"));
  }

  @Test
  void extremeValuesRoundTrip() {
    long epoch = (1L << 48) - 1;
    String id = Cursor.single("x", epoch, Long.MAX_VALUE, 0);
    Cursor.Position p = Cursor.decode(id).find("x");
    assertEquals(epoch, p.epoch());
    assertEquals(Long.MAX_VALUE, p.seq());
    assertEquals(0, p.timeSec());
  }

  @Test
  void multiChannelRoundTripAndFind() {
    List<Cursor.Position> ps = List.of(
        new Cursor.Position(Cursor.key("a"), 1, 1, 10),
        new Cursor.Position(Cursor.key("b:c@d"), 99_999_999_999L, 300, 1_700_000_001L),
        new Cursor.Position(Cursor.key("room-7"), 5, 0, 0));
    Cursor c = Cursor.of(ps);
    Cursor back = Cursor.decode(c.encode());
    assertEquals(c, back);
    assertEquals(ps, back.positions());
    assertEquals(ps.get(1), back.find("b:c@d"));
    assertEquals(ps.get(2), back.find("room-7"));
    assertNull(back.find("room-8"));
    assertEquals(c.encode(), back.toString());
  }

  @Test
  void aStoredEventsIdIsItsSingleChannelCursor() {
    StoredEvent e = new StoredEvent("news", 77, 9, "flash", "{}", 1_700_000_123_456L);
    assertEquals(Cursor.single("news", 77, 9, 1_700_000_123L), e.id());
    assertEquals(e.position(), Cursor.decode(e.id()).find("news"));
  }

  @Test
  void keysAre48BitsAndDifferByName() {
    assertTrue(Cursor.key("a") >= 0 && Cursor.key("a") < (1L << 48));
    assertNotEquals(Cursor.key("a"), Cursor.key("b"));
    assertEquals(Cursor.key("same"), Cursor.key("same"));
  }

  @Test
  void garbageIsRefused() {
    for (String bad : new String[] {"", "!!!", "a b", "abc=", "\n", "x".repeat(8193), "AQ", "Zm9v"}) {
      assertThrows(IllegalArgumentException.class, () -> Cursor.decode(bad), () -> "accepted " + bad);
    }
    assertThrows(IllegalArgumentException.class, () -> Cursor.decode(null));
  }

  @Test
  void truncatedIdsAreRefused() {
    String id = Cursor.single("scores", 1L << 40, 1_000_000, 1_700_000_000L);
    byte[] b = Base64.getUrlDecoder().decode(id);
    for (int len = 0; len < b.length; len++) {
      byte[] cut = java.util.Arrays.copyOf(b, len);
      String s = Base64.getUrlEncoder().withoutPadding().encodeToString(cut);
      assertThrows(IllegalArgumentException.class, () -> Cursor.decode(s), "prefix of " + cut.length + " bytes");
    }
    for (int len = 1; len < id.length(); len++) {
      String s = id.substring(0, len);
      assertThrows(IllegalArgumentException.class, () -> Cursor.decode(s), "prefix " + s);
    }
  }

  @Test
  void anotherVersionIsRefused() {
    byte[] b = Base64.getUrlDecoder().decode(Cursor.single("a", 1, 1, 1));
    b[0] = 2;
    String v2 = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cursor.decode(v2));
    assertTrue(e.getMessage().contains("version"));
  }

  @Test
  void aNumberThatNeverEndsIsRefused() {
    byte[] b = new byte[1 + 6 + 12];
    b[0] = 1;
    for (int i = 7; i < b.length; i++) {
      b[i] = (byte) 0xff;
    }
    String s = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    assertThrows(IllegalArgumentException.class, () -> Cursor.decode(s));
  }

  @Test
  void idsUseOnlyTheBase64UrlAlphabet() {
    Random r = new Random(7);
    for (int i = 0; i < 500; i++) {
      List<Cursor.Position> ps = new ArrayList<>();
      for (int j = 0, n = 1 + r.nextInt(4); j < n; j++) {
        ps.add(new Cursor.Position(Cursor.key("c" + r.nextInt()), r.nextLong() & 0xFFFF_FFFF_FFFFL,
            r.nextLong() & Long.MAX_VALUE, r.nextInt() & 0x7fffffff));
      }
      String id = Cursor.encode(ps);
      assertTrue(BASE64URL.matcher(id).matches(), () -> "not base64url: " + id);
      assertEquals(ps, Cursor.decode(id).positions());
    }
  }
}
