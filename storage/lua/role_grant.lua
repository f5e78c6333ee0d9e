-- role_grant: an admin makes a user an organizer; the role and the audit
-- entry are written together. Granting the role to an organizer again
-- changes nothing and logs nothing.
--
-- KEYS[1] organizers (hash user id -> JSON {by, at, name})
-- KEYS[2] audit log (list)
-- ARGV[1] user id   ARGV[2] the role's record (JSON)   ARGV[3] audit entry (JSON)
--
-- Returns 1 when granted now, 0 when the user was an organizer already.

if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('RPUSH', KEYS[2], ARGV[3])
return 1
