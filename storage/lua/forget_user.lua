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
-- ARGV[1] proposal key prefix   ARGV[2] chat id   ARGV[3] now (ms)
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
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call('SREM', KEYS[6], ARGV[2])
redis.call('SREM', KEYS[7], ARGV[2])
return #numbers
