-- Reads connected sessions of one shard, consistently (lastSeenAt from the expiry set, the rest from
-- the session's hash).
-- KEYS[1] shard expiry
-- ARGV[1] the shard's session hash prefix  ARGV[2..] ids
-- Answers, per id, {id, lastSeenAt, userId|nil, meta, connectedAt}, or nil when it is not connected.
local out = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  local seen = redis.call('ZSCORE', KEYS[1], id)
  if seen then
    local f = redis.call('HMGET', ARGV[1] .. id, 'u', 'm', 'c')
    out[#out + 1] = {id, tonumber(seen), f[1], f[2], f[3]}
  else
    out[#out + 1] = false
  end
end
return out
