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
// Citizens' proposals (proposals.go, consent.go). A proposal's body and its
// author are apart, so /forgetme deletes the author and keeps the body;
// every key that names a user is a "user:" key, and /forgetme deletes them.
//
//	<p>proposal:<number>        hash, no TTL: the proposal without its author
//	                              number year seq forum category region title
//	                              text attachments(JSON) anonymous(0/1) lang
//	                              text_key status created_at updated_at (ms);
//	                              later: answer answered_at withdrawn_at
//	                              forgotten_at (ms, the author used /forgetme)
//	<p>proposal:<number>:author hash, no TTL: user_id chat_id, and for a
//	                              proposal with a contact name phone username
//	<p>proposals:seq:<year>     int: the last sequence number given in the
//	                              year (Asia/Almaty), INCR by proposal_submit
//	<p>proposals:year:<year>    zset number -> seq: the year's proposals
//	<p>proposals:status:<st>    zset number -> created ms: proposals in status st
//	                              (an organizer's inbox is one of them)
//	<p>user:<user_id>:proposals zset number -> created ms: the user's proposals;
//	                              its last 24 h are the rate limit's window
//	<p>user:<user_id>:proposal_keys hash: d:<draft id> -> number (a draft sent
//	                              twice is one proposal), t:<text key> -> number
//	                              (the same text is not stored twice)
//	<p>user:<user_id>:consent   hash version at(ms) lang: the terms accepted
//
// A proposal's number is known only inside proposal_submit.lua, so that
// script (and those that walk a user's proposals) builds "<p>proposal:" +
// number (+ ":author") itself from the prefix proposalPrefix gives; the
// builders below are the same shapes, and a test holds them together.
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

// proposalPrefix starts the keys of proposals; the scripts append a number.
func (k keys) proposalPrefix() string { return k.prefix + "proposal:" }

func (k keys) proposal(number string) string { return k.proposalPrefix() + number }

func (k keys) proposalAuthor(number string) string { return k.proposal(number) + ":author" }

func (k keys) proposalSeq(year int) string {
	return k.prefix + "proposals:seq:" + strconv.Itoa(year)
}

func (k keys) proposalsOfYear(year int) string {
	return k.prefix + "proposals:year:" + strconv.Itoa(year)
}

func (k keys) proposalsWithStatus(status string) string {
	return k.prefix + "proposals:status:" + status
}

func (k keys) user(userID int64) string {
	return k.prefix + "user:" + strconv.FormatInt(userID, 10)
}

func (k keys) userProposals(userID int64) string { return k.user(userID) + ":proposals" }

func (k keys) userProposalKeys(userID int64) string { return k.user(userID) + ":proposal_keys" }

func (k keys) consent(userID int64) string { return k.user(userID) + ":consent" }
