-- webhook_reap: gives the chats an instance holds back to the head of the
-- ready list, in the order it claimed them, and forgets the instance. Run
-- by every instance for the others whose heartbeat expired (a crash), and
-- by an instance for itself as its last step of a stop.
--
-- KEYS[1] the instance's heartbeat   KEYS[2] its claimed list
-- KEYS[3] ready list                 KEYS[4] set of instances
-- ARGV[1] instance id   ARGV[2] "1": the instance itself is leaving (its
--         heartbeat is deleted), "0": only if its heartbeat expired
--
-- Returns the number of chats given back, or -1 when the instance is alive.

if ARGV[2] ~= '1' and redis.call('EXISTS', KEYS[1]) == 1 then
  return -1
end
local n = 0
while redis.call('LMOVE', KEYS[2], KEYS[3], 'RIGHT', 'LEFT') do
  n = n + 1
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[4], ARGV[1])
return n
