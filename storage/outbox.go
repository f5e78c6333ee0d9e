package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot/proposal"
)

// The outbox of notices to proposals' authors. A status change and an
// official answer record the notice the author is owed in their own Lua
// step (outbox_add, prepended to proposal_status_change and
// proposal_answer), so nothing between the change and the message — a
// crash, a Bot API outage, Redis trouble — can lose it. Senders
// (handlers.Notices, one in every process) claim notices under a lease
// (outbox_claim), send them and record the outcome (outbox_finish): sent
// and dropped notices are deleted and counted, failed sends wait a backoff.
// A notice is sent twice only when its sender dies, or loses Redis for a
// whole lease, between Telegram's answer and the record of it.
//
// Every time in it is Redis's (TIME): see lua/outbox_time.lua.

var (
	outboxClaimScript  = newScript("outbox_time", "outbox_claim")
	outboxFinishScript = newScript("outbox_time", "outbox_finish")
)

func init() { allScripts = append(allScripts, outboxClaimScript, outboxFinishScript) }

// NoticeHold is how long a new notice is left to the process that recorded
// it, which sends it at once (ClaimNotice); after it, should that process
// have died between the change and the send, any sender takes it.
const NoticeHold = 10 * time.Second

// NoticeKind says what a notice tells.
type NoticeKind string

const (
	NoticeStatus NoticeKind = "status" // the proposal has a new status
	NoticeAnswer NoticeKind = "answer" // the organizers answered it
)

// Outcomes of a notice, for FinishNotice; all but NoticeRetry are final
// and counted in NoticeStats.
const (
	NoticeSent      = "sent"
	NoticeBlocked   = "blocked"   // 403: the author blocked the bot
	NoticeFailed    = "failed"    // Telegram refused it for good (400)
	NoticeForgotten = "forgotten" // the author used /forgetme meanwhile
	NoticeExpired   = "expired"   // undeliverable for too long
	NoticeRetry     = "retry"     // not final: claimable again after a delay
)

// Notice is one claimed notice.
type Notice struct {
	ID      string
	Number  string
	Kind    NoticeKind
	Status  proposal.Status // the new status, of a status notice
	ChatID  int64           // the author's chat
	Lang    string          // the chat's language, else the proposal's; may be ""
	Created time.Time       // Redis's clock
	Tries   int             // claims so far, this one included: the claim's token
}

// noticeKeys are the keys outbox_add needs besides the proposal's: the
// preferences of the author's chat (read first, so that the key can be in
// KEYS; the script checks the chat is still that one) and the outbox's.
// expect is the chat read, "" when the proposal has no author.
func (s *Store) noticeKeys(ctx context.Context, number string) (keys []string, expect string, err error) {
	expect, err = s.rdb.HGet(ctx, s.k.proposalAuthor(number), "chat_id").Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, "", fmt.Errorf("storage: author of %s: %w", number, err)
	}
	chat, _ := strconv.ParseInt(expect, 10, 64)
	return []string{s.k.prefs(chat), s.k.noticeOutbox(), s.k.noticeEntries(), s.k.noticeSeq()}, expect, nil
}

func (s *Store) outboxKeys() []string {
	return []string{s.k.noticeOutbox(), s.k.noticeEntries(), s.k.noticeTries(), s.k.noticeStats()}
}

// ClaimNotices claims up to max notices whose time has come, each for
// lease: their sender must have finished with them (FinishNotice) before
// it ends, or another sender takes them over.
func (s *Store) ClaimNotices(ctx context.Context, max int, lease time.Duration) ([]Notice, error) {
	return s.claimNotices(ctx, max, lease, "")
}

// ClaimNotice claims the notice id for lease if nobody has claimed it yet:
// the process that recorded it sends it at once. ok is false when another
// sender got it first (it was held too long) or it is gone.
func (s *Store) ClaimNotice(ctx context.Context, id string, lease time.Duration) (n Notice, ok bool, err error) {
	if id == "" {
		return Notice{}, false, nil
	}
	ns, err := s.claimNotices(ctx, 1, lease, id)
	if err != nil || len(ns) == 0 {
		return Notice{}, false, err
	}
	return ns[0], true, nil
}

func (s *Store) claimNotices(ctx context.Context, max int, lease time.Duration, id string) ([]Notice, error) {
	keys := s.outboxKeys()[:3]
	res, err := outboxClaimScript.Run(ctx, s.rdb, keys, max, lease.Milliseconds(), id).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("storage: claim notices: %w", err)
	}
	out := make([]Notice, 0, len(res)/3)
	for i := 0; i+2 < len(res); i += 3 {
		n, err := parseNotice(res[i], res[i+1])
		if err != nil {
			return nil, err
		}
		n.Tries, _ = strconv.Atoi(res[i+2])
		out = append(out, n)
	}
	return out, nil
}

// parseNotice reads an entry of outbox_add: number|kind|status|chat|lang|created.
func parseNotice(id, entry string) (Notice, error) {
	f := strings.Split(entry, "|")
	if len(f) != 6 {
		return Notice{}, fmt.Errorf("storage: notice %s: malformed entry", id)
	}
	chat, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil {
		return Notice{}, fmt.Errorf("storage: notice %s: chat: %w", id, err)
	}
	created, _ := strconv.ParseInt(f[5], 10, 64)
	return Notice{ID: id, Number: f[0], Kind: NoticeKind(f[1]), Status: proposal.Status(f[2]), ChatID: chat,
		Lang: f[4], Created: time.UnixMilli(created)}, nil
}

// FinishNotice records what became of a claimed notice: a final outcome
// deletes and counts it; NoticeRetry makes it claimable again after delay,
// unless another sender claimed it since. applied is false when nothing
// changed (it was gone, or claimed again).
func (s *Store) FinishNotice(ctx context.Context, n Notice, outcome string, delay time.Duration) (applied bool, err error) {
	r, err := outboxFinishScript.Run(ctx, s.rdb, s.outboxKeys(), n.ID, n.Tries, outcome, max(delay, 0).Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("storage: finish notice %s: %w", n.ID, err)
	}
	return r == 1, nil
}

// NoticeAuthorChat is the chat of a proposal's author now, 0 when the
// author is gone (/forgetme): a notice to a chat that is not the author's
// any more is not sent.
func (s *Store) NoticeAuthorChat(ctx context.Context, number string) (int64, error) {
	v, err := s.rdb.HGet(ctx, s.k.proposalAuthor(number), "chat_id").Result()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("storage: author of %s: %w", number, err)
	}
	chat, _ := strconv.ParseInt(v, 10, 64)
	return chat, nil
}

// PendingNotices is how many notices wait in the outbox (claimed or not).
func (s *Store) PendingNotices(ctx context.Context) (int64, error) {
	n, err := s.rdb.ZCard(ctx, s.k.noticeOutbox()).Result()
	if err != nil {
		return 0, fmt.Errorf("storage: pending notices: %w", err)
	}
	return n, nil
}

// NoticeStats counts the notices by final outcome (NoticeSent,
// NoticeBlocked...), over every process.
func (s *Store) NoticeStats(ctx context.Context) (map[string]int64, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.noticeStats()).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: notice stats: %w", err)
	}
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k], _ = strconv.ParseInt(v, 10, 64)
	}
	return out, nil
}
