package dev.herald.replay;

import dev.herald.testkit.RedisTarget;
import java.io.IOException;

/** The store contract against {@link RedisHistoryStore} on a real standalone redis-server. */
class RedisHistoryStoreTest extends RedisHistoryStoreContract {

  @Override
  protected RedisTarget startRedis() throws IOException {
    return RedisTarget.standalone();
  }
}
