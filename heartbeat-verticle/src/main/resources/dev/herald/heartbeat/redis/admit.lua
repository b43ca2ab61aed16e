-- Admits a session into its client's ledger (auth.maxSessionsPerClient): when it is one of the client's
-- sessions already, or the client holds fewer than the bound. The ledger is a sorted set, session id ->
-- when it was last known connected (ms).
-- KEYS[1] the client's ledger
-- ARGV[1] session id  ARGV[2] the bound  ARGV[3] now (ms)  ARGV[4] stale before (ms)  ARGV[5] ledger TTL (ms)
-- Answers {1} when admitted, else {0, id...}: the members last known connected before ARGV[4], which the
-- caller checks against the sessions and settles before it asks once more.
local key = KEYS[1]
if redis.call('ZSCORE', key, ARGV[1]) or redis.call('ZCARD', key) < tonumber(ARGV[2]) then
  redis.call('ZADD', key, ARGV[3], ARGV[1])
  redis.call('PEXPIRE', key, ARGV[5])
  return {1}
end
local stale = redis.call('ZRANGEBYSCORE', key, '-inf', '(' .. ARGV[4], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {0}
for i = 1, #stale do
  out[#out + 1] = stale[i]
end
return out
