-- lease_release: gives a lease up, if the owner still holds it, so that a
-- standby takes over at once instead of waiting for it to expire. Another
-- owner's lease (ours expired and was taken) is left alone.
--
-- KEYS[1] the lease
-- ARGV[1] owner
--
-- Returns 1 when the lease was released, 0 when the owner did not hold it.

if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
