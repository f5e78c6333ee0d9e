-- webhook_release: an instance that is stopping gives back a chat it holds
-- and did not finish; the chat goes to the head of the ready list, since
-- its updates have waited longest.
--
-- KEYS[1] the chat's list   KEYS[2] the instance's claimed list
-- KEYS[3] ready list
-- ARGV[1] chat id
--
-- Returns 1 when the chat went back to the ready list, 0 when the instance
-- did not hold it (or its list was empty).

if redis.call('LREM', KEYS[2], 0, ARGV[1]) == 0 then
  return 0
end
if redis.call('LLEN', KEYS[1]) == 0 then
  return 0
end
redis.call('LPUSH', KEYS[3], ARGV[1])
return 1
