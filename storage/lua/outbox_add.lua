-- outbox_add: prepended to proposal_status_change and proposal_answer, so
-- that the notice the author is owed is recorded in the same step as the
-- change it tells of: a crash, a Bot API outage or a lost connection after
-- the step can delay the notice, never lose it (handlers.Notices sends it).
-- No author (anonymous after /forgetme: the author hash is deleted) means
-- nobody to tell, and no notice.
-- Needs outbox_time.

-- outbox_add records a notice of kind ('status' or 'answer') for the
-- proposal; it returns the author's chat and the notice id, or '' and ''.
-- author: the author hash; prefs: the chat preferences of expect_chat, the
-- author's chat as the caller read it just before (its key must be in
-- KEYS; when the chat is not that one any more, the proposal's language is
-- used); hold: ms during which only the caller's process may claim it.
local function outbox_add(author, prefs, expect_chat, prop, outbox, entries, seq, number, kind, status, hold)
  local chat = redis.call('HGET', author, 'chat_id')
  if not chat or chat == '' then
    return '', ''
  end
  local lang = false
  if chat == expect_chat then
    lang = redis.call('HGET', prefs, 'lang')
  end
  if not lang or lang == '' then
    lang = redis.call('HGET', prop, 'lang') or ''
  end
  local now = outbox_now()
  local id = tostring(redis.call('INCR', seq))
  redis.call('HSET', entries, id, table.concat({number, kind, status, chat, lang, outbox_ms(now)}, '|'))
  redis.call('ZADD', outbox, outbox_ms(now + tonumber(hold)), id)
  return chat, id
end
