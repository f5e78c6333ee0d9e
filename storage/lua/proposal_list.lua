-- proposal_list: one page of a user's proposals, newest first, read at one
-- instant.
--
-- KEYS[1] user's proposals
-- ARGV[1] proposal key prefix   ARGV[2] first index   ARGV[3] last index
--
-- Returns {total, number, title, status, created_at, answer, number, ...};
-- a missing field is ''.

local out = {redis.call('ZCARD', KEYS[1])}
for _, n in ipairs(redis.call('ZREVRANGE', KEYS[1], ARGV[2], ARGV[3])) do
  local f = redis.call('HMGET', ARGV[1] .. n, 'title', 'status', 'created_at', 'answer')
  out[#out + 1] = n
  for i = 1, 4 do
    out[#out + 1] = f[i] or ''
  end
end
return out
