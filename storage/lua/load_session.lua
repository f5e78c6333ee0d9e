-- load_session: reads a chat's session and prefs at one instant, changing
-- nothing (tools and tests look without consuming the expiry notice).
--
-- KEYS[1] session   KEYS[2] prefs
--
-- Returns {exists, ver, dialog, lang, expired} (a missing value is nil).

local exists = redis.call('EXISTS', KEYS[1])
local s = redis.call('HMGET', KEYS[1], 'ver', 'dialog')
local p = redis.call('HMGET', KEYS[2], 'lang', 'dialog')
local expired = 0
if exists == 0 and p[2] then
  expired = 1
end
return {exists, s[1], s[2], p[1], expired}
