-- role_revoke: an admin takes the organizer role away; the role and the
-- audit entry change together. Revoking a role the user does not have
-- changes nothing and logs nothing.
--
-- KEYS[1] organizers (hash)   KEYS[2] audit log (list)
-- ARGV[1] user id   ARGV[2] audit entry (JSON)
--
-- Returns 1 when revoked now, 0 when the user was not an organizer.

if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('RPUSH', KEYS[2], ARGV[2])
return 1
