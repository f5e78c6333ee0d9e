-- proposal_status_index: brings the inbox's indexes of what never changes
-- in a proposal (its region, category and forum) up to date: every
-- proposal registered since the last call is added to the index of its
-- region, of its category and of its forum. proposal_submit registers
-- proposals without them; this step catches up, each proposal once, in
-- the order of the year's sequence, before an inbox filtered by them.
--
-- KEYS: for each year, its proposals (zset number -> seq) then its index
--       mark (string: the last sequence number indexed)
-- ARGV[1] proposal key prefix ("<p>proposal:")
-- ARGV[2] index key prefix ("<p>proposals:attr:"); the indexes are
--         <prefix>region:<code>, <prefix>category:<category> and
--         <prefix>forum:<id>, zsets number -> registered ms
-- ARGV[3] the most proposals to index in this call, so that catching up
--         with many never holds Redis for long: the caller calls again
--         while the answer is this many
--
-- Returns how many proposals it indexed.

local indexed, limit = 0, tonumber(ARGV[3])
for y = 1, #KEYS, 2 do
  local mark = tonumber(redis.call('GET', KEYS[y + 1]) or '0')
  local new = redis.call('ZRANGEBYSCORE', KEYS[y], '(' .. mark, '+inf', 'WITHSCORES', 'LIMIT', 0, limit - indexed)
  for j = 1, #new, 2 do
    local number = new[j]
    local f = redis.call('HMGET', ARGV[1] .. number, 'region', 'category', 'forum', 'created_at')
    if f[4] then
      if f[1] then
        redis.call('ZADD', ARGV[2] .. 'region:' .. f[1], f[4], number)
      end
      if f[2] then
        redis.call('ZADD', ARGV[2] .. 'category:' .. f[2], f[4], number)
      end
      if f[3] then
        redis.call('ZADD', ARGV[2] .. 'forum:' .. f[3], f[4], number)
      end
    end
    mark = math.max(mark, tonumber(new[j + 1]))
    indexed = indexed + 1
  end
  if #new > 0 then
    redis.call('SET', KEYS[y + 1], string.format('%d', mark))
  end
  if indexed >= limit then
    break
  end
end
return indexed
