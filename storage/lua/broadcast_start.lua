-- broadcast_start: the recipients are fixed: a job being prepared starts
-- running with its total. A job with nobody to send to is done at once.
--
-- KEYS[1] job  KEYS[2] rcpt  KEYS[3] bc:active
-- ARGV[1] now (ms)  ARGV[2] job id
--
-- Returns {state, total}.

if redis.call('HGET', KEYS[1], 'state') ~= 'preparing' then
  local f = redis.call('HMGET', KEYS[1], 'state', 'total')
  return {f[1] or '', tonumber(f[2] or '0')}
end
local total = redis.call('HLEN', KEYS[2])
if total == 0 then
  redis.call('HSET', KEYS[1], 'state', 'done', 'total', 0, 'started', ARGV[1], 'finished', ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[2])
  return {'done', 0}
end
redis.call('HSET', KEYS[1], 'state', 'running', 'total', total, 'started', ARGV[1])
return {'running', total}
