-- proposal_submit: registers a proposal with every index entry it has, in
-- one atomic step: the body, its author, the user's list (which is also the
-- rate limit's window), the draft and text keys, the year's sequence and
-- list, the status list. Either all of it is written or none; with AOF on,
-- Redis logs the step as one transaction, so a restart never finds half a
-- proposal.
--
-- KEYS[1] user's proposals (zset number -> created ms)
-- KEYS[2] user's proposal keys (hash d:<draft id>, t:<text key> -> number)
-- KEYS[3] user's consent (hash)
-- KEYS[4] year's sequence (int)
-- KEYS[5] year's proposals (zset number -> seq)
-- KEYS[6] proposals with the new proposal's status (zset number -> created ms)
-- ARGV[1] now (ms)        ARGV[2] start of the rate window (ms, exclusive)
-- ARGV[3] limit           ARGV[4] number prefix ("AF-2026-")
-- ARGV[5] proposal key prefix ("<p>proposal:")
-- ARGV[6] draft id        ARGV[7] text key       ARGV[8] consent version
-- ARGV[9] n, the count of the body's field/value pairs that follow
-- ARGV[10 .. 9+2n] the body's pairs; the rest, the author's pairs
--
-- Returns {outcome, number or time, recent}: recent is how many proposals
-- the user has in the window now. outcome is 'created' (with the number);
-- 'sent' when this draft was registered before (its number); 'duplicate'
-- for a text the user sent before (the earlier number); 'limit' when the
-- user reached the limit (with the created ms of the oldest proposal in the
-- window); 'consent' when the user's consent is not the current one
-- (withdrawn meanwhile; '' in place of the number).

local window = '(' .. ARGV[2]
local recent = redis.call('ZCOUNT', KEYS[1], window, '+inf')
local shown = tostring(recent) -- every item of the reply is a string
if redis.call('HGET', KEYS[3], 'version') ~= ARGV[8] then
  return {'consent', '', shown}
end
local sent = redis.call('HGET', KEYS[2], 'd:' .. ARGV[6])
if sent then
  return {'sent', sent, shown}
end
local dup = redis.call('HGET', KEYS[2], 't:' .. ARGV[7])
if dup then
  return {'duplicate', dup, shown}
end
if recent >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGEBYSCORE', KEYS[1], window, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  return {'limit', oldest[2], shown}
end

local seq = redis.call('INCR', KEYS[4])
local number = ARGV[4] .. string.format('%06d', seq)
local key = ARGV[5] .. number
if redis.call('EXISTS', key) == 1 then
  -- Only a sequence reset by hand gets here: never overwrite a proposal.
  return redis.error_reply('PROPOSALEXISTS ' .. number)
end

local n = tonumber(ARGV[9])
local body = {'number', number, 'seq', seq, 'created_at', ARGV[1], 'updated_at', ARGV[1]}
for i = 10, 9 + 2 * n do
  body[#body + 1] = ARGV[i]
end
redis.call('HSET', key, unpack(body))
local author = {}
for i = 10 + 2 * n, #ARGV do
  author[#author + 1] = ARGV[i]
end
if #author > 0 then
  redis.call('HSET', key .. ':author', unpack(author))
end

redis.call('ZADD', KEYS[1], ARGV[1], number)
redis.call('HSET', KEYS[2], 'd:' .. ARGV[6], number, 't:' .. ARGV[7], number)
redis.call('ZADD', KEYS[5], seq, number)
redis.call('ZADD', KEYS[6], ARGV[1], number)
return {'created', number, tostring(recent + 1)}
