-- schedule_save: creates a schedule, or updates the fields of one. A new
-- schedule is active and counts its slots from now: no slot before its
-- creation ever fires.
--
-- KEYS[1] sched:seq  KEYS[2] sched:all
-- ARGV[1] prefix  ARGV[2] id ('' for a new one)  ARGV[3] now (unix s)
-- ARGV[4..] field/value pairs
--
-- Returns {id, 1 when created or 0}.

local id = ARGV[2]
if id == '' then id = tostring(redis.call('INCR', KEYS[1])) end
local key = ARGV[1] .. 'sched:' .. id
local created = 0
if redis.call('EXISTS', key) == 0 then
  created = 1
  redis.call('HSET', key, 'id', id, 'state', 'active', 'created', ARGV[3], 'last', ARGV[3],
    'fired', 0, 'skipped', 0, 'next_idx', 0)
end
if #ARGV > 3 then
  local fields = {}
  for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
  redis.call('HSET', key, unpack(fields))
end
redis.call('SADD', KEYS[2], id)
return {id, created}
