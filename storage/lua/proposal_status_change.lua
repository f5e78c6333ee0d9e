-- proposal_status_change: an organizer moves a proposal to another status.
-- The status lists, the body's status and updated_at, and the audit log
-- change together. The caller checked the move with proposal.CanMove from
-- the status the organizer saw (ARGV[1]); the script refuses when the
-- proposal is no longer in it (another organizer, or its author, moved it
-- meanwhile), so a move is never made from a status it was not checked
-- against. The notice to the author goes into the outbox in the same step
-- (outbox_add, prepended with outbox_time).
--
-- KEYS[1] proposal (hash)          KEYS[2] its author (hash)
-- KEYS[3] list of the from status  KEYS[4] list of the to status
-- KEYS[5] audit log (list)
-- KEYS[6] prefs of the author's chat as read before the step
-- KEYS[7] notice outbox   KEYS[8] notice entries   KEYS[9] notice seq
-- ARGV[1] from status   ARGV[2] to status   ARGV[3] now (ms)
-- ARGV[4] audit entry (JSON)
-- ARGV[5] the author's chat as read before the step ('' none)
-- ARGV[6] the notice's hold (ms)
--
-- Returns {'moved', author chat id or '', notice id or ''}, {'notfound'},
-- or {'changed', current status} when it is not in the from status any
-- more.

local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return {'notfound'}
end
if status ~= ARGV[1] then
  return {'changed', status}
end
local number = redis.call('HGET', KEYS[1], 'number')
-- The lists are scored by the time of registration.
local score = redis.call('ZSCORE', KEYS[3], number) or redis.call('HGET', KEYS[1], 'created_at')
redis.call('ZREM', KEYS[3], number)
redis.call('ZADD', KEYS[4], score, number)
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'updated_at', ARGV[3])
redis.call('RPUSH', KEYS[5], ARGV[4])
local chat, notice = outbox_add(KEYS[2], KEYS[6], ARGV[5], KEYS[1], KEYS[7], KEYS[8], KEYS[9],
  number, 'status', ARGV[2], ARGV[6])
return {'moved', chat, notice}
