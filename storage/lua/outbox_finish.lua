-- outbox_finish: records what became of a claimed notice. A final outcome
-- (sent, blocked, failed, forgotten, expired) deletes the notice and counts
-- it, whoever holds the claim now: once Telegram took the message, nobody
-- must send it again. 'retry' puts it back after a delay, only while the
-- caller's claim is the latest (a sender whose lease ran out must not
-- shorten its successor's).
--
-- KEYS[1] outbox   KEYS[2] entries   KEYS[3] tries   KEYS[4] stats
-- ARGV[1] id   ARGV[2] the claim's tries   ARGV[3] outcome
-- ARGV[4] delay before the next claim (ms), for 'retry'
--
-- Returns 1 when it changed the notice, 0 when it was gone or claimed
-- again meanwhile.

if ARGV[3] == 'retry' then
  if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then
    return 0
  end
  local now = outbox_now()
  redis.call('ZADD', KEYS[1], outbox_ms(now + tonumber(ARGV[4])), ARGV[1])
  return 1
end
if redis.call('HDEL', KEYS[2], ARGV[1]) == 0 then
  return 0
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HINCRBY', KEYS[4], ARGV[3], 1)
return 1
