-- check_catalog is prepended to the scripts that store a catalog: it returns
-- why payload must not be stored, or nil. It refuses what would make the
-- running bots fail or mislead after they reload: a payload that is not a
-- catalog, one without a forums list (an import of an empty file would
-- otherwise wipe the catalog), a forum without an id, and an id used twice
-- (deep links name forums by id).
local function check_catalog(payload)
  local ok, doc = pcall(cjson.decode, payload)
  if not ok or type(doc) ~= 'table' then
    return 'not a JSON object'
  end
  local forums = doc['forums']
  if type(forums) ~= 'table' then
    return 'no forums list'
  end
  local n = 0
  for _ in pairs(forums) do
    n = n + 1
  end
  if n ~= #forums then
    return 'forums is not a list'
  end
  local seen = {}
  for i, f in ipairs(forums) do
    if type(f) ~= 'table' or type(f['id']) ~= 'string' or f['id'] == '' then
      return 'forum #' .. i .. ' has no id'
    end
    if seen[f['id']] then
      return 'forum id "' .. f['id'] .. '" is used twice'
    end
    seen[f['id']] = true
  end
  return nil
end
