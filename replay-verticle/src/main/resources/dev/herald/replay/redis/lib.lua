-- Herald history in Redis: helpers shared by append.lua, read.lua and check.lua (RedisHistoryStore
-- loads this file in front of each of them, so each script stays one self-contained chunk).
--
-- KEYS[1] the channel's meta hash, KEYS[2] its events stream, KEYS[3] its idempotency-key hash. All
-- three are hash-tagged with the channel ({<channel>}), so every script touches one slot.
--   meta:   epoch (the channel's epoch), seq (last sequence number), last (last publish, Redis ms),
--           trim (reason of the newest removal: 'trimmed' by count, 'expired' by age, '' for none)
--   events: one entry per retained event, id <seq>-0, fields t (publish time, Redis ms), d (data),
--           e (event name; absent for an unnamed event), k (idempotency key; absent without one)
--   keys:   idempotency key -> seq of the retained event it first published, or a hold
--           'h:<token>:<ms>' of a batch that is being stored (hold.lua), which others treat as taken
--           until it is HOLD_MS old (a batch that died leaves it behind)
-- Numbers go back to Redis as strings written with %.0f: Lua's own tostring keeps 14 digits only.
local meta_key, events_key, keys_key = KEYS[1], KEYS[2], KEYS[3]

local HOLD_MS = 30000

local function int(x)
  return string.format('%.0f', x)
end

-- Deletes the channel's keys, keeping the idempotency keys that batches in progress hold.
local function reset_channel(now)
  local kept = {}
  if redis.call('EXISTS', keys_key) == 1 then
    local all = redis.call('HGETALL', keys_key)
    for i = 1, #all, 2 do
      local at = string.match(all[i + 1], '^h:[^:]*:(%d+)$')
      if at and now - tonumber(at) < HOLD_MS then
        kept[#kept + 1] = all[i]
        kept[#kept + 1] = all[i + 1]
      end
    end
  end
  redis.call('DEL', meta_key, events_key, keys_key)
  if #kept > 0 then
    redis.call('HSET', keys_key, unpack(kept))
    redis.call('PEXPIRE', keys_key, 2 * HOLD_MS)
  end
end

-- Redis time in milliseconds, and the raw TIME reply {seconds, microseconds}.
local function clock()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), t
end

local function seq_text(id)
  return string.match(id, '^(%d+)')
end

local function seq_of(id)
  return tonumber(seq_text(id))
end

-- The value of one field of a stream entry's flat {name, value, ...} list, or nil.
local function field(fields, name)
  for i = 1, #fields, 2 do
    if fields[i] == name then
      return fields[i + 1]
    end
  end
  return nil
end

-- The live channel as {epoch, seq, trim, last}; nil when it does not exist, has been idle for idle_ms
-- (the same rule as the memory store, before Redis's own expiry removes the keys) or lost its
-- stream while its meta survived (a store that lost part of its data). With may_write, the keys of
-- a dead channel are deleted so that it can be created again in a new epoch.
local function live_channel(now, idle_ms, may_write)
  local m = redis.call('HMGET', meta_key, 'epoch', 'seq', 'last', 'trim')
  if not m[1] then
    return nil
  end
  local seq = tonumber(m[2])
  if now - tonumber(m[3]) >= idle_ms or (seq > 0 and redis.call('EXISTS', events_key) == 0) then
    if may_write then
      reset_channel(now)
    end
    return nil
  end
  return { epoch = m[1], seq = seq, trim = m[4] or '', last = m[3] }
end

-- Forgets the idempotency key of a removed entry, when the key still names that entry.
local function forget(id, fields)
  local k = field(fields, 'k')
  if k and redis.call('HGET', keys_key, k) == seq_text(id) then
    redis.call('HDEL', keys_key, k)
  end
end

-- Drops the events published max_age_ms ago or earlier, oldest first (as the memory store does),
-- and records 'expired' as the reason of the newest removal when it dropped any.
local function drop_aged(ch, now, max_age_ms)
  local cutoff = now - max_age_ms
  local dropped = false
  local count = 1
  while true do
    local head = redis.call('XRANGE', events_key, '-', '+', 'COUNT', count)
    if #head == 0 then
      break
    end
    local keep = nil
    for i = 1, #head do
      if tonumber(field(head[i][2], 't')) > cutoff then
        keep = head[i][1]
        break
      end
      forget(head[i][1], head[i][2])
      dropped = true
    end
    if keep then
      if keep ~= head[1][1] then
        redis.call('XTRIM', events_key, 'MINID', keep)
      end
      break
    end
    redis.call('XTRIM', events_key, 'MINID', int(seq_of(head[#head][1]) + 1) .. '-0')
    if #head < count then
      break
    end
    count = 100
  end
  if dropped then
    redis.call('HSET', meta_key, 'trim', 'expired')
    ch.trim = 'expired'
  end
end

-- Keeps exactly the newest max_events events, forgetting the keys of the ones it removes.
local function trim_count(ch, max_events)
  local len = redis.call('XLEN', events_key)
  if len <= max_events then
    return
  end
  if redis.call('HLEN', keys_key) > 0 then
    local gone = redis.call('XRANGE', events_key, '-', '+', 'COUNT', len - max_events)
    for i = 1, #gone do
      forget(gone[i][1], gone[i][2])
    end
  end
  redis.call('XTRIM', events_key, 'MAXLEN', max_events)
  redis.call('HSET', meta_key, 'trim', 'trimmed')
  ch.trim = 'trimmed'
end

-- The sequence number of the oldest retained event (the next one when none is retained).
local function oldest_seq(ch)
  local first = redis.call('XRANGE', events_key, '-', '+', 'COUNT', 1)
  if #first == 0 then
    return ch.seq + 1
  end
  return seq_of(first[1][1])
end

-- The retained entry {id, fields} an idempotency key names, or nil; and, as a second value, true when
-- a batch other than token's holds the key right now.
local function keyed_entry(key, token, now)
  local s = redis.call('HGET', keys_key, key)
  if not s then
    return nil, false
  end
  local holder, at = string.match(s, '^h:([^:]*):(%d+)$')
  if holder then
    return nil, holder ~= token and now - tonumber(at) < HOLD_MS
  end
  local e = redis.call('XRANGE', events_key, s .. '-0', s .. '-0')
  if #e == 0 then
    return nil, false
  end
  return e[1], false
end
