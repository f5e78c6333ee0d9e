-- proposal_status_list: the organizers' inbox. Reads the proposals asked
-- for, oldest registration first (the earliest deadline first), at one
-- instant, keeps those that pass the filters and returns one page of them
-- with the counts the inbox shows.
--
-- KEYS[1..n]  status lists (zset number -> registered ms) to read
-- KEYS[n+1]   answered proposals (zset number -> registered ms)
-- KEYS[n+2..] indexes of the region, category or forum asked for (zsets
--             number -> registered ms, proposal_status_index), if any
-- ARGV[1] proposal key prefix   ARGV[2] n
-- ARGV[3] lowest registration ms (inclusive, or '-inf')
-- ARGV[4] registration ms to stay below ('(ms', or '+inf')
-- ARGV[5] '1': only proposals that owe an answer (none yet, not withdrawn)
-- ARGV[6] offset of the page   ARGV[7] its length (-1: every match)
-- ARGV[8] registered before this ms and unanswered: overdue
-- ARGV[9] registered before this ms and unanswered: due soon (or overdue)
-- ARGV[10] '1': the page holds numbers only
-- ARGV[11] '1': KEYS[1..n] are every status but withdrawn (and withdrawn,
--          when it is there)
-- ARGV[12..11+n] the statuses of KEYS[1..n], in order
--
-- Returns {total, overdue, soon, item...}: total matches; among them, how
-- many unanswered, not withdrawn ones are overdue and how many due soon
-- (not overdue). An item is a number, or with ARGV[10] ~= '1' five
-- values: number, registered ms, status, title, '1' when answered.
--
-- Cost. Over every status without a region, category or forum (the inbox
-- as it opens), the counts are ZCOUNTs and the page a merge of the lists
-- that stops at the page's end: O(log N + offset). With a region,
-- category or forum, the smallest of their indexes is read: O(its size).
-- One status alone: O(the size of its list).

local prefix = ARGV[1]
local n = tonumber(ARGV[2])
local answered = KEYS[n + 1]
local lo, hi = ARGV[3], ARGV[4]
local unanswered = ARGV[5] == '1'
local offset, count = tonumber(ARGV[6]), tonumber(ARGV[7])
local overdueBefore, soonBefore = tonumber(ARGV[8]), tonumber(ARGV[9])
local brief = ARGV[10] == '1'
local complete = ARGV[11] == '1'
local status, wanted = {}, {}
for i = 1, n do
  status[i] = ARGV[11 + i]
  wanted[status[i]] = true
end
local attrs = {}
for k = n + 2, #KEYS do
  attrs[#attrs + 1] = KEYS[k]
end
local loV = lo == '-inf' and -math.huge or tonumber(lo)
local hiV = hi == '+inf' and math.huge or tonumber((string.gsub(hi, '%(', '')))

local function before(a, b)
  if a[2] ~= b[2] then
    return a[2] < b[2]
  end
  return a[1] < b[1]
end

-- The withdrawn list is scored by the time of withdrawal
-- (proposal_withdraw), not of registration: it is read whole and put in
-- order of registration here (few proposals are withdrawn).
local function withdrawnList(i)
  local items = {}
  for _, num in ipairs(redis.call('ZRANGE', KEYS[i], 0, -1)) do
    local created = tonumber(redis.call('HGET', prefix .. num, 'created_at') or '0')
    if created >= loV and created < hiV then
      items[#items + 1] = {num, created}
    end
  end
  table.sort(items, before)
  local buf = {}
  for _, it in ipairs(items) do
    buf[#buf + 1] = it[1]
    buf[#buf + 1] = it[2]
  end
  return buf
end

local total, overdue, soon = 0, 0, 0
local matches = {} -- {number, registered ms, status, answered}, in order
local last = offset + count -- exclusive; count -1 reads every match

-- counted: a match, into the counts.
local function counted(score, st, isAnswered)
  if not isAnswered and st ~= 'withdrawn' then
    if score < overdueBefore then
      overdue = overdue + 1
    elseif score < soonBefore then
      soon = soon + 1
    end
  end
end

if #attrs > 0 then
  -- The smallest index, checked against the others, the status and the
  -- answered ones.
  local small, size = 1, redis.call('ZCARD', attrs[1])
  for k = 2, #attrs do
    local c = redis.call('ZCARD', attrs[k])
    if c < size then
      small, size = k, c
    end
  end
  local list = redis.call('ZRANGEBYSCORE', attrs[small], lo, hi, 'WITHSCORES')
  for j = 1, #list, 2 do
    local number = list[j]
    local ok = true
    for k = 1, #attrs do
      if ok and k ~= small and not redis.call('ZSCORE', attrs[k], number) then
        ok = false
      end
    end
    local st = ok and redis.call('HGET', prefix .. number, 'status')
    if st and wanted[st] then
      local isAnswered = redis.call('ZSCORE', answered, number) ~= false
      if not (unanswered and (isAnswered or st == 'withdrawn')) then
        local score = tonumber(list[j + 1])
        matches[#matches + 1] = {number, score, st, isAnswered}
        counted(score, st, isAnswered)
      end
    end
  end
  total = #matches
elseif complete then
  -- Counts without reading a proposal: every answered one is in one of
  -- the lists and none is withdrawn.
  local function range(a, b)
    local l, h = lo, hi
    if a and a > loV then
      l = string.format('%d', a)
    end
    if b and b <= hiV then
      h = '(' .. string.format('%d', b)
    end
    return l, h
  end
  local function owing(a, b)
    local l, h = range(a, b)
    local c = 0
    for i = 1, n do
      if status[i] ~= 'withdrawn' then
        c = c + redis.call('ZCOUNT', KEYS[i], l, h)
      end
    end
    return c - redis.call('ZCOUNT', answered, l, h)
  end
  if unanswered then
    total = owing(nil, nil)
  else
    for i = 1, n do
      if status[i] == 'withdrawn' then
        total = total + #withdrawnList(i) / 2
      else
        total = total + redis.call('ZCOUNT', KEYS[i], lo, hi)
      end
    end
  end
  overdue = owing(nil, overdueBefore)
  soon = owing(overdueBefore, soonBefore)

  -- The page: a merge of the lists' heads, each list read about a page at
  -- a time, that stops at the page's end.
  local chunk = count >= 0 and math.max(64, last) or 0 -- 0: whole lists
  local cur = {}
  for i = 1, n do
    cur[i] = {off = 0, buf = {}, pos = 1, done = false}
  end
  local function head(i)
    local c = cur[i]
    if c.pos > #c.buf then
      if c.done then
        return nil
      end
      if status[i] == 'withdrawn' then
        c.buf, c.done = withdrawnList(i), true
      elseif chunk == 0 then
        c.buf, c.done = redis.call('ZRANGEBYSCORE', KEYS[i], lo, hi, 'WITHSCORES'), true
      else
        c.buf = redis.call('ZRANGEBYSCORE', KEYS[i], lo, hi, 'WITHSCORES', 'LIMIT', c.off, chunk)
        c.off = c.off + chunk
        c.done = #c.buf < 2 * chunk
      end
      c.pos = 1
      if #c.buf == 0 then
        return nil
      end
    end
    return c.buf[c.pos], tonumber(c.buf[c.pos + 1])
  end
  while count < 0 or #matches < last do
    local best, bestNum, bestScore = nil, nil, nil
    for i = 1, n do
      local num, score = head(i)
      if num and (not best or score < bestScore or (score == bestScore and num < bestNum)) then
        best, bestNum, bestScore = i, num, score
      end
    end
    if not best then
      break
    end
    cur[best].pos = cur[best].pos + 2
    local isAnswered = redis.call('ZSCORE', answered, bestNum) ~= false
    if not (unanswered and (isAnswered or status[best] == 'withdrawn')) then
      matches[#matches + 1] = {bestNum, bestScore, status[best], isAnswered}
    end
  end
else
  -- Some statuses: every proposal of their lists, in order.
  for i = 1, n do
    local list
    if status[i] == 'withdrawn' then
      list = unanswered and {} or withdrawnList(i)
    else
      list = redis.call('ZRANGEBYSCORE', KEYS[i], lo, hi, 'WITHSCORES')
    end
    for j = 1, #list, 2 do
      local number = list[j]
      local isAnswered = redis.call('ZSCORE', answered, number) ~= false
      if not (unanswered and isAnswered) then
        local score = tonumber(list[j + 1])
        matches[#matches + 1] = {number, score, status[i], isAnswered}
        counted(score, status[i], isAnswered)
      end
    end
  end
  if n > 1 then
    table.sort(matches, before)
  end
  total = #matches
end

local out = {total, overdue, soon}
for at = offset + 1, #matches do
  if count >= 0 and at > last then
    break
  end
  local m = matches[at]
  out[#out + 1] = m[1]
  if not brief then
    out[#out + 1] = string.format('%d', m[2])
    out[#out + 1] = m[3]
    out[#out + 1] = redis.call('HGET', prefix .. m[1], 'title') or ''
    out[#out + 1] = m[4] and '1' or '0'
  end
end
return out
