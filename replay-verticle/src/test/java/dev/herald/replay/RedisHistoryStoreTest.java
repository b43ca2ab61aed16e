package dev.herald.replay;

import java.io.IOException;

/** The store contract against {@link RedisHistoryStore} on a real standalone redis-server. */
class RedisHistoryStoreTest extends RedisHistoryStoreContract {

  @Override
  protected RedisFixture startRedis() throws IOException {
    return RedisFixture.standalone();
  }
}
