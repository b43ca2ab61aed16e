-- Ends a session that is still leaving under a token: the claim after a leave's grace. Atomic with
-- remove.lua, claim.lua and the start or beat that take the mark away, so a session ends exactly once.
-- KEYS[1] shard expiry  KEYS[2] shard ids  KEYS[3] the session's hash  KEYS[4] shard leaving marks
-- ARGV[1] id  ARGV[2] the token of the leave  ARGV[3] the call's deadline (epoch ms, Redis time): run
-- later, the script ends nothing and fails with LATE (a disconnect nobody would publish).
-- Answers {id, lastSeenAt, userId|nil, meta, connectedAt}, or nil when it is no longer leaving under it.
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[3]) then
  return redis.error_reply('LATE Redis ran the call after its deadline: nothing was changed')
end
local id = ARGV[1]
if redis.call('HGET', KEYS[4], id) ~= ARGV[2] then
  return false
end
redis.call('HDEL', KEYS[4], id)
local seen = redis.call('ZSCORE', KEYS[1], id)
if not seen then
  return false
end
local f = redis.call('HMGET', KEYS[3], 'u', 'm', 'c')
redis.call('ZREM', KEYS[1], id)
redis.call('ZREM', KEYS[2], id)
redis.call('DEL', KEYS[3])
return {id, tonumber(seen), f[1], f[2], f[3]}
