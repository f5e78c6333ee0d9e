package storage

import (
	"strconv"
	"strings"
)

// keys builds every Redis key the store uses; nothing else concatenates key
// names, so the layout below is the whole of it and every key carries the
// prefix (several bots, or tests, share one Redis).
//
//	<p>update:<update_id>       string: the update's handling (begin.lua).
//	                              In progress: the token of the attempt
//	                              handling it, PX its time limit + margin
//	                              (UPDATE_TIMEOUT + storage.UpdateMargin);
//	                              done: "done" ("1" before tokens), PX
//	                              DedupTTL (save_session.lua, FinishUpdate).
//	                              A token is "<instance>/<random>"; begin.lua
//	                              reads the instance to look up its alive key
//	<p>alive:<instance>         string, PX AliveTTL: the process <instance>
//	                              lives (renewed by Store.Alive; deleted at
//	                              its stop): an update whose attempt's
//	                              process is gone is taken over at once
//	<p>chat:<chat_id>:session   hash, PX SessionTTL (idle): the chat's session
//	                              ver     int, bumped by every Save
//	                              dialog  JSON {"step":..,"data":{..}}: step and
//	                                      data in one value, written together
//	<p>chat:<chat_id>:prefs     hash, no TTL: what outlives the session
//	                              lang    the chosen language
//	                              dialog  name of the active dialog step, kept so
//	                                      that Begin can tell a dialog expired
//	<p>chats                    set of chat ids that ever wrote to the bot
//	<p>subscribers:news         set of chat ids subscribed to announcements
//	                              (the organizers' broadcasts)
//
// Subscriptions and broadcasts (subscribers.go, broadcast.go, schedule.go;
// the scripts lua/broadcast_*.lua and lua/schedule_*.lua). The scripts build
// the keys of a chat, an instance or a job from the prefix and an id, in the
// shapes below; a test holds them together with the builders.
//
//	<p>subscriber:<chat_id>     hash, no TTL: lang region ann(0/1) awd(0/1)
//	                              forums("id,id") active(0/1) group(0/1)
//	                              since inactive_at (ms) migrated_from
//	<p>subscribers:all          set: chats with any subscription
//	<p>subscribers:awards       set: chats subscribed to award announcements
//	<p>subscribers:forum:<id>   set: chats subscribed to a forum's reminders
//	<p>subscribers:region:<code> set: subscribers who chose a region
//	<p>subscribers:inactive     set: subscribers who blocked the bot (or
//	                              removed it from the group); skipped until
//	                              they come back
//	<p>bc:seq                   int: the last broadcast job id
//	<p>bc:<id>                  hash: a broadcast job: state (preparing,
//	                              running, paused, done, cancelled) kind
//	                              (copy, text) aud owner ochat olang notify
//	                              title copy:<lang> ("chat:msg") text:<lang>
//	                              origin total sent blocked failed created
//	                              started finished (ms) pmsg (progress
//	                              message) reason rdetail streak_d streak_n
//	<p>bc:<id>:pending          list of "chat:lang": recipients not sent yet
//	<p>bc:<id>:retry            zset "chat:lang" -> not before (µs)
//	<p>bc:<id>:inflight         zset "chat:lang" -> slot (µs): handed to a process
//	<p>bc:<id>:rcpt             hash chat -> state: p pending, i:<inst>:<n> in
//	                              flight, r<n> to retry (n attempts spent), s
//	                              sent, b blocked, f failed, m migrated
//	<p>bc:<id>:errors           hash error description -> count
//	<p>bc:<id>:src              set: recipients named at creation (organizers)
//	<p>bc:<id>:progress         string, PX: who edits the progress message now
//	<p>bc:<id>:fill             string, PX: who fixes the recipients now
//	<p>bc:active                zset id -> id: jobs preparing, running or paused
//	<p>bc:all                   zset id -> id: every job, for the organizers' list
//	<p>bc:origin:<origin>       string, EX 90 days: the job made for a schedule's
//	                              slot, an award or a reminder (made once)
//	<p>bc:rate                  string, PX: the next free global send slot (µs)
//	<p>bc:pause                 string, PX: Telegram's flood control holds every
//	                              sender until then (µs)
//	<p>bc:engine:<instance>     string, PX: a sending process's heartbeat
//	<p>rl:chat:<chat_id>        string, PX: the next instant the chat may get a
//	                              message (µs)
//	<p>rl:group:<chat_id>       list, PX: slots (µs) of the group's last minute
//	<p>sched:seq                int: the last schedule id
//	<p>sched:all                set of schedule ids
//	<p>sched:<id>               hash: kind spec from state (active, paused,
//	                              done) owner ochat olang title payload (JSON)
//	                              created last (the last slot claimed, unix s)
//	                              fired skipped last_skipped last_fired
//	                              next_idx (award series) last_job
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
// The organizers' side (roles.go, audit.go, proposals_admin.go; the scripts
// lua/role_*.lua, lua/proposal_status_*.lua, lua/proposal_answer.lua).
// Organizers are staff, not citizens: their role is not a "user:" key and
// /forgetme leaves it alone.
//
//	<p>roles:organizers         hash user_id -> JSON {"by","at"(ms),"name"}:
//	                              the organizers an admin granted the role to
//	                              (admins themselves are ADMIN_IDS, not here)
//	<p>audit                    list of JSON entries, oldest first (RPUSH):
//	                              {"at"(ms),"actor","action","target","from",
//	                              "to","note"}; action is grant, revoke,
//	                              status, answer or export. Entries are never
//	                              changed or removed, so an index names one
//	<p>proposals:answered       zset number -> registered ms (as the status
//	                              lists): the proposals with an official
//	                              answer (proposal_answer), so the inbox
//	                              counts the unanswered ones by ZCOUNT,
//	                              without reading a proposal
//	<p>proposals:attr:region:<code>, <p>proposals:attr:category:<category>,
//	<p>proposals:attr:forum:<id>
//	                            zset number -> registered ms: the proposals of
//	                              a region, a category, a forum (they never
//	                              change), added by proposal_status_index, which
//	                              builds these names from the prefix
//	                              proposalAttrPrefix gives
//	<p>proposals:attr:mark:<year> string: the last sequence number of the year
//	                              proposal_status_index has indexed
//
// A proposal's body gets answer and answered_at from proposal_answer, and a
// new status and updated_at from proposal_status_change.
//
// A proposal's number is known only inside proposal_submit.lua, so that
// script (and those that walk a user's proposals) builds "<p>proposal:" +
// number (+ ":author") itself from the prefix proposalPrefix gives; the
// builders below are the same shapes, and a test holds them together.
//
// The hash field names are spelt in the Lua scripts (lua/*.lua), which read
// and write them.
//
// Redis Cluster. The scripts touch keys of several of these families at
// once, and build some of them from the prefix inside the script, while
// Redis Cluster runs a script only when every key it touches hashes to one
// slot. So on a cluster client New gives the prefix a hash tag (see
// taggedPrefix): "forumbot:" becomes "{forumbot}:", a prefix that has a tag
// already is kept, and every key above, and any other key built as
// k.prefix + "...", lands in the tag's one slot. On one server and behind
// Sentinel the prefix stays as it is, so existing data keeps its names.
//
// The cost, said plainly: on a cluster all of one bot's keys live in one
// slot, that is on one master (and its replicas). Cluster then gives the
// bot failover and a Redis shared with other users, not write scaling: the
// bot can do what one master does (see README, "Redis topologies"). Bots
// with different prefixes land in different slots and spread over the
// masters. Every script call passes at least one key (script.Run insists),
// because a cluster client routes EVALSHA by its first key and would send a
// keyless one to any node.
type keys struct{ prefix string }

// taggedPrefix returns prefix with a Redis Cluster hash tag: the part
// before the trailing colons in braces ("forumbot:" -> "{forumbot}:",
// "" -> "{forumbot}:"). A prefix that has a tag of its own, a "{" later
// closed by "}" with something between, is returned as it is: Redis hashes
// only that part of a key, and every key starts with the prefix. Braces in
// an untagged prefix are dropped, as they would make another tag.
func taggedPrefix(prefix string) string {
	if i := strings.IndexByte(prefix, '{'); i >= 0 {
		if j := strings.IndexByte(prefix[i+1:], '}'); j > 0 {
			return prefix
		}
	}
	name := strings.NewReplacer("{", "", "}", "").Replace(prefix)
	trimmed := strings.TrimRight(name, ":")
	rest := name[len(trimmed):]
	if trimmed == "" {
		trimmed, rest = "forumbot", ":"
	}
	return "{" + trimmed + "}" + rest
}

func (k keys) update(updateID int64) string {
	return k.prefix + "update:" + strconv.FormatInt(updateID, 10)
}

func (k keys) alive(instance string) string { return k.alivePrefix() + instance }

// alivePrefix is what begin.lua puts before an instance to name its alive
// key.
func (k keys) alivePrefix() string { return k.prefix + "alive:" }

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

// The organizers' side.

func (k keys) organizers() string { return k.prefix + "roles:organizers" }

func (k keys) audit() string { return k.prefix + "audit" }

func (k keys) proposalsAnswered() string { return k.prefix + "proposals:answered" }

// proposalAttrPrefix starts the indexes of region, category and forum;
// proposal_status_index appends "region:<code>" and so on.
func (k keys) proposalAttrPrefix() string { return k.prefix + "proposals:attr:" }

// proposalAttr is the index of dimension dim (region, category, forum)
// for value.
func (k keys) proposalAttr(dim, value string) string {
	return k.proposalAttrPrefix() + dim + ":" + value
}

func (k keys) proposalAttrMark(year int) string {
	return k.proposalAttrPrefix() + "mark:" + strconv.Itoa(year)
}

// Subscriptions, broadcasts and schedules.

func (k keys) subscriber(chatID int64) string {
	return k.prefix + "subscriber:" + strconv.FormatInt(chatID, 10)
}

func (k keys) subscribersAll() string { return k.prefix + "subscribers:all" }

func (k keys) subscribersAwards() string { return k.prefix + "subscribers:awards" }

func (k keys) subscribersForum(forumID string) string {
	return k.prefix + "subscribers:forum:" + forumID
}

func (k keys) subscribersRegion(code string) string {
	return k.prefix + "subscribers:region:" + code
}

func (k keys) subscribersInactive() string { return k.prefix + "subscribers:inactive" }

func (k keys) broadcastSeq() string { return k.prefix + "bc:seq" }

func (k keys) broadcast(id int64) string {
	return k.prefix + "bc:" + strconv.FormatInt(id, 10)
}

// broadcastPart is one of a job's keys: pending, retry, inflight, rcpt,
// errors, src, progress, fill.
func (k keys) broadcastPart(id int64, part string) string { return k.broadcast(id) + ":" + part }

func (k keys) broadcastsActive() string { return k.prefix + "bc:active" }

func (k keys) broadcastsAll() string { return k.prefix + "bc:all" }

func (k keys) broadcastOrigin(origin string) string { return k.prefix + "bc:origin:" + origin }

func (k keys) broadcastRate() string { return k.prefix + "bc:rate" }

func (k keys) broadcastPause() string { return k.prefix + "bc:pause" }

func (k keys) engine(instance string) string { return k.prefix + "bc:engine:" + instance }

func (k keys) chatRate(chatID int64) string {
	return k.prefix + "rl:chat:" + strconv.FormatInt(chatID, 10)
}

func (k keys) groupRate(chatID int64) string {
	return k.prefix + "rl:group:" + strconv.FormatInt(chatID, 10)
}

func (k keys) scheduleSeq() string { return k.prefix + "sched:seq" }

func (k keys) schedulesAll() string { return k.prefix + "sched:all" }

func (k keys) schedule(id string) string { return k.prefix + "sched:" + id }

// Webhook mode (webhook_queue.go; the scripts lua/webhook_*.lua). The
// webhook answers Telegram 200 once the update is in its chat's list;
// every replica's consumers take chats, never single updates, so a chat's
// updates are handled in order by one instance at a time. While a chat's
// list is non-empty the chat is in exactly one of the ready list and one
// instance's claimed list; while it is empty, in none.
//
//	<p>wh:seen:<update_id>      string "1", PX DedupTTL: the webhook queued
//	                              the update (Telegram sent it again: 200,
//	                              not queued twice)
//	<p>wh:chat:<chat_id>        list of "<update_id>:<update JSON>", oldest
//	                              first: the chat's updates not yet handled
//	<p>wh:ready                 list of chat ids with updates that no
//	                              instance holds (BLMOVE takes the head)
//	<p>wh:claimed:<instance>    list of chat ids an instance holds
//	<p>wh:alive:<instance>      string, PX: an instance's heartbeat; when it
//	                              expired, any instance gives the claimed
//	                              list back to the ready list
//	<p>wh:instances             set of instance ids that may hold chats
//	<p>wh:pending               int: updates queued and not yet handled

func (k keys) webhookSeen(updateID int64) string {
	return k.prefix + "wh:seen:" + strconv.FormatInt(updateID, 10)
}

func (k keys) webhookChat(chatID int64) string {
	return k.prefix + "wh:chat:" + strconv.FormatInt(chatID, 10)
}

func (k keys) webhookReady() string { return k.prefix + "wh:ready" }

func (k keys) webhookClaimed(instance string) string { return k.prefix + "wh:claimed:" + instance }

func (k keys) webhookAlive(instance string) string { return k.prefix + "wh:alive:" + instance }

func (k keys) webhookInstances() string { return k.prefix + "wh:instances" }

func (k keys) webhookPending() string { return k.prefix + "wh:pending" }

// Leases (lease.go; the scripts lua/lease_*.lua): a job that one process
// of several must do alone is done by whoever holds its lease. The holder
// renews it well before it expires and deletes it when it stops, so a
// standby takes over at once after a stop and within the lease after a
// crash.
//
//	<p>lease:<name>             string, PX the lease: the holder's instance id
//	                              (hostname, pid and a random part). Names:
//	                              poll (the getUpdates poller, bot.Leader)

func (k keys) lease(name string) string { return k.prefix + "lease:" + name }

// The outbox of notices to proposals' authors (outbox.go; the scripts
// lua/outbox_*.lua, and proposal_status_change and proposal_answer, which
// add a notice in the same step as the change it tells of). Every key is in
// the scripts' KEYS.
//
//	<p>notice:seq               int: the last notice id
//	<p>notice:outbox            zset id -> ms (Redis TIME) from which the
//	                              notice may be claimed: its creation plus a
//	                              hold for the process that made it, then a
//	                              claim's lease, or a retry's backoff
//	<p>notice:entries           hash id -> "number|kind|status|chat|lang|
//	                              created ms": what to tell whom; deleted
//	                              once sent or dropped, and by /forgetme
//	                              (forget_user) with the author's data
//	<p>notice:tries             hash id -> claims so far; a claim's token
//	<p>notice:stats             hash outcome (sent, blocked, failed,
//	                              forgotten, expired) -> count

func (k keys) noticeSeq() string { return k.prefix + "notice:seq" }

func (k keys) noticeOutbox() string { return k.prefix + "notice:outbox" }

func (k keys) noticeEntries() string { return k.prefix + "notice:entries" }

func (k keys) noticeTries() string { return k.prefix + "notice:tries" }

func (k keys) noticeStats() string { return k.prefix + "notice:stats" }
