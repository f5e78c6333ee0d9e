-- forget_user: /forgetme. Withdraws the user's consent and deletes their
-- personal data in one step: the author of each of their proposals (name,
-- phone, username, user and chat ids), their list of proposals and keys,
-- their consent, the chat's session and preferences, and the chat's place
-- in the known chats and the news subscribers. The proposals themselves
-- stay, marked forgotten_at, with no link back to the user.
--
-- KEYS[1] user's proposals   KEYS[2] user's proposal keys   KEYS[3] consent
-- KEYS[4] chat's session     KEYS[5] chat's prefs
-- KEYS[6] known chats        KEYS[7] news subscribers
-- KEYS[8] notice outbox      KEYS[9] notice entries   KEYS[10] notice tries
-- KEYS[11] notice stats
-- ARGV[1] proposal key prefix   ARGV[2] chat id   ARGV[3] now (ms)
--
-- Notices still waiting for the user's proposals go too: an entry holds
-- the author's chat id, which must not outlive /forgetme. The outbox is
-- short (notices wait only while Telegram refuses them), so reading it
-- whole is cheap.
--
-- Returns the number of proposals whose author was forgotten.

local numbers = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, n in ipairs(numbers) do
  local key = ARGV[1] .. n
  redis.call('DEL', key .. ':author')
  if redis.call('EXISTS', key) == 1 then
    redis.call('HSET', key, 'forgotten_at', ARGV[3])
  end
end
local mine = {}
for _, n in ipairs(numbers) do mine[n] = true end
local entries = redis.call('HGETALL', KEYS[9])
for i = 1, #entries, 2 do
  local id, number = entries[i], string.match(entries[i + 1], '^([^|]*)|')
  if number and mine[number] then
    redis.call('HDEL', KEYS[9], id)
    redis.call('HDEL', KEYS[10], id)
    redis.call('ZREM', KEYS[8], id)
    redis.call('HINCRBY', KEYS[11], 'forgotten', 1)
  end
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call('SREM', KEYS[6], ARGV[2])
redis.call('SREM', KEYS[7], ARGV[2])
return #numbers
