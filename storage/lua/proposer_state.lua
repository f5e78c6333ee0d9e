-- proposer_state: what the bot must know before a user writes a proposal,
-- at one instant: the terms they accepted, and how many proposals they sent
-- in the rate window, with the time of the oldest of them.
--
-- KEYS[1] user's consent   KEYS[2] user's proposals
-- ARGV[1] start of the rate window (ms, exclusive)
--
-- Returns {version, at, lang, count, oldest} (nil for what is missing).

local c = redis.call('HMGET', KEYS[1], 'version', 'at', 'lang')
local window = '(' .. ARGV[1]
local count = redis.call('ZCOUNT', KEYS[2], window, '+inf')
local oldest = false
if count > 0 then
  oldest = redis.call('ZRANGEBYSCORE', KEYS[2], window, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)[2]
end
return {c[1], c[2], c[3], count, oldest}
