package dev.herald.heartbeat;

import dev.herald.heartbeat.api.Session;
import io.vertx.core.Future;
import java.util.List;

/**
 * Which sessions each client holds, for a bound on sessions per client ({@code auth.maxSessionsPerClient}:
 * per user with tokens, per address without; docs/operations.md#limits). A client is whatever string the
 * caller of a start names; the bound comes with each start.
 *
 * <p>Contract: {@link #admit} is atomic per client, so concurrent starts of one client on any number of
 * nodes never take more than the bound. A ledger may hold sessions that ended (a stop on another address,
 * a purge): when the bound is reached, {@link #admit} answers the members not known to be connected for a
 * while, the caller checks them against the presence store and {@link #settle}s, then asks once more. So
 * ended sessions never hold a slot for long, and each member is checked at most once per expiry.
 */
public interface ClientLedger {

  /**
   * Admits {@code sessionId} for {@code client}: when it is one of its sessions already or the client holds
   * fewer than {@code max}. Answers {@code null} when admitted, else the members last known connected before
   * {@code staleBefore} (epoch ms), at most {@code max} of them (empty: the client is full of live sessions).
   */
  Future<List<String>> admit(String client, String sessionId, int max, long now, long staleBefore);

  /** Marks {@code alive} as known connected at {@code now} and removes {@code gone}. */
  Future<Void> settle(String client, List<String> alive, List<String> gone, long now);

  /** A session ended (stopped or purged): ledgers that know its client forget it now; others when they settle. */
  void ended(Session session);
}
