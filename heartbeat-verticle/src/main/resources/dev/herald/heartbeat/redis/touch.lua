-- Marks connected sessions of one shard alive (a batch of beats). Never adds a session: an id that a
-- stop or a purge already removed stays removed (ZADD XX), and lastSeenAt never moves back (GT).
-- KEYS[1] shard expiry (zset id -> lastSeenAt ms)
-- ARGV[1] now  ARGV[2..] session ids of this shard
-- Answers the ids that are not connected.
local now = ARGV[1]
local missing = {}
local n = #ARGV
local i = 2
while i <= n do
  local j = math.min(i + 499, n)
  local chunk = {}
  for k = i, j do
    chunk[#chunk + 1] = ARGV[k]
  end
  local scores = redis.call('ZMSCORE', KEYS[1], unpack(chunk))
  local present = {}
  for k = 1, #chunk do
    if scores[k] then
      present[#present + 1] = now
      present[#present + 1] = chunk[k]
    else
      missing[#missing + 1] = chunk[k]
    end
  end
  if #present > 0 then
    redis.call('ZADD', KEYS[1], 'XX', 'GT', unpack(present))
  end
  i = j + 1
end
return missing
