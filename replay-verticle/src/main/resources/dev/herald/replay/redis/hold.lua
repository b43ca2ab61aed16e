-- The first step of a batch that uses idempotency keys: looks up each key of the batch on this
-- channel and, when no retained event and no other batch has it, holds it for the batch (token), so
-- that no other publish can take it before the batch's appends; the appends then replace the holds
-- (append.lua), or the batch releases them (release.lua) when it is refused. Also says whether the
-- channel lives (for history.maxChannels).
-- ARGV[1] maxAge (ms), ARGV[2] idleChannelTtl (ms), ARGV[3] the batch's token, ARGV[4..] the keys.
-- Returns {lives (0/1), one reply per key}: {0} held now for the batch, {1, epoch, entry} a retained
-- event has the key, {2} another batch holds it.
local max_age, idle, token = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local now = clock()
local ch = live_channel(now, idle, false)
local out = { ch and 1 or 0 }
local held_here = false
for i = 4, #ARGV do
  local key = ARGV[i]
  local e, held = keyed_entry(key, token, now)
  if e and tonumber(field(e[2], 't')) <= now - max_age then
    e = nil
  end
  if e then
    out[#out + 1] = { 1, ch.epoch, e }
  elseif held then
    out[#out + 1] = { 2 }
  else
    redis.call('HSET', keys_key, key, 'h:' .. token .. ':' .. int(now))
    held_here = true
    out[#out + 1] = { 0 }
  end
end
if held_here and not ch then
  -- no channel yet: its key hash holds only holds, which must not outlive a batch that died
  redis.call('PEXPIRE', keys_key, 2 * HOLD_MS)
end
return out
