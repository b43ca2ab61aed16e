-- Removes a session if it is connected: the stop's claim. Atomic with claim.lua, so a session is ended
-- by exactly one of them.
-- KEYS[1] shard expiry  KEYS[2] shard ids  KEYS[3] the session's hash  KEYS[4] shard leaving marks
-- ARGV[1] id  ARGV[2] the call's deadline (epoch ms, Redis time): run later, the script removes
-- nothing and fails with LATE (a disconnect nobody would publish).
-- Answers {id, lastSeenAt, userId|nil, meta, connectedAt}, or nil when it was not connected.
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[2]) then
  return redis.error_reply('LATE Redis ran the call after its deadline: nothing was changed')
end
local id = ARGV[1]
local seen = redis.call('ZSCORE', KEYS[1], id)
if not seen then
  return false
end
local f = redis.call('HMGET', KEYS[3], 'u', 'm', 'c')
redis.call('ZREM', KEYS[1], id)
redis.call('ZREM', KEYS[2], id)
redis.call('DEL', KEYS[3])
redis.call('HDEL', KEYS[4], id)
return {id, tonumber(seen), f[1], f[2], f[3]}
