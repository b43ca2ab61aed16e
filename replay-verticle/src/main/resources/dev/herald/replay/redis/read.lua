-- A history read after a cursor, with the memory store's gap rules. It drops aged events first (so
-- a read never returns an event older than maxAge) and removes an idle channel.
-- ARGV[1] maxAge (ms), ARGV[2] idleChannelTtl (ms), ARGV[3] the cursor's epoch ('' without a
-- cursor), ARGV[4] its sequence number, ARGV[5] its publish time (s), ARGV[6] limit.
-- Returns {epoch ('0' when the channel does not exist), gap reason ('' for none), more (0/1), entries}.
local max_age, idle = tonumber(ARGV[1]), tonumber(ARGV[2])
local has_after = ARGV[3] ~= ''
local after_seq, after_time, limit = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local now = clock()

-- The gap of a cursor whose epoch is gone: removed for idleness, or lost by the store.
local function lost()
  if now - after_time * 1000 >= idle then
    return 'expired'
  end
  return 'reset'
end

local ch = live_channel(now, idle, true)
if not ch then
  return { '0', has_after and lost() or '', 0, {} }
end
drop_aged(ch, now, max_age)
local newest = ch.seq
local from = oldest_seq(ch)
local gap = ''
if has_after then
  if ARGV[3] ~= ch.epoch then
    gap = lost()
  elseif after_seq > newest then
    return { ch.epoch, 'invalid-cursor', 0, {} }
  elseif after_seq < from - 1 then
    gap = ch.trim ~= '' and ch.trim or 'trimmed'
  else
    from = after_seq + 1
  end
end
if from > newest then
  return { ch.epoch, gap, 0, {} }
end
local events = redis.call('XRANGE', events_key, int(from) .. '-0', '+', 'COUNT', limit)
local more = 0
if #events > 0 and seq_of(events[#events][1]) < newest then
  more = 1
end
return { ch.epoch, gap, more, events }
