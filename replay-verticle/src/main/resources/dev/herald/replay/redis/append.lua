-- One publish, atomically: next sequence number, append, trim by count and age, idle expiry,
-- idempotency key.
-- ARGV[1] maxEvents, ARGV[2] maxAge (ms), ARGV[3] idleChannelTtl (ms), ARGV[4] '1' when the channel
-- may be created, ARGV[5] event name ('' for an unnamed event), ARGV[6] data (JSON text),
-- ARGV[7] idempotency key ('' for none), ARGV[8] the token of the batch that holds the key ('' for a
-- single publish), ARGV[9] the call's deadline (epoch ms): the caller has stopped waiting after it.
-- Returns {'stored', epoch, id, publishedAt}; {'first', epoch, entry} when the key names a retained
-- event (nothing stored: the caller tells a duplicate from a conflict, which needs JSON equality);
-- {'held'} when another batch holds the key (nothing stored); {'full'} when the channel does not
-- exist and ARGV[4] forbids creating it; or {'late'} when Redis runs the script after the deadline (it
-- was held in a connection, say while the network was cut): nothing is stored, since its caller has
-- been told the publish failed.
local max_events, max_age, idle = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local name, data, key, token = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local now, t = clock()
if now > tonumber(ARGV[9]) then
  return { 'late' }
end
local ch = live_channel(now, idle, true)
if ch then
  drop_aged(ch, now, max_age)
end
if key ~= '' then
  local first, held = keyed_entry(key, token, now)
  if held then
    return { 'held' }
  end
  if first then
    return { 'first', ch.epoch, first }
  end
end
if not ch then
  if ARGV[4] ~= '1' then
    return { 'full' }
  end
  -- A new epoch from Redis time, in 16 microsecond units since 2020-01-01: never one this channel
  -- had before (its earlier epochs were made at earlier times) and below 2^48 until about 2162.
  local epoch = math.floor(((tonumber(t[1]) - 1577836800) * 1000000 + tonumber(t[2])) / 16) + 1
  ch = { epoch = int(math.max(epoch, 1)), seq = 0, trim = '' }
  reset_channel(now)
  redis.call('HSET', meta_key, 'epoch', ch.epoch, 'seq', '0', 'last', int(now), 'trim', '')
end
local seq = ch.seq + 1
local id = int(seq) .. '-0'
local add = { 'XADD', events_key, id, 't', int(now), 'd', data }
if name ~= '' then
  add[#add + 1] = 'e'
  add[#add + 1] = name
end
if key ~= '' then
  add[#add + 1] = 'k'
  add[#add + 1] = key
  redis.call('HSET', keys_key, key, int(seq))
end
redis.call(unpack(add))
redis.call('HSET', meta_key, 'seq', int(seq), 'last', int(now))
trim_count(ch, max_events)
redis.call('PEXPIRE', meta_key, ARGV[3])
redis.call('PEXPIRE', events_key, ARGV[3])
redis.call('PEXPIRE', keys_key, ARGV[3])
return { 'stored', ch.epoch, id, int(now) }
