-- broadcast_control: an organizer pauses, resumes or cancels a job.
-- Pausing stops new sends (those in flight finish); resuming a job with
-- nothing left finishes it; cancelling leaves the rest unsent for good.
--
-- KEYS[1] job  KEYS[2] bc:active  KEYS[3] pending  KEYS[4] retry  KEYS[5] inflight
-- ARGV[1] 'pause', 'resume' or 'cancel'  ARGV[2] now (ms)  ARGV[3] job id
-- ARGV[4] organizer's user id
--
-- Returns {result, state}: result 'ok', 'finished' (a resume found nothing
-- left) or 'noop' (the job is not in a state the action applies to).

local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'noop', ''} end
local action = ARGV[1]
if action == 'pause' and state == 'running' then
  redis.call('HSET', KEYS[1], 'state', 'paused', 'reason', 'organizer', 'rdetail', ARGV[4])
  return {'ok', 'paused'}
elseif action == 'resume' and state == 'paused' then
  if redis.call('LLEN', KEYS[3]) == 0 and redis.call('ZCARD', KEYS[4]) == 0
    and redis.call('ZCARD', KEYS[5]) == 0 then
    redis.call('HSET', KEYS[1], 'state', 'done', 'finished', ARGV[2])
    redis.call('ZREM', KEYS[2], ARGV[3])
    return {'finished', 'done'}
  end
  redis.call('HSET', KEYS[1], 'state', 'running', 'streak_n', 0, 'reason', '', 'rdetail', '')
  return {'ok', 'running'}
elseif action == 'cancel' and (state == 'running' or state == 'paused' or state == 'preparing') then
  redis.call('HSET', KEYS[1], 'state', 'cancelled', 'finished', ARGV[2], 'cancelled_by', ARGV[4])
  redis.call('ZREM', KEYS[2], ARGV[3])
  return {'ok', 'cancelled'}
end
return {'noop', state}
