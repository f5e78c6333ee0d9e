-- proposal_get: a proposal, only for the user who sent it.
--
-- KEYS[1] user's proposals
-- ARGV[1] proposal key prefix   ARGV[2] number
--
-- Returns the proposal's fields and values (HGETALL), or nil when it is not
-- the user's.

if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  return false
end
return redis.call('HGETALL', ARGV[1] .. ARGV[2])
