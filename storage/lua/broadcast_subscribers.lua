-- broadcast_subscribers: functions shared by the subscriber scripts (this
-- file is prepended to each: scripts cannot call each other). A chat's
-- subscriber record and the sets that index it are named from the prefix,
-- as storage/keys.go builds them.

local function sub_key(p, id) return p .. 'subscriber:' .. id end
local function region_key(p, code) return p .. 'subscribers:region:' .. code end
local function forum_key(p, id) return p .. 'subscribers:forum:' .. id end

-- split turns 'a,b,c' into {'a','b','c'}; '' gives {}.
local function split(s)
  local out = {}
  if s then
    for part in string.gmatch(s, '[^,]+') do out[#out + 1] = part end
  end
  return out
end

-- unindex removes chat id from every set its record puts it in (region and
-- forums as the record says, the topic sets, all and inactive).
local function unindex(p, id, rec_region, rec_forums, sets)
  if rec_region and rec_region ~= '' then
    redis.call('SREM', region_key(p, rec_region), id)
  end
  for _, f in ipairs(split(rec_forums)) do
    redis.call('SREM', forum_key(p, f), id)
  end
  for _, k in ipairs(sets) do redis.call('SREM', k, id) end
end
