package dev.herald.heartbeat;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The store contract against {@link MemoryPresenceStore}, plus what only the memory store does. */
class MemoryPresenceStoreTest extends PresenceStoreContract {

  @Override
  protected PresenceStore newStore(int maxSessions) {
    return new MemoryPresenceStore(maxSessions);
  }

  @Test
  void aClosedStoreFailsEveryCall() throws Exception {
    PresenceStore store = newStore(10);
    await(store.start("closed-1", "u", null, t0));
    await(store.close());
    assertThrows(IllegalStateException.class, () -> await(store.ping()));
    assertThrows(IllegalStateException.class, () -> await(store.start("closed-2", "u", null, t0)));
    assertThrows(IllegalStateException.class, () -> await(store.get("closed-1")));
    assertThrows(IllegalStateException.class, () -> await(store.claimExpired(t0 + 1, 10)));
  }

  @Test
  void maxSessionsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new MemoryPresenceStore(0));
  }
}
