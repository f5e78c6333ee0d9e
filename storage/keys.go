package storage

import "strconv"

// keys builds every Redis key the store uses; nothing else concatenates key
// names, so the layout below is the whole of it and every key carries the
// prefix (several bots, or tests, share one Redis).
//
//	<p>update:<update_id>       string "1", PX DedupTTL: the update was seen
//	<p>chat:<chat_id>:session   hash, PX SessionTTL (idle): the chat's session
//	                              ver     int, bumped by every Save
//	                              dialog  JSON {"step":..,"data":{..}}: step and
//	                                      data in one value, written together
//	<p>chat:<chat_id>:prefs     hash, no TTL: what outlives the session
//	                              lang    the chosen language
//	                              dialog  name of the active dialog step, kept so
//	                                      that Begin can tell a dialog expired
//	<p>chats                    set of chat ids that ever wrote to the bot
//	<p>subscribers:news         set of chat ids subscribed to news of forums
//	<p>catalog                  string: the catalog as JSON
//	<p>catalog:version          int, bumped by every catalog write
//
// The hash field names are spelt in the Lua scripts (lua/*.lua), which read
// and write them.
//
// The scripts touch keys of several of these families at once, so the store
// needs a single Redis (or a primary behind Sentinel), not Redis Cluster.
type keys struct{ prefix string }

func (k keys) update(updateID int64) string {
	return k.prefix + "update:" + strconv.FormatInt(updateID, 10)
}

func (k keys) session(chatID int64) string {
	return k.prefix + "chat:" + strconv.FormatInt(chatID, 10) + ":session"
}

func (k keys) prefs(chatID int64) string {
	return k.prefix + "chat:" + strconv.FormatInt(chatID, 10) + ":prefs"
}

func (k keys) chats() string { return k.prefix + "chats" }

func (k keys) catalog() string { return k.prefix + "catalog" }

func (k keys) catalogVersion() string { return k.prefix + "catalog:version" }

func (k keys) subscribers() string { return k.prefix + "subscribers:news" }
