-- Connects a session, or refreshes it when it is connected (reconnect). Atomic: of concurrent starts
-- of one id that is not connected, exactly one connects.
-- KEYS[1] shard expiry (zset id -> lastSeenAt ms)   KEYS[2] shard ids (zset, score 0)
-- KEYS[3] the session's hash (u = userId, m = meta JSON, c = connectedAt)  KEYS[4] shard leaving marks
-- (a start takes the session's mark away)
-- KEYS[5..] the other shards' expiry sets (standalone Redis only: makes the maxSessions bound exact)
-- ARGV[1] id  ARGV[2] '1' when a userId is given  ARGV[3] userId  ARGV[4] meta JSON ('' = keep/none)
-- ARGV[5] now  ARGV[6] maxSessions  ARGV[7] sessions counted in other shards by the caller (cluster)
-- ARGV[8] the call's deadline (epoch ms, Redis time): run later, the script changes nothing and fails
-- with LATE, since its caller has been told the start failed.
-- Answers {0 connect | 1 reconnect, id, lastSeenAt, userId|nil, meta, connectedAt}, or {-1} when full.
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[8]) then
  return redis.error_reply('LATE Redis ran the call after its deadline: nothing was changed')
end
local id = ARGV[1]
redis.call('HDEL', KEYS[4], id)
local seen = redis.call('ZSCORE', KEYS[1], id)
if seen then
  local last = tonumber(seen)
  if tonumber(ARGV[5]) > last then
    redis.call('ZADD', KEYS[1], ARGV[5], id)
    last = tonumber(ARGV[5])
  end
  if ARGV[4] ~= '' then
    redis.call('HSET', KEYS[3], 'm', ARGV[4])
  end
  local f = redis.call('HMGET', KEYS[3], 'u', 'm', 'c')
  return {1, id, last, f[1], f[2], f[3]}
end
local total = redis.call('ZCARD', KEYS[1]) + tonumber(ARGV[7])
for i = 5, #KEYS do
  total = total + redis.call('ZCARD', KEYS[i])
end
if total >= tonumber(ARGV[6]) then
  return {-1}
end
local meta = ARGV[4]
if meta == '' then
  meta = '{}'
end
redis.call('ZADD', KEYS[1], ARGV[5], id)
redis.call('ZADD', KEYS[2], 0, id)
redis.call('DEL', KEYS[3])
redis.call('HSET', KEYS[3], 'm', meta, 'c', ARGV[5])
local user = false
if ARGV[2] == '1' then
  redis.call('HSET', KEYS[3], 'u', ARGV[3])
  user = ARGV[3]
end
return {0, id, tonumber(ARGV[5]), user, meta, ARGV[5]}
