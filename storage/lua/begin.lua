-- begin: the one round trip that starts the handling of an update.
-- Marks the update as in progress and, when no other attempt holds it,
-- records the chat and reads its session, its prefs and the catalog's
-- version.
--
-- KEYS[1] update marker   KEYS[2] session   KEYS[3] prefs
-- KEYS[4] catalog version KEYS[5] chats set
-- ARGV[1] in-progress TTL (ms): the attempt's time limit and a margin
-- ARGV[2] chat id         ARGV[3] session TTL (ms)
-- ARGV[4] attempt: a token of this handling of the update
-- ARGV[5] the alive keys' prefix (the instance of a token follows it)
--
-- Returns {1} for an update handled before (the marker is "done", or "1",
-- the done marker of the days before tokens), {2, pttl} while another
-- attempt holds it (pttl: ms until its marker expires), else
-- {0, exists, ver, dialog, lang, expired, catalog version}
-- (a missing value is nil).
--
-- The marker has two states. In progress, it holds the attempt's token for
-- the attempt's time limit and a margin, so a live attempt always ends
-- before its marker can expire, and one cut off by a crash frees the
-- update for a redelivery once the marker expires. Done ("done", PX
-- DedupTTL) is written by save_session or finish_update.
--
-- A retry of the same attempt (Redis ran the script, then the connection
-- broke before the reply arrived) finds its own token and goes on instead
-- of taking its own mark for another attempt; its TTL starts again, as the
-- attempt's time limit only starts once Begin answers.
--
-- Busy changes nothing: the chat's session is not touched, and the
-- expired-dialog notice stays for the attempt that will handle the update.

if not redis.call('SET', KEYS[1], ARGV[4], 'NX', 'PX', ARGV[1]) then
  local mark = redis.call('GET', KEYS[1])
  if mark == 'done' or mark == '1' then
    return {1}
  end
  if mark ~= ARGV[4] then
    -- Another attempt. Its process is named in its token: when that
    -- process's alive key is gone, the attempt died with it (kill -9, or
    -- a stop whose time ran out): take the update over now rather than
    -- when the marker expires. A token without a process waits.
    local owner = string.match(mark, '^(.+)/')
    if not owner or redis.call('EXISTS', ARGV[5] .. owner) == 1 then
      return {2, redis.call('PTTL', KEYS[1])}
    end
    redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[1])
  else
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
  end
end
redis.call('SADD', KEYS[5], ARGV[2])

local exists = redis.call('EXISTS', KEYS[2])
local ver, dialog = false, false
if exists == 1 then
  local s = redis.call('HMGET', KEYS[2], 'ver', 'dialog')
  ver, dialog = s[1], s[2]
  -- The chat is active: measure idleness from now, not from the last Save,
  -- so the session cannot expire between this read and the Save.
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
local p = redis.call('HMGET', KEYS[3], 'lang', 'dialog')

-- A dialog marker without a session: the session idled out mid-dialog.
-- Report it once: the marker is dropped here, in the same step that tells.
local expired = 0
if exists == 0 and p[2] then
  expired = 1
  redis.call('HDEL', KEYS[3], 'dialog')
end

return {0, exists, ver, dialog, p[1], expired, redis.call('GET', KEYS[4])}
