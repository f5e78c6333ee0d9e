-- schedule_fire: claims one slot of a schedule, once across every process:
-- the schedule's 'last' slot only moves forward, so of the processes that
-- see a slot due, one gets it. In the same step it records the slots that
-- were skipped (missed beyond the grace window, or folded into this one)
-- and, for a schedule that sends something, creates the broadcast job (see
-- broadcast_job.lua): a crash after the claim cannot lose the send, and a
-- restart cannot repeat it. An award series also moves to its next
-- nomination here, only if it is still at the one the caller prepared.
--
-- KEYS[1] the schedule
-- ARGV[1] prefix  ARGV[2] slot (unix s)  ARGV[3] expected nomination index
-- ('' when not an award series)  ARGV[4] slots skipped  ARGV[5] the last
-- skipped slot (unix s)  ARGV[6] '1' when no slot follows (the schedule is
-- done)  ARGV[7] now (ms)  ARGV[8] '1' to run the slot, '0' to only skip
-- ARGV[9] job origin  ARGV[10] number of job field/value arguments (0: no
-- job), then those, then the ids of recipients named at creation.
--
-- Returns {1, job id (0 without one), the previous last slot} when this
-- call claimed the slot, else {0}.

local f = redis.call('HMGET', KEYS[1], 'state', 'last', 'next_idx')
if f[1] ~= 'active' then return {0} end
local prev = tonumber(f[2] or '0')
if prev >= tonumber(ARGV[2]) then return {0} end
if ARGV[3] ~= '' and (f[3] or '0') ~= ARGV[3] then return {0} end

redis.call('HSET', KEYS[1], 'last', ARGV[2])
if tonumber(ARGV[4]) > 0 then
  redis.call('HINCRBY', KEYS[1], 'skipped', ARGV[4])
  redis.call('HSET', KEYS[1], 'last_skipped', ARGV[5])
end
if ARGV[6] == '1' then redis.call('HSET', KEYS[1], 'state', 'done') end
local job = 0
if ARGV[8] == '1' then
  redis.call('HINCRBY', KEYS[1], 'fired', 1)
  redis.call('HSET', KEYS[1], 'last_fired', ARGV[2])
  if ARGV[3] ~= '' then redis.call('HINCRBY', KEYS[1], 'next_idx', 1) end
  local n = tonumber(ARGV[10])
  if n > 0 then
    local fields, members = {}, {}
    for i = 11, 10 + n do fields[#fields + 1] = ARGV[i] end
    for i = 11 + n, #ARGV do members[#members + 1] = ARGV[i] end
    job = create_job(ARGV[1], ARGV[7], ARGV[9], fields, members)[1]
    redis.call('HSET', KEYS[1], 'last_job', job)
  end
end
return {1, job, prev}
