-- broadcast_claim: hands a sender process the next recipients of a running
-- job, each with the instant (its slot) at which it may be sent, so that
-- every process on this Redis together keeps to the rate limits:
--   * the global rate: slots are interval µs apart, over every job and
--     process (KEYS[6] holds the next free slot);
--   * one chat: at least ARGV[7] µs between two messages to it;
--   * one group (negative id): at most ARGV[9] messages in ARGV[8] µs.
-- A recipient whose chat is not free yet goes to the retry set for when it
-- is. Each recipient handed out is marked in flight by this process
-- ('i:<instance>:<attempts>') and listed in :inflight, so that a process
-- that dies with it is found (broadcast_reclaim).
--
-- KEYS[1] job  KEYS[2] pending  KEYS[3] retry  KEYS[4] inflight  KEYS[5] rcpt
-- KEYS[6] bc:rate  KEYS[7] bc:pause
-- ARGV[1] prefix  ARGV[2] now (µs)  ARGV[3] most recipients to hand out
-- ARGV[4] interval (µs)  ARGV[5] horizon (µs): hand out slots up to now+horizon
-- ARGV[6] instance id  ARGV[7] chat gap (µs)  ARGV[8] group window (µs)
-- ARGV[9] group limit
--
-- Returns {'ok', entry, slot, attempts spent, entry, slot, attempts, ...}, {'pause', until µs} while
-- Telegram's flood control holds, {'wait', µs} when the slots up to the
-- horizon are taken, or {'state', state} when the job is not running.

local function int(x) return string.format('%d', x) end

local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'running' then return {'state', state or ''} end
local now = tonumber(ARGV[2])
local pause = tonumber(redis.call('GET', KEYS[7]) or '0')
if pause > now then return {'pause', int(pause)} end
local tat = tonumber(redis.call('GET', KEYS[6]) or '0')
if tat < now then tat = now end
local horizon = now + tonumber(ARGV[5])
if tat > horizon then return {'wait', int(tat - horizon)} end

local p = ARGV[1]
local max, interval = tonumber(ARGV[3]), tonumber(ARGV[4])
local gap, window, glimit = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local out = {'ok'}
local n, tries = 0, 0
while n < max and tat <= horizon and tries < 2 * max do
  tries = tries + 1
  local entry = false
  local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 1)
  if due[1] then
    entry = due[1]
    redis.call('ZREM', KEYS[3], entry)
  else
    entry = redis.call('LPOP', KEYS[2])
  end
  if not entry then break end
  local chat = string.match(entry, '^(-?%d+):')
  local ckey = p .. 'rl:chat:' .. chat
  local free = tonumber(redis.call('GET', ckey) or '0')
  local gkey = false
  if free <= tat and string.sub(chat, 1, 1) == '-' then
    gkey = p .. 'rl:group:' .. chat
    while true do
      local first = redis.call('LINDEX', gkey, 0)
      if not first or tonumber(first) > tat - window then break end
      redis.call('LPOP', gkey)
    end
    if redis.call('LLEN', gkey) >= glimit then
      free = tonumber(redis.call('LINDEX', gkey, 0)) + window
    end
  end
  if free > tat then
    -- The chat is not free at this slot: back for when it is.
    redis.call('ZADD', KEYS[3], int(free), entry)
  else
    local cur = redis.call('HGET', KEYS[5], chat) or 'p'
    local attempts = string.match(cur, '^r(%d+)$') or '0'
    redis.call('HSET', KEYS[5], chat, 'i:' .. ARGV[6] .. ':' .. attempts)
    redis.call('ZADD', KEYS[4], int(tat), entry)
    redis.call('SET', ckey, int(tat + gap), 'PX', int(math.floor((tat + gap - now) / 1000) + 1000))
    if gkey then
      redis.call('RPUSH', gkey, int(tat))
      redis.call('PEXPIRE', gkey, int(math.floor((tat + window - now) / 1000) + 1000))
    end
    out[#out + 1] = entry
    out[#out + 1] = int(tat)
    out[#out + 1] = attempts
    n = n + 1
    tat = tat + interval
  end
end
redis.call('SET', KEYS[6], int(tat), 'PX', int(math.floor((tat - now) / 1000) + 60000))
return out
