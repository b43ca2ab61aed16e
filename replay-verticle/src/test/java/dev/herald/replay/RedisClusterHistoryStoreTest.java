package dev.herald.replay;

import dev.herald.testkit.RedisTarget;
import java.io.IOException;

/**
 * The store contract against {@link RedisHistoryStore} on a real 3-master Redis Cluster, the client in
 * cluster mode: every script touches one slot (the channel's hash tag).
 */
class RedisClusterHistoryStoreTest extends RedisHistoryStoreContract {

  @Override
  protected RedisTarget startRedis() throws IOException {
    return RedisTarget.cluster();
  }
}
