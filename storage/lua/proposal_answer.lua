-- proposal_answer: an organizer gives (or replaces) the official answer to
-- a proposal. The answer, its time, the index of answered proposals and
-- the audit log change together. Once a proposal has an answer its author
-- can no longer withdraw it (proposal_withdraw checks the same field in
-- one step, so exactly one of the two wins a race); a withdrawn proposal
-- takes no answer. The notice to the author goes into the outbox in the
-- same step (outbox_add, prepended with outbox_time).
--
-- KEYS[1] proposal (hash)   KEYS[2] its author (hash)
-- KEYS[3] answered proposals (zset number -> registered ms, as the status
--         lists, so the inbox counts the unanswered by ZCOUNTs)
-- KEYS[4] audit log (list)
-- KEYS[5] prefs of the author's chat as read before the step
-- KEYS[6] notice outbox   KEYS[7] notice entries   KEYS[8] notice seq
-- ARGV[1] the answer   ARGV[2] now (ms)
-- ARGV[3] audit entry (JSON) of a first answer
-- ARGV[4] audit entry (JSON) of a replaced answer
-- ARGV[5] the author's chat as read before the step ('' none)
-- ARGV[6] the notice's hold (ms)
--
-- Returns {'answered', author chat id or '', '0' first or '1' replaced,
-- notice id or ''}, {'notfound'} or {'withdrawn'}.

local p = redis.call('HMGET', KEYS[1], 'number', 'status', 'answer', 'created_at')
local number, status, previous, created = p[1], p[2], p[3], p[4]
if not number or not status then
  return {'notfound'}
end
if status == 'withdrawn' then
  return {'withdrawn'}
end
local replaced = '0'
local entry = ARGV[3]
if previous and previous ~= '' then
  replaced = '1'
  entry = ARGV[4]
end
redis.call('HSET', KEYS[1], 'answer', ARGV[1], 'answered_at', ARGV[2], 'updated_at', ARGV[2])
redis.call('ZADD', KEYS[3], created, number)
redis.call('RPUSH', KEYS[4], entry)
local chat, notice = outbox_add(KEYS[2], KEYS[5], ARGV[5], KEYS[1], KEYS[6], KEYS[7], KEYS[8],
  number, 'answer', status, ARGV[6])
return {'answered', chat, replaced, notice}
