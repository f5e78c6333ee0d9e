-- proposal_answer: an organizer gives (or replaces) the official answer to
-- a proposal. The answer, its time, the index of answered proposals and
-- the audit log change together. Once a proposal has an answer its author
-- can no longer withdraw it (proposal_withdraw checks the same field in
-- one step, so exactly one of the two wins a race); a withdrawn proposal
-- takes no answer.
--
-- KEYS[1] proposal (hash)   KEYS[2] its author (hash)
-- KEYS[3] answered proposals (zset number -> registered ms, as the status
--         lists, so the inbox counts the unanswered by ZCOUNTs)
-- KEYS[4] audit log (list)
-- ARGV[1] the answer   ARGV[2] now (ms)
-- ARGV[3] audit entry (JSON) of a first answer
-- ARGV[4] audit entry (JSON) of a replaced answer
--
-- Returns {'answered', author chat id or '', '0' first or '1' replaced},
-- {'notfound'} or {'withdrawn'}.

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
local chat = redis.call('HGET', KEYS[2], 'chat_id') or ''
return {'answered', chat, replaced}
