-- proposal_withdraw: the author withdraws a proposal organizers have not
-- answered yet: its status and the status lists change together, and its
-- text key is released, so the same text may be sent again later.
--
-- KEYS[1] user's proposals   KEYS[2] user's proposal keys
-- KEYS[3] withdrawn proposals (zset)
-- KEYS[4..] the lists of the statuses a proposal may be withdrawn from
-- ARGV[1] proposal key prefix   ARGV[2] number   ARGV[3] now (ms)
-- ARGV[4..] those statuses, in the order of KEYS[4..]
--
-- Returns {'withdrawn'}, {'notfound'} (not the user's), {'already'}, or
-- {'final', status} / {'answered'} when it can no longer be withdrawn.

if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  return {'notfound'}
end
local key = ARGV[1] .. ARGV[2]
local p = redis.call('HMGET', key, 'status', 'answer', 'text_key')
local status, answer, textKey = p[1], p[2], p[3]
if not status then
  return {'notfound'}
end
if status == 'withdrawn' then
  return {'already'}
end
local from = nil
for i = 4, #ARGV do
  if ARGV[i] == status then
    from = KEYS[i]
  end
end
if not from then
  return {'final', status}
end
if answer and answer ~= '' then
  return {'answered'}
end

redis.call('ZREM', from, ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
redis.call('HSET', key, 'status', 'withdrawn', 'updated_at', ARGV[3], 'withdrawn_at', ARGV[3])
if textKey and redis.call('HGET', KEYS[2], 't:' .. textKey) == ARGV[2] then
  redis.call('HDEL', KEYS[2], 't:' .. textKey)
end
return {'withdrawn'}
