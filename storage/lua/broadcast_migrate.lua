-- broadcast_migrate: a group became a supergroup with a new chat id; its
-- subscription, its index entries and its language move to the new id.
--
-- KEYS[1] old record  KEYS[2] new record  KEYS[3] subscribers:all
-- KEYS[4] subscribers:news  KEYS[5] subscribers:awards  KEYS[6] subscribers:inactive
-- KEYS[7] old chat's prefs  KEYS[8] new chat's prefs
-- ARGV[1] prefix  ARGV[2] old id  ARGV[3] new id
--
-- Returns 1 when a subscription moved, else 0.

local p, old, new = ARGV[1], ARGV[2], ARGV[3]
local rec = redis.call('HGETALL', KEYS[1])
local sets = {KEYS[3], KEYS[4], KEYS[5], KEYS[6]}
local moved = 0
for _, k in ipairs(sets) do
  if redis.call('SREM', k, old) == 1 then
    redis.call('SADD', k, new)
    moved = 1
  end
end
if #rec > 0 then
  moved = 1
  local f = redis.call('HMGET', KEYS[1], 'region', 'forums')
  if f[1] and f[1] ~= '' and redis.call('SREM', region_key(p, f[1]), old) == 1 then
    redis.call('SADD', region_key(p, f[1]), new)
  end
  for _, fid in ipairs(split(f[2])) do
    if redis.call('SREM', forum_key(p, fid), old) == 1 then
      redis.call('SADD', forum_key(p, fid), new)
    end
  end
  redis.call('HSET', KEYS[2], unpack(rec))
  redis.call('HSET', KEYS[2], 'migrated_from', old)
  redis.call('DEL', KEYS[1])
end
local lang = redis.call('HGET', KEYS[7], 'lang')
if lang and redis.call('HEXISTS', KEYS[8], 'lang') == 0 then
  redis.call('HSET', KEYS[8], 'lang', lang)
end
return moved
