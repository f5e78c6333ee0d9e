-- replace_catalog: stores a new catalog and bumps its version in one step,
-- so a bot never reads a new catalog with an old version or the reverse, and
-- a rejected catalog leaves the stored one untouched.
--
-- KEYS[1] catalog   KEYS[2] catalog version
-- ARGV[1] the catalog as JSON
--
-- Returns the new version.

local bad = check_catalog(ARGV[1])
if bad then
  return redis.error_reply('INVALIDCATALOG ' .. bad)
end
redis.call('SET', KEYS[1], ARGV[1])
return redis.call('INCR', KEYS[2])
