-- webhook_ack: an instance finished the first update of a chat it holds.
-- Drops it from the chat's list and decides what happens to the chat, in
-- one step, so that an enqueue racing with it either finds the list empty
-- (and makes the chat ready again) or finds the chat still held.
--
-- KEYS[1] the chat's list   KEYS[2] the instance's claimed list
-- KEYS[3] ready list        KEYS[4] pending counter
-- ARGV[1] chat id   ARGV[2] "<update_id>:" of the update handled
-- ARGV[3] "1" to give the chat back to the tail of the ready list when
--         more updates wait (fairness: one busy chat does not hold a
--         worker for ever), else "0"
--
-- Returns -1 when the instance no longer holds the chat (its heartbeat
-- expired and another instance took the chat over: stop, and touch
-- nothing), 0 when the chat's list is now empty (the chat was released),
-- 1 when more updates wait and the instance keeps the chat, 2 when more
-- wait and the chat went back to the ready list.

if not redis.call('LPOS', KEYS[2], ARGV[1]) then
  return -1
end
local head = redis.call('LINDEX', KEYS[1], 0)
if head and string.sub(head, 1, #ARGV[2]) == ARGV[2] then
  redis.call('LPOP', KEYS[1])
  redis.call('DECR', KEYS[4])
end
if redis.call('LLEN', KEYS[1]) == 0 then
  redis.call('LREM', KEYS[2], 0, ARGV[1])
  return 0
end
if ARGV[3] == '1' then
  redis.call('LREM', KEYS[2], 0, ARGV[1])
  redis.call('RPUSH', KEYS[3], ARGV[1])
  return 2
end
return 1
