-- broadcast_unsubscribe: removes a chat's subscription and every index
-- entry of it.
--
-- KEYS[1] the chat's record  KEYS[2] subscribers:all  KEYS[3] subscribers:news
-- KEYS[4] subscribers:awards KEYS[5] subscribers:inactive
-- ARGV[1] prefix  ARGV[2] chat id
--
-- Returns 1 when there was a subscription, else 0.

local p, id = ARGV[1], ARGV[2]
local old = redis.call('HMGET', KEYS[1], 'region', 'forums')
local was = redis.call('SISMEMBER', KEYS[2], id) == 1 or redis.call('SISMEMBER', KEYS[3], id) == 1
unindex(p, id, old[1], old[2], {KEYS[2], KEYS[3], KEYS[4], KEYS[5]})
redis.call('DEL', KEYS[1])
return was and 1 or 0
