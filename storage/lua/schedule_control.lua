-- schedule_control: an organizer pauses, resumes or deletes a schedule.
-- A resumed schedule counts its slots from now: what fell in the pause
-- does not fire.
--
-- KEYS[1] the schedule  KEYS[2] sched:all
-- ARGV[1] 'pause', 'resume' or 'delete'  ARGV[2] now (unix s)  ARGV[3] id
--
-- Returns {result, state}: result 'ok' or 'noop'.

local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'noop', ''} end
if ARGV[1] == 'pause' and state == 'active' then
  redis.call('HSET', KEYS[1], 'state', 'paused')
  return {'ok', 'paused'}
elseif ARGV[1] == 'resume' and state == 'paused' then
  redis.call('HSET', KEYS[1], 'state', 'active', 'last', ARGV[2])
  return {'ok', 'active'}
elseif ARGV[1] == 'delete' then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[3])
  return {'ok', 'deleted'}
end
return {'noop', state}
