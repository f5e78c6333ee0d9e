-- broadcast_reclaim: takes back the recipients in flight in processes
-- that are gone (their heartbeat <p>bc:engine:<instance> expired: a crash,
-- kill -9), so that another process sends them. A recipient whose send
-- was under way when its process died may have been delivered: that is
-- the "at most the sends in flight twice" of the README.
--
-- KEYS[1] inflight  KEYS[2] rcpt  KEYS[3] retry
-- ARGV[1] prefix  ARGV[2] now (µs)
--
-- Returns how many recipients were taken back.

local n = 0
for _, entry in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local chat = string.match(entry, '^(-?%d+):')
  local cur = redis.call('HGET', KEYS[2], chat) or ''
  local inst, attempts = string.match(cur, '^i:([^:]+):(%d+)$')
  if not inst or redis.call('EXISTS', ARGV[1] .. 'bc:engine:' .. inst) == 0 then
    redis.call('ZREM', KEYS[1], entry)
    if inst then
      redis.call('HSET', KEYS[2], chat, 'r' .. attempts)
      redis.call('ZADD', KEYS[3], ARGV[2], entry)
      n = n + 1
    end
  end
end
return n
