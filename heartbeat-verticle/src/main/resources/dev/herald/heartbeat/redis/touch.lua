-- Marks connected sessions of one shard alive (a batch of beats). Never adds a session: an id that a
-- stop or a purge already removed stays removed (ZADD XX), and lastSeenAt never moves back (GT). A beat
-- takes a session's leaving mark away (leave.lua): its page went away, but the session lives on.
-- KEYS[1] shard expiry (zset id -> lastSeenAt ms)  KEYS[2] shard leaving marks
-- ARGV[1] now  ARGV[2] the shard's session hash prefix  ARGV[3..] session ids of this shard
-- Answers {the ids that are not connected, {{id, lastSeenAt, userId|nil, meta, connectedAt} of each
-- session whose leaving mark it took away}}.
local now = ARGV[1]
local missing = {}
local resumed = {}
local marks = redis.call('HLEN', KEYS[2]) > 0
local n = #ARGV
local i = 3
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
    if marks then
      for k = 2, #present, 2 do
        local id = present[k]
        if redis.call('HDEL', KEYS[2], id) == 1 then
          local f = redis.call('HMGET', ARGV[2] .. id, 'u', 'm', 'c')
          resumed[#resumed + 1] = {id, tonumber(redis.call('ZSCORE', KEYS[1], id)), f[1], f[2], f[3]}
        end
      end
    end
  end
  i = j + 1
end
return {missing, resumed}
