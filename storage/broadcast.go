package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Broadcast jobs: durable in Redis, the recipients fixed when a job starts,
// each recipient with its state; every step that changes a job is one of
// the lua/broadcast_*.lua scripts. bot/broadcast is the engine that runs
// them; see keys.go for the layout.

var (
	bcCreateScript  = newScript("broadcast_job", "broadcast_create")
	bcFillScript    = newScript("broadcast_job", "broadcast_fill")
	bcStartScript   = newScript("broadcast_start")
	bcClaimScript   = newScript("broadcast_claim")
	bcDoneScript    = newScript("broadcast_done")
	bcReclaimScript = newScript("broadcast_reclaim")
	bcControlScript = newScript("broadcast_control")
)

func init() {
	allScripts = append(allScripts, bcCreateScript, bcFillScript, bcStartScript, bcClaimScript,
		bcDoneScript, bcReclaimScript, bcControlScript)
}

// ErrNoBroadcast is returned for a job that does not exist (or expired).
var ErrNoBroadcast = errors.New("storage: no such broadcast")

// Job states.
const (
	BroadcastPreparing = "preparing"
	BroadcastRunning   = "running"
	BroadcastPaused    = "paused"
	BroadcastDone      = "done"
	BroadcastCancelled = "cancelled"
)

// Job kinds: a copy of an organizer's message (copyMessage), or a text the
// bot writes (award announcements, reminders).
const (
	KindCopy = "copy"
	KindText = "text"
)

// AnyLang is the language key of the version for every language.
const AnyLang = "*"

// Audience kinds.
const (
	AudienceAll        = "all"    // announcement subscribers
	AudienceLang       = "lang"   // announcement subscribers reading Arg
	AudienceRegion     = "region" // announcement subscribers of region Arg
	AudienceForum      = "forum"  // subscribers of forum Arg's reminders
	AudienceOrganizers = "org"    // the organizers only (a test)
	AudienceAwards     = "awards" // award announcement subscribers
)

// Audience is who a broadcast goes to.
type Audience struct {
	Kind string
	Arg  string
}

// String is the stored form: "all", "lang:ru", "forum:<id>".
func (a Audience) String() string {
	if a.Arg == "" {
		return a.Kind
	}
	return a.Kind + ":" + a.Arg
}

// ParseAudience reads the stored form.
func ParseAudience(s string) (Audience, bool) {
	kind, arg, _ := strings.Cut(s, ":")
	a := Audience{Kind: kind, Arg: arg}
	switch kind {
	case AudienceAll, AudienceOrganizers, AudienceAwards:
		return a, arg == ""
	case AudienceLang, AudienceRegion, AudienceForum:
		return a, arg != ""
	}
	return a, false
}

// MessageRef is a message to copy.
type MessageRef struct {
	ChatID    int64
	MessageID int
}

func (m MessageRef) String() string {
	return strconv.FormatInt(m.ChatID, 10) + ":" + strconv.Itoa(m.MessageID)
}

// ParseMessageRef reads "chat:message".
func ParseMessageRef(s string) (MessageRef, bool) {
	c, m, ok := strings.Cut(s, ":")
	chat, err1 := strconv.ParseInt(c, 10, 64)
	msg, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || msg <= 0 {
		return MessageRef{}, false
	}
	return MessageRef{ChatID: chat, MessageID: msg}, true
}

// NewBroadcast is a job to create.
type NewBroadcast struct {
	Kind     string
	Audience Audience
	// Owner is the organizer who sent it (0 for the bot's own jobs);
	// OwnerChat gets the progress message and the report when Notify.
	Owner     int64
	OwnerChat int64
	OwnerLang string
	Notify    bool
	Title     string
	// Copies are the messages to copy by language (AnyLang for all);
	// Texts the HTML texts by language.
	Copies map[string]MessageRef
	Texts  map[string]string
	// Origin makes the job once: a second job with the same origin is not
	// created ("" for none).
	Origin string
	// Members are the recipients of AudienceOrganizers.
	Members []int64
}

// fields is the job's hash as field/value arguments.
func (n NewBroadcast) fields() []any {
	f := []any{"kind", n.Kind, "aud", n.Audience.String(), "owner", n.Owner, "ochat", n.OwnerChat,
		"olang", n.OwnerLang, "notify", flag(n.Notify), "title", n.Title, "pmsg", 0}
	for lang, ref := range n.Copies {
		f = append(f, "copy:"+lang, ref.String())
	}
	for lang, text := range n.Texts {
		f = append(f, "text:"+lang, text)
	}
	return f
}

// jobArgs are a job's arguments to broadcast_create and schedule_fire:
// origin, the count of field/value arguments, those, then the members.
func (n NewBroadcast) jobArgs() []any {
	f := n.fields()
	args := append([]any{n.Origin, len(f)}, f...)
	for _, m := range n.Members {
		args = append(args, m)
	}
	return args
}

// CreateBroadcast stores a new job, preparing; the engine fixes its
// recipients and sends it. With an Origin already used it creates nothing
// and returns the existing job's id with created false.
func (s *Store) CreateBroadcast(ctx context.Context, n NewBroadcast, now time.Time) (id int64, created bool, err error) {
	args := append([]any{s.k.prefix, now.UnixMilli()}, n.jobArgs()...)
	res, err := bcCreateScript.Run(ctx, s.rdb, []string{s.k.broadcastSeq(), s.k.broadcastsActive(), s.k.broadcastsAll()}, args...).Int64Slice()
	if err != nil || len(res) != 2 {
		return 0, false, fmt.Errorf("storage: create broadcast: %w", errOr(err, "bad reply"))
	}
	return res[0], res[1] == 1, nil
}

func errOr(err error, msg string) error {
	if err != nil {
		return err
	}
	return errors.New(msg)
}

// BroadcastJob is a job as stored.
type BroadcastJob struct {
	ID                           int64
	Kind, State                  string
	Audience                     Audience
	Owner, OwnerChat             int64
	OwnerLang                    string
	Notify                       bool
	Title                        string
	Copies                       map[string]MessageRef
	Texts                        map[string]string
	Origin                       string
	Total, Sent, Blocked, Failed int64
	Created, Started, Finished   time.Time
	ProgressMsg                  int
	Reason, ReasonDetail         string
	CancelledBy                  int64
	Remaining                    int64 // Total less those sent, blocked or failed
	StreakDescription            string
}

func bcTime(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}
	}
	return time.UnixMilli(n)
}

func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// Broadcast reads job id.
func (s *Store) Broadcast(ctx context.Context, id int64) (*BroadcastJob, error) {
	h, err := s.rdb.HGetAll(ctx, s.k.broadcast(id)).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: broadcast: %w", err)
	}
	if len(h) == 0 {
		return nil, ErrNoBroadcast
	}
	aud, _ := ParseAudience(h["aud"])
	j := &BroadcastJob{
		ID: id, Kind: h["kind"], State: h["state"], Audience: aud,
		Owner: atoi64(h["owner"]), OwnerChat: atoi64(h["ochat"]), OwnerLang: h["olang"],
		Notify: h["notify"] == "1", Title: h["title"], Origin: h["origin"],
		Total: atoi64(h["total"]), Sent: atoi64(h["sent"]), Blocked: atoi64(h["blocked"]), Failed: atoi64(h["failed"]),
		Created: bcTime(h["created"]), Started: bcTime(h["started"]), Finished: bcTime(h["finished"]),
		ProgressMsg: int(atoi64(h["pmsg"])), Reason: h["reason"], ReasonDetail: h["rdetail"],
		CancelledBy:       atoi64(h["cancelled_by"]),
		StreakDescription: h["streak_d"],
		Copies:            map[string]MessageRef{}, Texts: map[string]string{},
	}
	for k, v := range h {
		if lang, ok := strings.CutPrefix(k, "copy:"); ok {
			if ref, ok := ParseMessageRef(v); ok {
				j.Copies[lang] = ref
			}
		} else if lang, ok := strings.CutPrefix(k, "text:"); ok {
			j.Texts[lang] = v
		}
	}
	j.Remaining = max(j.Total-j.Sent-j.Blocked-j.Failed, 0)
	return j, nil
}

// ActiveBroadcasts lists the jobs preparing, running or paused, oldest
// first.
func (s *Store) ActiveBroadcasts(ctx context.Context) ([]int64, error) {
	ids, err := s.rdb.ZRange(ctx, s.k.broadcastsActive(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: active broadcasts: %w", err)
	}
	return chatIDs(ids), nil
}

// RecentBroadcasts lists the newest n jobs, newest first.
func (s *Store) RecentBroadcasts(ctx context.Context, n int) ([]int64, error) {
	ids, err := s.rdb.ZRevRange(ctx, s.k.broadcastsAll(), 0, int64(n-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: broadcasts: %w", err)
	}
	return chatIDs(ids), nil
}

// audienceKeys names the set an audience is drawn from, the set a member
// must also be in ("" for none) and the language it must read ("" any).
func (s *Store) audienceKeys(jobID int64, a Audience) (source, filter, lang string, err error) {
	switch a.Kind {
	case AudienceAll:
		return s.k.subscribers(), "", "", nil
	case AudienceLang:
		return s.k.subscribers(), "", a.Arg, nil
	case AudienceRegion:
		return s.k.subscribers(), s.k.subscribersRegion(a.Arg), "", nil
	case AudienceForum:
		return s.k.subscribersForum(a.Arg), "", "", nil
	case AudienceAwards:
		return s.k.subscribersAwards(), "", "", nil
	case AudienceOrganizers:
		return s.k.broadcastPart(jobID, "src"), "", "", nil
	}
	return "", "", "", fmt.Errorf("storage: audience %q not understood", a.String())
}

// FillBroadcast fixes one page of a preparing job's recipients (about
// page of them) from cursor ("0" to start); next is "0" when the audience
// is done. stopped reports a job that is not preparing any more. Pages run
// twice add nobody twice.
func (s *Store) FillBroadcast(ctx context.Context, id int64, aud Audience, cursor string, page int, defaultLang string) (next string, added int, stopped bool, err error) {
	source, filter, lang, err := s.audienceKeys(id, aud)
	if err != nil {
		return "0", 0, false, err
	}
	useFilter := filter != ""
	if !useFilter {
		filter = source // never read
	}
	res, err := bcFillScript.Run(ctx, s.rdb, []string{
		s.k.broadcast(id), source, s.k.broadcastPart(id, "pending"), s.k.broadcastPart(id, "rcpt"),
		s.k.subscribersInactive(), filter,
	}, s.k.prefix, cursor, page, defaultLang, lang, flag(useFilter), "fill").Slice()
	if err != nil || len(res) != 2 {
		return "0", 0, false, fmt.Errorf("storage: fill broadcast: %w", errOr(err, "bad reply"))
	}
	n, _ := res[1].(int64)
	if n < 0 {
		return "0", 0, true, nil
	}
	next, _ = res[0].(string)
	return next, int(n), false, nil
}

// CountAudience counts the active recipients of an audience, as a job
// would fix them now; members are the recipients of AudienceOrganizers.
func (s *Store) CountAudience(ctx context.Context, aud Audience, members []int64, defaultLang string) (int, error) {
	if aud.Kind == AudienceOrganizers {
		return len(members), nil
	}
	source, filter, lang, err := s.audienceKeys(0, aud)
	if err != nil {
		return 0, err
	}
	useFilter := filter != ""
	if !useFilter {
		filter = source
	}
	total := 0
	cursor := "0"
	for {
		res, err := bcFillScript.Run(ctx, s.rdb, []string{source, source, source, source, s.k.subscribersInactive(), filter},
			s.k.prefix, cursor, 1000, defaultLang, lang, flag(useFilter), "count").Slice()
		if err != nil || len(res) != 2 {
			return 0, fmt.Errorf("storage: count audience: %w", errOr(err, "bad reply"))
		}
		n, _ := res[1].(int64)
		total += int(n)
		cursor, _ = res[0].(string)
		if cursor == "0" || cursor == "" {
			return total, nil
		}
	}
}

// StartBroadcast ends a job's preparation: its recipients are fixed and it
// runs (or is done at once with nobody to send to).
func (s *Store) StartBroadcast(ctx context.Context, id int64, now time.Time) (state string, total int64, err error) {
	res, err := bcStartScript.Run(ctx, s.rdb, []string{s.k.broadcast(id), s.k.broadcastPart(id, "rcpt"), s.k.broadcastsActive()},
		now.UnixMilli(), id).Slice()
	if err != nil || len(res) != 2 {
		return "", 0, fmt.Errorf("storage: start broadcast: %w", errOr(err, "bad reply"))
	}
	state, _ = res[0].(string)
	total, _ = res[1].(int64)
	return state, total, nil
}

// ClaimParams are a process's limits for ClaimRecipients.
type ClaimParams struct {
	Now         time.Time
	Max         int           // most recipients to hand out
	Interval    time.Duration // between two global slots (1/rate)
	Horizon     time.Duration // hand out slots up to Now+Horizon
	Instance    string        // the claiming process
	ChatGap     time.Duration // between two messages to one chat
	GroupWindow time.Duration // a group gets at most GroupLimit messages in GroupWindow
	GroupLimit  int
}

// Claimed is a recipient handed to a process, with its send slot.
type Claimed struct {
	Entry  string // "chat:lang"
	ChatID int64
	Lang   string
	Slot   time.Time
	// Attempts is how many sends failed with a transient error before.
	Attempts int
}

// Claim is what ClaimRecipients handed out: recipients, or why none.
type Claim struct {
	Recipients []Claimed
	PauseUntil time.Time     // flood control holds every sender until then
	Wait       time.Duration // the slots up to the horizon are taken
	State      string        // set when the job is not running
}

func micros(t time.Time) int64 { return t.UnixMicro() }

// ClaimRecipients hands the next recipients of a running job to
// p.Instance, each with its slot (see broadcast_claim.lua).
func (s *Store) ClaimRecipients(ctx context.Context, id int64, p ClaimParams) (Claim, error) {
	res, err := bcClaimScript.Run(ctx, s.rdb, []string{
		s.k.broadcast(id), s.k.broadcastPart(id, "pending"), s.k.broadcastPart(id, "retry"),
		s.k.broadcastPart(id, "inflight"), s.k.broadcastPart(id, "rcpt"), s.k.broadcastRate(), s.k.broadcastPause(),
	}, s.k.prefix, micros(p.Now), p.Max, max(p.Interval.Microseconds(), 1), p.Horizon.Microseconds(), p.Instance,
		p.ChatGap.Microseconds(), p.GroupWindow.Microseconds(), p.GroupLimit).StringSlice()
	if err != nil || len(res) == 0 {
		return Claim{}, fmt.Errorf("storage: claim recipients: %w", errOr(err, "bad reply"))
	}
	var c Claim
	switch res[0] {
	case "state":
		c.State = res[1]
		if c.State == "" {
			c.State = "gone"
		}
	case "pause":
		c.PauseUntil = time.UnixMicro(atoi64(res[1]))
	case "wait":
		c.Wait = time.Duration(atoi64(res[1])) * time.Microsecond
	case "ok":
		for i := 1; i+2 < len(res); i += 3 {
			chat, lang, _ := strings.Cut(res[i], ":")
			c.Recipients = append(c.Recipients, Claimed{Entry: res[i], ChatID: atoi64(chat), Lang: lang,
				Slot: time.UnixMicro(atoi64(res[i+1])), Attempts: int(atoi64(res[i+2]))})
		}
	}
	return c, nil
}

// Outcomes of FinishRecipient (see broadcast_done.lua).
const (
	OutcomeSent    = "sent"
	OutcomeBlocked = "blocked"
	OutcomeFailed  = "failed"
	OutcomeRetry   = "retry"
	OutcomeLimited = "limited"
	OutcomeRelease = "release"
	OutcomeMigrate = "migrate"
)

// Outcome is what became of one recipient.
type Outcome struct {
	Kind      string
	Detail    string    // the error's description; the new chat id of a migration
	NotBefore time.Time // for retry, limited and release
}

// DoneParams are a process's settings for FinishRecipient.
type DoneParams struct {
	Instance    string
	ErrorLimit  int // identical permanent errors in a row that pause the job
	MaxAttempts int // sends of one recipient before a transient error is final
	Now         time.Time
	Keep        time.Duration // how long a finished job's recipients are kept
}

// Progress is a job's counters after a FinishRecipient.
type Progress struct {
	Result                       string // ok, stale, paused or finished
	State                        string
	Total, Sent, Blocked, Failed int64
}

// FinishRecipient records what became of a recipient the process had in
// flight.
func (s *Store) FinishRecipient(ctx context.Context, id int64, entry string, o Outcome, p DoneParams) (Progress, error) {
	res, err := bcDoneScript.Run(ctx, s.rdb, []string{
		s.k.broadcast(id), s.k.broadcastPart(id, "rcpt"), s.k.broadcastPart(id, "inflight"), s.k.broadcastPart(id, "retry"),
		s.k.broadcastPart(id, "pending"), s.k.broadcastPart(id, "errors"), s.k.broadcastsActive(), s.k.broadcastPause(),
	}, entry, o.Kind, p.Instance, o.Detail, micros(o.NotBefore), p.ErrorLimit, p.MaxAttempts, p.Now.UnixMilli(),
		p.Keep.Milliseconds(), id).Slice()
	if err != nil || len(res) != 6 {
		return Progress{}, fmt.Errorf("storage: finish recipient: %w", errOr(err, "bad reply"))
	}
	pr := Progress{}
	pr.Result, _ = res[0].(string)
	pr.State, _ = res[1].(string)
	pr.Total, _ = res[2].(int64)
	pr.Sent, _ = res[3].(int64)
	pr.Blocked, _ = res[4].(int64)
	pr.Failed, _ = res[5].(int64)
	return pr, nil
}

// ReclaimRecipients takes back the recipients in flight in processes whose
// heartbeat expired.
func (s *Store) ReclaimRecipients(ctx context.Context, id int64, now time.Time) (int, error) {
	n, err := bcReclaimScript.Run(ctx, s.rdb, []string{
		s.k.broadcastPart(id, "inflight"), s.k.broadcastPart(id, "rcpt"), s.k.broadcastPart(id, "retry"),
	}, s.k.prefix, micros(now)).Int()
	if err != nil {
		return 0, fmt.Errorf("storage: reclaim recipients: %w", err)
	}
	return n, nil
}

// Broadcast control actions.
const (
	ActionPause  = "pause"
	ActionResume = "resume"
	ActionCancel = "cancel"
)

// ControlBroadcast pauses, resumes or cancels a job for organizer by.
// result is "ok", "finished" (a resume found nothing left) or "noop"; state
// is the job's state after it.
func (s *Store) ControlBroadcast(ctx context.Context, id int64, action string, by int64, now time.Time) (result, state string, err error) {
	res, err := bcControlScript.Run(ctx, s.rdb, []string{
		s.k.broadcast(id), s.k.broadcastsActive(), s.k.broadcastPart(id, "pending"), s.k.broadcastPart(id, "retry"),
		s.k.broadcastPart(id, "inflight"),
	}, action, now.UnixMilli(), id, by).StringSlice()
	if err != nil || len(res) != 2 {
		return "", "", fmt.Errorf("storage: control broadcast: %w", errOr(err, "bad reply"))
	}
	return res[0], res[1], nil
}

// EngineHeartbeat says that sending process instance is alive for ttl.
func (s *Store) EngineHeartbeat(ctx context.Context, instance string, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, s.k.engine(instance), "1", ttl).Err(); err != nil {
		return fmt.Errorf("storage: heartbeat: %w", err)
	}
	return nil
}

// EngineStopped removes instance's heartbeat: its recipients in flight can
// be taken back at once.
func (s *Store) EngineStopped(ctx context.Context, instance string) error {
	return s.rdb.Del(ctx, s.k.engine(instance)).Err()
}

// BroadcastPausedUntil is when Telegram's flood control lets senders go on
// (zero when it does not hold them).
func (s *Store) BroadcastPausedUntil(ctx context.Context) (time.Time, error) {
	v, err := s.rdb.Get(ctx, s.k.broadcastPause()).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("storage: broadcast pause: %w", err)
	}
	return time.UnixMicro(atoi64(v)), nil
}

// SetBroadcastProgressMessage remembers the message that shows a job's
// progress.
func (s *Store) SetBroadcastProgressMessage(ctx context.Context, id int64, messageID int) error {
	if err := s.rdb.HSet(ctx, s.k.broadcast(id), "pmsg", messageID).Err(); err != nil {
		return fmt.Errorf("storage: progress message: %w", err)
	}
	return nil
}

// BroadcastLock takes one of a job's short locks ("progress": who edits
// the progress message; "fill": who fixes the recipients) for ttl; ok is
// false when another process holds it.
func (s *Store) BroadcastLock(ctx context.Context, id int64, part, owner string, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.k.broadcastPart(id, part), owner, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("storage: broadcast lock: %w", err)
	}
	return ok, nil
}

// BroadcastErrors counts a job's permanent errors by description.
func (s *Store) BroadcastErrors(ctx context.Context, id int64) (map[string]int64, error) {
	h, err := s.rdb.HGetAll(ctx, s.k.broadcastPart(id, "errors")).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: broadcast errors: %w", err)
	}
	out := make(map[string]int64, len(h))
	for k, v := range h {
		out[k] = atoi64(v)
	}
	return out, nil
}

// BroadcastRecipients reads every recipient's state (chat -> state, see
// keys.go): for reports and tests, not for large jobs in a hot path.
func (s *Store) BroadcastRecipients(ctx context.Context, id int64) (map[int64]string, error) {
	out := map[int64]string{}
	iter := s.rdb.HScan(ctx, s.k.broadcastPart(id, "rcpt"), 0, "", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		if !iter.Next(ctx) {
			break
		}
		out[atoi64(k)] = iter.Val()
	}
	if err := iter.Err(); err != nil {
		return nil, fmt.Errorf("storage: broadcast recipients: %w", err)
	}
	return out, nil
}
