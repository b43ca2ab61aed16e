-- Marks a connected session as leaving (its page went away): the mark of stop?leaving=1. The session
-- stays connected; a start or a beat takes the mark away (start.lua, touch.lua), and depart.lua ends
-- the session after the grace only if the mark is still this one.
-- KEYS[1] shard expiry  KEYS[2] shard leaving marks
-- ARGV[1] id  ARGV[2] the token of this leave
-- Answers 1 when the session is connected (and now leaving), else 0.
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
