-- broadcast_done: records what became of one recipient a process had in
-- flight, in the same step as the counters, so a crash between the two
-- cannot count a recipient twice or lose one.
--
-- Outcomes (ARGV[2]):
--   sent     delivered
--   blocked  403: the user blocked the bot (the caller marks the
--            subscriber inactive); no retry
--   failed   a permanent error (400), ARGV[4] its description; after
--            ARGV[6] identical ones in a row the job pauses
--   retry    5xx or network: again at ARGV[5] (µs), failed after ARGV[7]
--            attempts in all
--   limited  429: again at ARGV[5]; every sender pauses until then
--   release  claimed but not sent (the process stops, the job paused): back
--            to the queue at ARGV[5], no attempt spent
--   migrate  the group became a supergroup ARGV[4]: the new id is queued
--
-- A process whose recipient was taken back in the meantime
-- (broadcast_reclaim) gets 'stale' and changes nothing, except that a
-- delivery is still recorded and the recipient taken off the queue, so it
-- is not sent again.
--
-- KEYS[1] job  KEYS[2] rcpt  KEYS[3] inflight  KEYS[4] retry  KEYS[5] pending
-- KEYS[6] errors  KEYS[7] bc:active  KEYS[8] bc:pause
-- ARGV[1] entry 'chat:lang'  ARGV[2] outcome  ARGV[3] instance id
-- ARGV[4] detail  ARGV[5] not before (µs)  ARGV[6] error limit
-- ARGV[7] most attempts  ARGV[8] now (ms)  ARGV[9] keep finished jobs (ms)
-- ARGV[10] job id
--
-- Returns {result, state, total, sent, blocked, failed}: result is 'ok',
-- 'stale', 'paused' (this call paused the job) or 'finished' (this call
-- finished it).

local entry, outcome, inst = ARGV[1], ARGV[2], ARGV[3]
local chat, lang = string.match(entry, '^(-?%d+):(.*)$')
local cur = redis.call('HGET', KEYS[2], chat)
local owner, attempts = false, 0
if cur then
  owner, attempts = string.match(cur, '^i:([^:]+):(%d+)$')
  attempts = tonumber(attempts or '0')
end
local result = 'ok'

local function counters()
  local f = redis.call('HMGET', KEYS[1], 'state', 'total', 'sent', 'blocked', 'failed')
  return {result, f[1] or '', tonumber(f[2] or '0'), tonumber(f[3] or '0'),
    tonumber(f[4] or '0'), tonumber(f[5] or '0')}
end

if owner ~= inst then
  if outcome ~= 'sent' or not cur or cur == 's' or cur == 'b' or cur == 'f' or cur == 'm' then
    redis.call('ZREM', KEYS[3], entry)
    result = 'stale'
    return counters()
  end
  -- Taken back while this process was delivering it: keep the delivery.
  redis.call('LREM', KEYS[5], 1, entry)
  redis.call('ZREM', KEYS[4], entry)
end
redis.call('ZREM', KEYS[3], entry)

local function fail(desc)
  redis.call('HSET', KEYS[2], chat, 'f')
  redis.call('HINCRBY', KEYS[1], 'failed', 1)
  redis.call('HINCRBY', KEYS[6], desc, 1)
  local streak = 1
  if redis.call('HGET', KEYS[1], 'streak_d') == desc then
    streak = redis.call('HINCRBY', KEYS[1], 'streak_n', 1)
  else
    redis.call('HSET', KEYS[1], 'streak_d', desc, 'streak_n', 1)
  end
  if streak >= tonumber(ARGV[6]) and redis.call('HGET', KEYS[1], 'state') == 'running' then
    redis.call('HSET', KEYS[1], 'state', 'paused', 'reason', 'errors', 'rdetail', desc)
    result = 'paused'
  end
end

if outcome == 'sent' then
  redis.call('HSET', KEYS[2], chat, 's')
  redis.call('HINCRBY', KEYS[1], 'sent', 1)
  redis.call('HSET', KEYS[1], 'streak_n', 0)
elseif outcome == 'blocked' then
  redis.call('HSET', KEYS[2], chat, 'b')
  redis.call('HINCRBY', KEYS[1], 'blocked', 1)
elseif outcome == 'failed' then
  fail(ARGV[4])
elseif outcome == 'retry' then
  if attempts + 1 >= tonumber(ARGV[7]) then
    fail(ARGV[4])
  else
    redis.call('HSET', KEYS[2], chat, 'r' .. (attempts + 1))
    redis.call('ZADD', KEYS[4], ARGV[5], entry)
  end
elseif outcome == 'limited' or outcome == 'release' then
  redis.call('HSET', KEYS[2], chat, 'r' .. attempts)
  redis.call('ZADD', KEYS[4], ARGV[5], entry)
  if outcome == 'limited' then
    local until_ = tonumber(ARGV[5])
    if tonumber(redis.call('GET', KEYS[8]) or '0') < until_ then
      redis.call('SET', KEYS[8], ARGV[5], 'PX', string.format('%d', math.max(math.floor(until_ / 1000 - tonumber(ARGV[8])), 0) + 1000))
    end
  end
elseif outcome == 'migrate' then
  redis.call('HSET', KEYS[2], chat, 'm')
  if redis.call('HSETNX', KEYS[2], ARGV[4], 'p') == 1 then
    redis.call('RPUSH', KEYS[5], ARGV[4] .. ':' .. lang)
  end
else
  return redis.error_reply('unknown outcome ' .. outcome)
end

local state = redis.call('HGET', KEYS[1], 'state')
if (state == 'running' or state == 'paused')
  and redis.call('LLEN', KEYS[5]) == 0 and redis.call('ZCARD', KEYS[4]) == 0
  and redis.call('ZCARD', KEYS[3]) == 0 then
  redis.call('HSET', KEYS[1], 'state', 'done', 'finished', ARGV[8])
  redis.call('ZREM', KEYS[7], ARGV[10])
  for i = 2, 6 do redis.call('PEXPIRE', KEYS[i], ARGV[9]) end
  redis.call('PEXPIRE', KEYS[1], ARGV[9])
  result = 'finished'
end
return counters()
