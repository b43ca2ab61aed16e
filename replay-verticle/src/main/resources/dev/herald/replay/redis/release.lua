-- Gives back the keys a refused batch held on this channel (hold.lua): each one still held by it.
-- ARGV[1] the batch's token, ARGV[2..] the keys. Returns how many it released.
local n = 0
for i = 2, #ARGV do
  local v = redis.call('HGET', keys_key, ARGV[i])
  if v and string.match(v, '^h:([^:]*):%d+$') == ARGV[1] then
    redis.call('HDEL', keys_key, ARGV[i])
    n = n + 1
  end
end
return n
