-- A read-only look-up before a batch (it writes nothing): does the channel live, and which retained
-- event does an idempotency key name?
-- ARGV[1] maxAge (ms), ARGV[2] idleChannelTtl (ms), ARGV[3] idempotency key ('' for none).
-- Returns {0} when the channel does not exist, {1} when it does and the key names no retained event,
-- {1, epoch, entry} when the key names a retained event.
local now = clock()
local ch = live_channel(now, tonumber(ARGV[2]), false)
if not ch then
  return { 0 }
end
if ARGV[3] == '' then
  return { 1 }
end
local e = keyed_entry(ARGV[3])
if not e or tonumber(field(e[2], 't')) <= now - tonumber(ARGV[1]) then
  return { 1 }
end
return { 1, ch.epoch, e }
