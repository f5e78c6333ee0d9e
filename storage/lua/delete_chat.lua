-- delete_chat: forgets a chat: its session, its prefs and its place in the
-- set of known chats, all or nothing.
--
-- KEYS[1] session   KEYS[2] prefs   KEYS[3] chats set
-- ARGV[1] chat id
--
-- Returns the number of keys and members removed.

local n = redis.call('DEL', KEYS[1], KEYS[2])
return n + redis.call('SREM', KEYS[3], ARGV[1])
