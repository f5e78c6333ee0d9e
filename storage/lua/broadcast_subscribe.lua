-- broadcast_subscribe: sets a chat's subscription as a whole: its topics
-- (announcements, awards, reminders of forums), its region and language,
-- and every index set that follows from them. Subscribing makes the chat
-- active again (it came back after blocking the bot). A subscription with
-- no topic left is removed entirely.
--
-- KEYS[1] the chat's record    KEYS[2] subscribers:all
-- KEYS[3] subscribers:news (announcements)   KEYS[4] subscribers:awards
-- KEYS[5] subscribers:inactive
-- ARGV[1] prefix  ARGV[2] chat id  ARGV[3] lang  ARGV[4] region ('' none)
-- ARGV[5] announcements 0/1  ARGV[6] awards 0/1  ARGV[7] forums 'a,b'
-- ARGV[8] now (ms)   ARGV[9] '1' for a group chat
--
-- Returns 1 when the chat had no subscription before, else 0.

local p, id = ARGV[1], ARGV[2]
local old = redis.call('HMGET', KEYS[1], 'region', 'forums')
local was = redis.call('SISMEMBER', KEYS[2], id) == 1 or redis.call('SISMEMBER', KEYS[3], id) == 1
unindex(p, id, old[1], old[2], {KEYS[2], KEYS[3], KEYS[4], KEYS[5]})

local forums = split(ARGV[7])
if ARGV[5] ~= '1' and ARGV[6] ~= '1' and #forums == 0 then
  redis.call('DEL', KEYS[1])
  return was and 0 or 1
end

if ARGV[5] == '1' then redis.call('SADD', KEYS[3], id) end
if ARGV[6] == '1' then redis.call('SADD', KEYS[4], id) end
for _, f in ipairs(forums) do redis.call('SADD', forum_key(p, f), id) end
if ARGV[4] ~= '' then redis.call('SADD', region_key(p, ARGV[4]), id) end
redis.call('SADD', KEYS[2], id)
if redis.call('HEXISTS', KEYS[1], 'since') == 0 then
  redis.call('HSET', KEYS[1], 'since', ARGV[8])
end
redis.call('HSET', KEYS[1], 'lang', ARGV[3], 'region', ARGV[4], 'ann', ARGV[5],
  'awd', ARGV[6], 'forums', ARGV[7], 'active', '1', 'group', ARGV[9])
return was and 0 or 1
