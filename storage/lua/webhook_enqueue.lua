-- webhook_enqueue: queues one update Telegram posted to the webhook, once.
-- The answer 200 is given only after this step returned: the update is then
-- in Redis (on disk with appendfsync always), whichever replica handles it.
--
-- KEYS[1] queued marker of the update   KEYS[2] the chat's list
-- KEYS[3] ready list                    KEYS[4] pending counter
-- ARGV[1] marker TTL (ms)   ARGV[2] item "<update_id>:<update JSON>"
-- ARGV[3] chat id
--
-- Returns 1 when queued, 0 when the update was queued before (Telegram
-- sent it again: it is not queued twice).

if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  return 0
end
-- A chat whose list was empty is in no ready or claimed list (webhook_ack
-- takes it out of its claimed list in the step that empties the list):
-- make it ready. Otherwise whoever holds it, or the ready list, has it.
if redis.call('RPUSH', KEYS[2], ARGV[2]) == 1 then
  redis.call('RPUSH', KEYS[3], ARGV[3])
end
redis.call('INCR', KEYS[4])
return 1
