-- Claims and removes, atomically, sessions of one shard last seen before a time: the purge's claim.
-- Whatever the number of nodes purging at once, each session is answered to exactly one of them.
-- KEYS[1] shard expiry  KEYS[2] shard ids  KEYS[3] shard leaving marks
-- ARGV[1] seenBefore (exclusive)  ARGV[2] at most this many  ARGV[3] the shard's session hash prefix
-- (same hash tag, so the same slot as KEYS[1])  ARGV[4] the call's deadline (epoch ms, Redis time): run
-- later, the script claims nothing and fails with LATE (disconnects nobody would publish).
-- Answers {{id, lastSeenAt, userId|nil, meta, connectedAt}, ...}.
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[4]) then
  return redis.error_reply('LATE Redis ran the call after its deadline: nothing was changed')
end
local found = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #found, 2 do
  local id = found[i]
  local key = ARGV[3] .. id
  local f = redis.call('HMGET', key, 'u', 'm', 'c')
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('DEL', key)
  redis.call('HDEL', KEYS[3], id)
  out[#out + 1] = {id, tonumber(found[i + 1]), f[1], f[2], f[3]}
end
return out
