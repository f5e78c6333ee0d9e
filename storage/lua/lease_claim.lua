-- lease_claim: takes a lease, or keeps it, for one owner. The same step
-- serves both: a standby calls it to take the lease when nobody holds it,
-- the holder calls it every third of the lease to extend it. When the key
-- is gone while its holder still runs (Redis restarted empty, a failover
-- lost the last write), the holder takes it back unless another got it
-- first.
--
-- KEYS[1] the lease
-- ARGV[1] owner (an instance id)  ARGV[2] lease (ms)
--
-- Returns 1 when the owner holds the lease for ARGV[2] ms from now, 0 when
-- another owner holds it.

local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
