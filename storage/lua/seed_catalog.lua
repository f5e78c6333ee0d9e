-- seed_catalog: stores a catalog only when none is stored, so that bots
-- starting at the same time seed once and never overwrite an import.
--
-- KEYS[1] catalog   KEYS[2] catalog version
-- ARGV[1] the catalog as JSON
--
-- Returns 1 when it stored the catalog, 0 when one was there.

if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local bad = check_catalog(ARGV[1])
if bad then
  return redis.error_reply('INVALIDCATALOG ' .. bad)
end
redis.call('SET', KEYS[1], ARGV[1])
-- INCR, not SET 1: a version never goes back, even if the catalog key was
-- deleted by hand, so running bots still see a change.
redis.call('INCR', KEYS[2])
return 1
