-- One shard's connected sessions with ids after a cursor, in id order: a consistent snapshot of the
-- shard, so merging the shards' answers never skips a session that stays connected.
-- KEYS[1] shard expiry  KEYS[2] shard ids (zset, score 0: ordered by id)
-- ARGV[1] the shard's session hash prefix  ARGV[2] cursor ('' = from the first)  ARGV[3] at most this many
-- Answers {{id, lastSeenAt, userId|nil, meta, connectedAt}, ...}.
local from = '-'
if ARGV[2] ~= '' then
  from = '(' .. ARGV[2]
end
local ids = redis.call('ZRANGEBYLEX', KEYS[2], from, '+', 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for i = 1, #ids do
  local id = ids[i]
  local seen = redis.call('ZSCORE', KEYS[1], id)
  if seen then
    local f = redis.call('HMGET', ARGV[1] .. id, 'u', 'm', 'c')
    out[#out + 1] = {id, tonumber(seen), f[1], f[2], f[3]}
  end
end
return out
