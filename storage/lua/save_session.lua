-- save_session: writes only what an update changed in a chat's session, so
-- updates of one chat handled at once by several processes merge field by
-- field instead of the last one overwriting the others.
--
-- KEYS[1] session   KEYS[2] prefs
-- KEYS[3] the marker of the update the session was begun for (absent for a
--         session loaded without an update): marked done here, in the same
--         step, so an update whose changes are saved is never handled again
-- ARGV[1] session TTL (ms)
-- ARGV[2] '1' when the language changed, ARGV[3] the language ('' = none)
-- ARGV[4] '1' when the dialog changed,   ARGV[5] its step ('' = idle),
-- ARGV[6] step and data as one JSON value ('' = none)
-- ARGV[7] dedup TTL (ms), with KEYS[3]
--
-- Returns the session's new version.

local ver = redis.call('HINCRBY', KEYS[1], 'ver', 1)

if ARGV[2] == '1' then
  if ARGV[3] == '' then
    redis.call('HDEL', KEYS[2], 'lang')
  else
    redis.call('HSET', KEYS[2], 'lang', ARGV[3])
  end
end

if ARGV[4] == '1' then
  if ARGV[6] == '' then
    redis.call('HDEL', KEYS[1], 'dialog')
  else
    redis.call('HSET', KEYS[1], 'dialog', ARGV[6])
  end
  -- The durable marker follows the step, so that it outlives the session
  -- exactly when a dialog was active.
  if ARGV[5] == '' then
    redis.call('HDEL', KEYS[2], 'dialog')
  else
    redis.call('HSET', KEYS[2], 'dialog', ARGV[5])
  end
end

redis.call('PEXPIRE', KEYS[1], ARGV[1])
if KEYS[3] then
  redis.call('SET', KEYS[3], 'done', 'PX', ARGV[7])
end
return ver
