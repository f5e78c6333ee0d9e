-- broadcast_active: marks a subscribed chat inactive (it blocked the bot,
-- or the bot was removed from the group) or active again (it came back).
-- Chats that are not subscribed are left alone.
--
-- KEYS[1] the chat's record  KEYS[2] subscribers:all  KEYS[3] subscribers:news
-- KEYS[4] subscribers:inactive
-- ARGV[1] chat id  ARGV[2] '1' active, '0' inactive  ARGV[3] now (ms)
--
-- Returns 1 when the state changed, else 0.

local id = ARGV[1]
if redis.call('SISMEMBER', KEYS[2], id) == 0 and redis.call('SISMEMBER', KEYS[3], id) == 0 then
  return 0
end
if ARGV[2] == '1' then
  redis.call('HSET', KEYS[1], 'active', '1')
  return redis.call('SREM', KEYS[4], id)
end
redis.call('HSET', KEYS[1], 'active', '0', 'inactive_at', ARGV[3])
return redis.call('SADD', KEYS[4], id)
