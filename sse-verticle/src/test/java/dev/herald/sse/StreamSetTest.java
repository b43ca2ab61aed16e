package dev.herald.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StreamSetTest {
  private static final class M extends StreamSet.Member {
    final int n;

    M(int n) {
      this.n = n;
    }
  }

  @Test
  void addRemoveAnywhereKeepsEveryOtherMember() {
    StreamSet<M> set = new StreamSet<>();
    M[] ms = new M[10];
    for (int i = 0; i < ms.length; i++) {
      ms[i] = new M(i);
      set.add(ms[i]);
    }
    assertTrue(set.remove(ms[0]));
    assertTrue(set.remove(ms[5]));
    assertTrue(set.remove(ms[9]));
    assertFalse(set.remove(ms[5]), "removing twice does nothing");
    Set<Integer> left = new HashSet<>();
    for (int i = 0; i < set.size(); i++) {
      left.add(set.get(i).n);
    }
    assertEquals(Set.of(1, 2, 3, 4, 6, 7, 8), left);
    // every member that moved is still found where the set put it
    for (int n : List.of(8, 1, 7, 2, 6, 3, 4)) {
      assertTrue(set.remove(ms[n]), "member " + n);
    }
    assertTrue(set.isEmpty());
    set.add(ms[5]);
    assertEquals(1, set.size());
  }
}
