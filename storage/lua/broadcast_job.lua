-- broadcast_job: functions shared by the scripts that create a broadcast
-- job (broadcast_create, schedule_fire) and those that pick its recipients
-- (broadcast_fill). Prepended to each: scripts cannot call each other.
--
-- A job is <p>bc:<id> (hash) with <p>bc:<id>:pending (list of 'chat:lang'),
-- :retry (zset entry -> not before, µs), :inflight (zset entry -> slot, µs),
-- :rcpt (hash chat -> state), :errors (hash description -> count) and :src
-- (set: the recipients named at creation, for the organizers audience).

local function job_key(p, id) return p .. 'bc:' .. id end

-- create_job makes job <p>bc:<new id> from field/value pairs, in state
-- 'preparing', and lists it as active. With an origin (a schedule's slot,
-- an award, a reminder) the job is made once: a second call with the same
-- origin returns the first job's id and created = 0.
local function create_job(p, now, origin, fields, members)
  local okey = p .. 'bc:origin:' .. origin
  if origin ~= '' then
    local existing = redis.call('GET', okey)
    if existing then return {tonumber(existing), 0} end
  end
  local id = redis.call('INCR', p .. 'bc:seq')
  local key = job_key(p, id)
  redis.call('HSET', key, unpack(fields))
  redis.call('HSET', key, 'id', id, 'state', 'preparing', 'created', now,
    'total', 0, 'sent', 0, 'blocked', 0, 'failed', 0, 'origin', origin, 'gen', 1)
  if #members > 0 then redis.call('SADD', key .. ':src', unpack(members)) end
  redis.call('ZADD', p .. 'bc:active', id, id)
  redis.call('ZADD', p .. 'bc:all', id, id)
  -- Kept 90 days: every slot, reminder and award is made long before that
  -- (the schedules' own claims guard them after it).
  if origin ~= '' then redis.call('SET', okey, id, 'EX', 7776000) end
  return {id, 1}
end

-- lang_of is the language a recipient reads: the one the chat chose with
-- the bot (its prefs), else the one it subscribed in, else the default.
local function lang_of(p, id, default)
  local l = redis.call('HGET', p .. 'chat:' .. id .. ':prefs', 'lang')
  if not l or l == '' then l = redis.call('HGET', p .. 'subscriber:' .. id, 'lang') end
  if not l or l == '' then l = default end
  return l
end

-- scan_audience walks one SSCAN page of source and calls take(id, lang)
-- for each member that is active, in filter (when given) and speaks
-- want_lang (when given). Returns the next cursor.
local function scan_audience(p, source, inactive, filter, cursor, count, default, want_lang, take)
  local page = redis.call('SSCAN', source, cursor, 'COUNT', count)
  for _, id in ipairs(page[2]) do
    if redis.call('SISMEMBER', inactive, id) == 0
      and (filter == '' or redis.call('SISMEMBER', filter, id) == 1) then
      local lang = lang_of(p, id, default)
      if want_lang == '' or lang == want_lang then take(id, lang) end
    end
  end
  return page[1]
end
