-- broadcast_fill: fixes one page of a job's recipients while the job is
-- being prepared: each eligible member of the audience gets state 'p' and
-- an entry 'chat:lang' in the pending list. Run page after page until the
-- cursor is 0; running a page twice (a crash, two processes) adds nobody
-- twice. In count mode nothing is written: it counts the audience.
--
-- KEYS[1] job ('' key in count mode is never read)  KEYS[2] source set
-- KEYS[3] pending  KEYS[4] rcpt  KEYS[5] subscribers:inactive
-- KEYS[6] filter set (read only when ARGV[6] is '1')
-- ARGV[1] prefix  ARGV[2] cursor  ARGV[3] page size  ARGV[4] default lang
-- ARGV[5] wanted lang ('' any)  ARGV[6] '1' to require the filter set
-- ARGV[7] 'count' or 'fill'
--
-- Returns {next cursor, added (or counted)}; {'0', -1} when the job is not
-- being prepared any more.

local count_only = ARGV[7] == 'count'
if not count_only and redis.call('HGET', KEYS[1], 'state') ~= 'preparing' then
  return {'0', -1}
end
local filter = ''
if ARGV[6] == '1' then filter = KEYS[6] end
local n = 0
local take
if count_only then
  take = function(id, lang) n = n + 1 end
else
  take = function(id, lang)
    if redis.call('HSETNX', KEYS[4], id, 'p') == 1 then
      redis.call('RPUSH', KEYS[3], id .. ':' .. lang)
      n = n + 1
    end
  end
end
local next = scan_audience(ARGV[1], KEYS[2], KEYS[5], filter, ARGV[2], tonumber(ARGV[3]),
  ARGV[4], ARGV[5], take)
return {next, n}
