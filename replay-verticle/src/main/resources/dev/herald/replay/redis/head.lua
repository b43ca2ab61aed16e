-- A channel's head, read-only (it writes nothing): where a stream that starts now stands in it.
-- ARGV[1] idleChannelTtl (ms).
-- Returns {epoch, seq, last publish (Redis ms)} of the live channel, or {'0', '0', '0'} when it does
-- not exist (the memory store's rules: an idle channel or one whose events Redis lost does not).
local ch = live_channel(clock(), tonumber(ARGV[1]), false)
if not ch then
  return { '0', '0', '0' }
end
return { ch.epoch, int(ch.seq), ch.last }
