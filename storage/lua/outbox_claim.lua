-- outbox_claim: claims notices for one sender, each under a lease: until
-- the lease ends no other sender takes it; after it (the claimer died, or
-- its Redis writes were lost) the next claim takes it over. Each claim
-- counts in tries, which is also the claim's token for outbox_finish.
--
-- KEYS[1] outbox (zset id -> ms it may be claimed from)
-- KEYS[2] entries (hash)   KEYS[3] tries (hash)
-- ARGV[1] the most notices to claim   ARGV[2] lease (ms)
-- ARGV[3] one notice's id, or '': the process that recorded a notice
--         claims it at once, within its hold, if nobody claimed it yet;
--         otherwise the due notices are claimed, oldest first
--
-- Returns {id, entry, tries, ...}.

local now = outbox_now()
local ids
if ARGV[3] ~= '' then
  ids = {}
  if redis.call('ZSCORE', KEYS[1], ARGV[3]) and not redis.call('HGET', KEYS[3], ARGV[3]) then
    ids[1] = ARGV[3]
  end
else
  ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', outbox_ms(now), 'LIMIT', 0, tonumber(ARGV[1]))
end
local out = {}
for _, id in ipairs(ids) do
  local entry = redis.call('HGET', KEYS[2], id)
  if not entry then
    redis.call('ZREM', KEYS[1], id) -- cannot happen: both go together
  else
    local tries = redis.call('HINCRBY', KEYS[3], id, 1)
    redis.call('ZADD', KEYS[1], outbox_ms(now + tonumber(ARGV[2])), id)
    out[#out + 1] = id
    out[#out + 1] = entry
    out[#out + 1] = tostring(tries)
  end
end
return out
