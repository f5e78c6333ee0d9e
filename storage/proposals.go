package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot/proposal"
)

// Citizens' proposals: each is registered by one script with every index
// entry it has (proposal_submit), so a crash or a restart of Redis never
// leaves half of one; see keys.go for the layout. Errors never quote a
// proposal's text or its author.

var (
	proposalSubmitScript   = newScript("proposal_submit")
	proposalWithdrawScript = newScript("proposal_withdraw")
	proposalListScript     = newScript("proposal_list")
	proposalGetScript      = newScript("proposal_get")
	proposerStateScript    = newScript("proposer_state")
	forgetUserScript       = newScript("forget_user")
)

func init() {
	allScripts = append(allScripts,
		proposalSubmitScript, proposalWithdrawScript, proposalListScript,
		proposalGetScript, proposerStateScript, forgetUserScript)
}

// ErrProposalNotFound is returned for a proposal that does not exist, or
// is not the asking user's.
var ErrProposalNotFound = errors.New("storage: no such proposal")

// Submission is a proposal to register.
type Submission struct {
	// Proposal is what the author wrote, with Status, Lang and TextKey set
	// (proposal.Draft.Proposal does); storage fills in the number, year,
	// sequence and times.
	Proposal proposal.Proposal
	Author   proposal.Author
	DraftID  string
	// Now is when it is sent, in Asia/Almaty: its year is the number's.
	Now time.Time
	// Limit proposals per Window per user.
	Limit  int
	Window time.Duration
}

// SubmitOutcome says what SubmitProposal did.
type SubmitOutcome int

// Outcomes of SubmitProposal.
const (
	// Submitted: registered now under Number.
	Submitted SubmitOutcome = iota + 1
	// AlreadySubmitted: this draft was registered before, under Number
	// (Send pressed twice, or again after a crash).
	AlreadySubmitted
	// DuplicateText: the user sent the same text before, as Number; nothing
	// was stored.
	DuplicateText
	// OverLimit: the user sent Limit proposals in the window; the next may
	// go at RetryAt. Nothing was stored.
	OverLimit
	// NoConsent: the user's consent is not the current one (withdrawn
	// meanwhile). Nothing was stored.
	NoConsent
)

// SubmitResult is SubmitProposal's answer.
type SubmitResult struct {
	Outcome SubmitOutcome
	Number  string
	RetryAt time.Time
	// Recent is how many proposals the user has in the window now, this
	// one included when it was Submitted.
	Recent int
}

// SubmitProposal registers a proposal in one atomic step (script
// proposal_submit): it checks the author's consent, the draft and text
// keys and the rate limit, takes the year's next number and writes the
// proposal, its author and every index entry.
func (s *Store) SubmitProposal(ctx context.Context, sub Submission) (SubmitResult, error) {
	p, a := sub.Proposal, sub.Author
	if sub.Limit < 1 || sub.Window <= 0 || !proposal.ValidDraftID(sub.DraftID) || !p.Status.Valid() || p.TextKey == "" {
		return SubmitResult{}, fmt.Errorf("storage: submit proposal: incomplete submission")
	}
	year := sub.Now.Year()
	now := sub.Now.UnixMilli()
	body := []string{
		"year", strconv.Itoa(year),
		"forum", p.Forum,
		"category", string(p.Category),
		"region", p.Region,
		"title", p.Title,
		"text", p.Text,
		"anonymous", boolField(p.Anonymous),
		"lang", p.Lang,
		"text_key", p.TextKey,
		"status", string(p.Status),
	}
	if len(p.Attachments) > 0 {
		att, err := json.Marshal(p.Attachments)
		if err != nil {
			return SubmitResult{}, fmt.Errorf("storage: submit proposal: attachments: %w", err)
		}
		body = append(body, "attachments", string(att))
	}
	author := []string{"user_id", strconv.FormatInt(a.UserID, 10), "chat_id", strconv.FormatInt(a.ChatID, 10)}
	if !p.Anonymous {
		for _, f := range [][2]string{{"name", a.Name}, {"phone", a.Phone}, {"username", a.Username}} {
			if f[1] != "" {
				author = append(author, f[0], f[1])
			}
		}
	}
	args := []any{
		now, sub.Now.Add(-sub.Window).UnixMilli(), sub.Limit,
		proposal.NumberYearPrefix(year), s.k.proposalPrefix(),
		sub.DraftID, p.TextKey, proposal.ConsentVersion, len(body) / 2,
	}
	for _, v := range append(body, author...) {
		args = append(args, v)
	}
	res, err := proposalSubmitScript.Run(ctx, s.rdb, []string{
		s.k.userProposals(a.UserID), s.k.userProposalKeys(a.UserID), s.k.consent(a.UserID),
		s.k.proposalSeq(year), s.k.proposalsOfYear(year), s.k.proposalsWithStatus(string(p.Status)),
	}, args...).StringSlice()
	if err != nil {
		return SubmitResult{}, fmt.Errorf("storage: submit proposal of user %d: %w", a.UserID, err)
	}
	outcomes := map[string]SubmitOutcome{
		"created": Submitted, "sent": AlreadySubmitted, "duplicate": DuplicateText, "limit": OverLimit, "consent": NoConsent,
	}
	if len(res) != 3 {
		return SubmitResult{}, fmt.Errorf("storage: submit proposal: unexpected reply %q", res)
	}
	out, ok := outcomes[res[0]]
	recent, err := strconv.Atoi(res[2])
	if !ok || err != nil {
		return SubmitResult{}, fmt.Errorf("storage: submit proposal: unexpected reply %q", res)
	}
	r := SubmitResult{Outcome: out, Recent: recent}
	switch out {
	case OverLimit:
		oldest, err := strconv.ParseInt(res[1], 10, 64)
		if err != nil {
			return SubmitResult{}, fmt.Errorf("storage: submit proposal: oldest in window %q", res[1])
		}
		r.RetryAt = time.UnixMilli(oldest).Add(sub.Window)
	case NoConsent:
	default:
		r.Number = res[1]
	}
	return r, nil
}

// ProposerState is what the bot knows of a user before they write a
// proposal.
type ProposerState struct {
	// Consent is the terms the user accepted; zero Version when none.
	Consent proposal.Consent
	// Recent is how many proposals the user sent in the window; Oldest is
	// when the oldest of them was sent (zero when none).
	Recent int
	Oldest time.Time
}

// RetryAt is when the user may send again, once Recent reached the limit.
func (p ProposerState) RetryAt(window time.Duration) time.Time { return p.Oldest.Add(window) }

// ProposerState reads a user's consent and recent proposals in one round
// trip (script proposer_state).
func (s *Store) ProposerState(ctx context.Context, userID int64, now time.Time, window time.Duration) (ProposerState, error) {
	res, err := proposerStateScript.RunRO(ctx, s.rdb,
		[]string{s.k.consent(userID), s.k.userProposals(userID)},
		now.Add(-window).UnixMilli(),
	).Slice()
	if err != nil {
		return ProposerState{}, fmt.Errorf("storage: proposer state of user %d: %w", userID, err)
	}
	if len(res) != 5 {
		return ProposerState{}, fmt.Errorf("storage: proposer state: unexpected reply %v", res)
	}
	var st ProposerState
	st.Consent.Version, st.Consent.Lang = stringValue(res[0]), stringValue(res[2])
	at, err1 := intValue(res[1])
	count, err2 := intValue(res[3])
	oldest, err3 := intValue(res[4])
	if err := errors.Join(err1, err2, err3); err != nil {
		return ProposerState{}, fmt.Errorf("storage: proposer state: %w", err)
	}
	if at > 0 {
		st.Consent.At = time.UnixMilli(at)
	}
	st.Recent = int(count)
	if oldest > 0 {
		st.Oldest = time.UnixMilli(oldest)
	}
	return st, nil
}

// SentDraft returns the number a draft was registered under, if it was.
func (s *Store) SentDraft(ctx context.Context, userID int64, draftID string) (number string, ok bool, err error) {
	number, err = s.rdb.HGet(ctx, s.k.userProposalKeys(userID), "d:"+draftID).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("storage: sent draft of user %d: %w", userID, err)
	}
	return number, true, nil
}

// UserProposals returns one page of a user's proposals, newest first, and
// how many they have in all. Each carries Number, Title, Status, CreatedAt
// and Answer only.
func (s *Store) UserProposals(ctx context.Context, userID int64, offset, count int) (total int, page []proposal.Proposal, err error) {
	res, err := proposalListScript.RunRO(ctx, s.rdb, []string{s.k.userProposals(userID)},
		s.k.proposalPrefix(), offset, offset+count-1,
	).Slice()
	if err != nil {
		return 0, nil, fmt.Errorf("storage: proposals of user %d: %w", userID, err)
	}
	if len(res) == 0 || (len(res)-1)%5 != 0 {
		return 0, nil, fmt.Errorf("storage: proposals of user %d: unexpected reply of %d items", userID, len(res))
	}
	n, err := intValue(res[0])
	if err != nil {
		return 0, nil, fmt.Errorf("storage: proposals of user %d: %w", userID, err)
	}
	for i := 1; i < len(res); i += 5 {
		p := proposal.Proposal{
			Number: stringValue(res[i]),
			Title:  stringValue(res[i+1]),
			Status: proposal.Status(stringValue(res[i+2])),
			Answer: stringValue(res[i+4]),
		}
		p.CreatedAt = millisTime(stringValue(res[i+3]))
		page = append(page, p)
	}
	return int(n), page, nil
}

// UserProposal returns one of the user's proposals; ErrProposalNotFound
// when there is none with that number, or it is someone else's.
func (s *Store) UserProposal(ctx context.Context, userID int64, number string) (*proposal.Proposal, error) {
	res, err := proposalGetScript.RunRO(ctx, s.rdb, []string{s.k.userProposals(userID)},
		s.k.proposalPrefix(), number,
	).StringSlice()
	if errors.Is(err, redis.Nil) {
		return nil, ErrProposalNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("storage: proposal of user %d: %w", userID, err)
	}
	return proposalFrom(pairs(res))
}

// Proposal returns a proposal by number, whoever sent it (the organizer
// side reads through it).
func (s *Store) Proposal(ctx context.Context, number string) (*proposal.Proposal, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.proposal(number)).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: proposal: %w", err)
	}
	return proposalFrom(m)
}

// ProposalAuthor returns who sent a proposal; ok is false when the author
// is not known (any more: /forgetme).
func (s *Store) ProposalAuthor(ctx context.Context, number string) (a proposal.Author, ok bool, err error) {
	m, err := s.rdb.HGetAll(ctx, s.k.proposalAuthor(number)).Result()
	if err != nil {
		return a, false, fmt.Errorf("storage: proposal author: %w", err)
	}
	if len(m) == 0 {
		return a, false, nil
	}
	a.UserID, _ = strconv.ParseInt(m["user_id"], 10, 64)
	a.ChatID, _ = strconv.ParseInt(m["chat_id"], 10, 64)
	a.Name, a.Phone, a.Username = m["name"], m["phone"], m["username"]
	return a, true, nil
}

// ProposalsWithStatus returns the numbers of proposals in status, oldest
// first, from offset on, and how many there are in all: an organizer's
// inbox is ProposalsWithStatus(registered).
func (s *Store) ProposalsWithStatus(ctx context.Context, status proposal.Status, offset, count int) (numbers []string, total int64, err error) {
	key := s.k.proposalsWithStatus(string(status))
	pipe := s.rdb.TxPipeline()
	rng := pipe.ZRange(ctx, key, int64(offset), int64(offset+count-1))
	card := pipe.ZCard(ctx, key)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, 0, fmt.Errorf("storage: proposals with status %s: %w", status, err)
	}
	return rng.Val(), card.Val(), nil
}

// WithdrawOutcome says what WithdrawProposal did.
type WithdrawOutcome int

// Outcomes of WithdrawProposal.
const (
	Withdrawn        WithdrawOutcome = iota + 1
	AlreadyWithdrawn                 // it was withdrawn before
	NotWithdrawable                  // answered, or in a final status
)

// WithdrawProposal withdraws one of the user's proposals that organizers
// have not answered (script proposal_withdraw); ErrProposalNotFound when
// it is not the user's.
func (s *Store) WithdrawProposal(ctx context.Context, userID int64, number string, now time.Time) (WithdrawOutcome, error) {
	from := proposal.WithdrawableStatuses()
	keys := []string{s.k.userProposals(userID), s.k.userProposalKeys(userID), s.k.proposalsWithStatus(string(proposal.StatusWithdrawn))}
	args := []any{s.k.proposalPrefix(), number, now.UnixMilli()}
	for _, st := range from {
		keys = append(keys, s.k.proposalsWithStatus(string(st)))
		args = append(args, string(st))
	}
	res, err := proposalWithdrawScript.Run(ctx, s.rdb, keys, args...).StringSlice()
	if err != nil {
		return 0, fmt.Errorf("storage: withdraw proposal of user %d: %w", userID, err)
	}
	switch res[0] {
	case "withdrawn":
		return Withdrawn, nil
	case "already":
		return AlreadyWithdrawn, nil
	case "final", "answered":
		return NotWithdrawable, nil
	case "notfound":
		return 0, ErrProposalNotFound
	}
	return 0, fmt.Errorf("storage: withdraw proposal: unexpected reply %q", res)
}

// proposalFrom reads a proposal's hash; ErrProposalNotFound when empty.
func proposalFrom(m map[string]string) (*proposal.Proposal, error) {
	if len(m) == 0 {
		return nil, ErrProposalNotFound
	}
	p := &proposal.Proposal{
		Number:          m["number"],
		Forum:           m["forum"],
		Category:        proposal.Category(m["category"]),
		Region:          m["region"],
		Title:           m["title"],
		Text:            m["text"],
		Anonymous:       m["anonymous"] == "1",
		Lang:            m["lang"],
		TextKey:         m["text_key"],
		Status:          proposal.Status(m["status"]),
		Answer:          m["answer"],
		AnsweredAt:      millisTime(m["answered_at"]),
		CreatedAt:       millisTime(m["created_at"]),
		UpdatedAt:       millisTime(m["updated_at"]),
		AuthorForgotten: m["forgotten_at"] != "",
	}
	p.Year, _ = strconv.Atoi(m["year"])
	p.Seq, _ = strconv.Atoi(m["seq"])
	if att := m["attachments"]; att != "" {
		if err := json.Unmarshal([]byte(att), &p.Attachments); err != nil {
			return nil, fmt.Errorf("storage: proposal %s: attachments: %w", p.Number, err)
		}
	}
	return p, nil
}

// pairs turns a flat field/value list (HGETALL from a script) into a map.
func pairs(kv []string) map[string]string {
	m := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// millisTime reads a time stored as Unix milliseconds; zero when absent.
func millisTime(s string) time.Time {
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil || ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

func boolField(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
