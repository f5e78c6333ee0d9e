package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/proposal"
)

// The organizers' side of proposals: the inbox (proposal_status_list, with
// proposal_status_index keeping the indexes of region, category and forum
// it filters by), a status change (proposal_status_change) and the
// official answer (proposal_answer), each one script, and the reads an
// export makes.

var (
	proposalStatusListScript   = newScript("proposal_status_list")
	proposalStatusChangeScript = newScript("outbox_time", "outbox_add", "proposal_status_change")
	proposalAnswerScript       = newScript("outbox_time", "outbox_add", "proposal_answer")
	proposalStatusIndexScript  = newScript("proposal_status_index")
)

func init() {
	allScripts = append(allScripts, proposalStatusListScript, proposalStatusChangeScript, proposalAnswerScript,
		proposalStatusIndexScript)
}

// Values of ProposalFilter.Status besides the statuses themselves, and of
// ProposalFilter.Due.
const (
	// FilterAll: every status (the zero value means the same).
	FilterAll = "all"
	// FilterTodo: proposals that still owe an answer: not answered, not
	// withdrawn. The organizers' inbox opens on it.
	FilterTodo = "todo"
	// DueOverdue: unanswered past their due day; DueSoon: unanswered, due
	// within proposal.SoonDays working days.
	DueOverdue = "overdue"
	DueSoon    = "soon"
)

// ProposalFilter chooses proposals for the inbox and the export. An empty
// field does not filter.
type ProposalFilter struct {
	Status   string // FilterAll, FilterTodo or a proposal.Status
	Region   string // a region code
	Category string // a proposal.Category
	Forum    string // a forum id, or proposal.GeneralForum
	Due      string // DueOverdue or DueSoon
}

// Check tells what is wrong with a filter, naming the field.
func (f ProposalFilter) Check() error {
	var problems []string
	switch {
	case f.Status == "", f.Status == FilterAll, f.Status == FilterTodo, proposal.Status(f.Status).Valid():
	default:
		problems = append(problems, fmt.Sprintf("status %q: use all, todo or one of %s", f.Status, joinStatuses()))
	}
	if f.Region != "" && !proposal.ValidRegion(f.Region) {
		problems = append(problems, fmt.Sprintf("region %q: use a region code such as %s", f.Region, catalog.Regions[0].Code))
	}
	if f.Category != "" && !proposal.Category(f.Category).Valid() {
		problems = append(problems, fmt.Sprintf("category %q: use one of %s", f.Category, joinCategories()))
	}
	if f.Forum != "" && !forumIDOK(f.Forum) {
		problems = append(problems, fmt.Sprintf("forum %q: use a forum id or %s", f.Forum, proposal.GeneralForum))
	}
	if f.Due != "" && f.Due != DueOverdue && f.Due != DueSoon {
		problems = append(problems, fmt.Sprintf("due %q: use %s or %s", f.Due, DueOverdue, DueSoon))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

func forumIDOK(id string) bool {
	if id == "" || len(id) > 40 {
		return false
	}
	for i, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' && i > 0) {
			return false
		}
	}
	return true
}

func joinStatuses() string {
	var s []string
	for _, st := range proposal.Statuses {
		s = append(s, string(st))
	}
	return strings.Join(s, ", ")
}

func joinCategories() string {
	var s []string
	for _, c := range proposal.Categories {
		s = append(s, string(c))
	}
	return strings.Join(s, ", ")
}

// String writes the filter for the audit log: "status=todo region=jambyl".
func (f ProposalFilter) String() string {
	var parts []string
	for _, kv := range [][2]string{{"status", f.Status}, {"region", f.Region}, {"category", f.Category}, {"forum", f.Forum}, {"due", f.Due}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	if len(parts) == 0 {
		return "status=all"
	}
	return strings.Join(parts, " ")
}

// ProposalQuery is a filter with the moments that split due proposals
// (proposal.Calendar's OverdueBefore and DueSoonBefore at now).
type ProposalQuery struct {
	Filter        ProposalFilter
	OverdueBefore time.Time
	SoonBefore    time.Time
}

// InboxItem is one proposal of an inbox page.
type InboxItem struct {
	Number     string
	Title      string
	Status     proposal.Status
	Registered time.Time
	Answered   bool
}

// InboxPage is one page of the inbox: its items and the counts over every
// proposal that passes the filter.
type InboxPage struct {
	Total int
	// Overdue and Soon count the unanswered, not withdrawn proposals among
	// them that are overdue, and due soon (not yet overdue).
	Overdue, Soon int
	Items         []InboxItem
}

// listArgs turns a query into the keys and arguments of
// proposal_status_list, after bringing the indexes of region, category
// and forum up to date when the filter names one.
func (s *Store) listArgs(ctx context.Context, q ProposalQuery, offset, count int, brief bool) ([]string, []any, error) {
	f := q.Filter
	if err := f.Check(); err != nil {
		return nil, nil, fmt.Errorf("storage: filter: %w", err)
	}
	var statuses []proposal.Status
	unanswered := f.Status == FilterTodo || f.Due != ""
	switch f.Status {
	case "", FilterAll, FilterTodo:
		for _, st := range proposal.Statuses {
			if st != proposal.StatusWithdrawn || !unanswered {
				statuses = append(statuses, st)
			}
		}
	default:
		statuses = []proposal.Status{proposal.Status(f.Status)}
	}
	lo, hi := "-inf", "+inf"
	over, soon := q.OverdueBefore.UnixMilli(), q.SoonBefore.UnixMilli()
	if f.Due != "" && (q.OverdueBefore.IsZero() || q.SoonBefore.IsZero()) {
		return nil, nil, errors.New("storage: filter: a due filter needs the deadlines")
	}
	switch f.Due {
	case DueOverdue:
		hi = "(" + strconv.FormatInt(over, 10)
	case DueSoon:
		lo, hi = strconv.FormatInt(over, 10), "("+strconv.FormatInt(soon, 10)
	}
	keys := make([]string, 0, len(statuses)+4)
	for _, st := range statuses {
		keys = append(keys, s.k.proposalsWithStatus(string(st)))
	}
	keys = append(keys, s.k.proposalsAnswered())
	for _, a := range [][2]string{{"region", f.Region}, {"category", f.Category}, {"forum", f.Forum}} {
		if a[1] != "" {
			keys = append(keys, s.k.proposalAttr(a[0], a[1]))
		}
	}
	if len(keys) > len(statuses)+1 {
		if err := s.indexAttrs(ctx, q, indexChunk); err != nil {
			return nil, nil, err
		}
	}
	// complete: the lists are every status but withdrawn (and withdrawn,
	// when it is there), which the script's counts by ZCOUNT rely on.
	complete := f.Status == "" || f.Status == FilterAll || f.Status == FilterTodo
	args := []any{s.k.proposalPrefix(), len(statuses), lo, hi, boolField(unanswered),
		offset, count, over, soon, boolField(brief), boolField(complete)}
	for _, st := range statuses {
		args = append(args, string(st))
	}
	return keys, args, nil
}

// firstProposalYear is the first year whose proposals the indexes of
// region, category and forum look for.
const firstProposalYear = 2024

// indexAttrs adds the proposals registered since its last call to the
// indexes of region, category and forum (script proposal_status_index),
// for every year up to the next one, chunk at a time.
func (s *Store) indexAttrs(ctx context.Context, q ProposalQuery, chunk int) error {
	last := max(time.Now().Year(), q.SoonBefore.Year(), q.OverdueBefore.Year()) + 1
	var keys []string
	for y := firstProposalYear; y <= last; y++ {
		keys = append(keys, s.k.proposalsOfYear(y), s.k.proposalAttrMark(y))
	}
	for {
		n, err := proposalStatusIndexScript.Run(ctx, s.rdb, keys, s.k.proposalPrefix(), s.k.proposalAttrPrefix(), chunk).Int()
		if err != nil {
			return fmt.Errorf("storage: index proposals: %w", err)
		}
		if n < chunk {
			return nil
		}
	}
}

// indexChunk is how many proposals one call of proposal_status_index
// indexes at most: about 25 ms of Redis's time.
const indexChunk = 2000

// Inbox returns one page of the proposals that pass q's filter, oldest
// registration first (the earliest deadline first), read at one instant
// (script proposal_status_list).
func (s *Store) Inbox(ctx context.Context, q ProposalQuery, offset, count int) (InboxPage, error) {
	keys, args, err := s.listArgs(ctx, q, offset, count, false)
	if err != nil {
		return InboxPage{}, err
	}
	res, err := proposalStatusListScript.RunRO(ctx, s.rdb, keys, args...).Slice()
	if err != nil {
		return InboxPage{}, fmt.Errorf("storage: inbox: %w", err)
	}
	if len(res) < 3 || (len(res)-3)%5 != 0 {
		return InboxPage{}, fmt.Errorf("storage: inbox: unexpected reply of %d items", len(res))
	}
	var page InboxPage
	var counts [3]int64
	for i := range counts {
		if counts[i], err = intValue(res[i]); err != nil {
			return InboxPage{}, fmt.Errorf("storage: inbox: %w", err)
		}
	}
	page.Total, page.Overdue, page.Soon = int(counts[0]), int(counts[1]), int(counts[2])
	for i := 3; i < len(res); i += 5 {
		page.Items = append(page.Items, InboxItem{
			Number:     stringValue(res[i]),
			Registered: millisTime(stringValue(res[i+1])),
			Status:     proposal.Status(stringValue(res[i+2])),
			Title:      stringValue(res[i+3]),
			Answered:   stringValue(res[i+4]) == "1",
		})
	}
	return page, nil
}

// ProposalNumbers returns the numbers of every proposal that passes q's
// filter, in the inbox's order.
func (s *Store) ProposalNumbers(ctx context.Context, q ProposalQuery) ([]string, error) {
	keys, args, err := s.listArgs(ctx, q, 0, -1, true)
	if err != nil {
		return nil, err
	}
	res, err := proposalStatusListScript.RunRO(ctx, s.rdb, keys, args...).Slice()
	if err != nil {
		return nil, fmt.Errorf("storage: proposal numbers: %w", err)
	}
	if len(res) < 3 {
		return nil, fmt.Errorf("storage: proposal numbers: unexpected reply of %d items", len(res))
	}
	out := make([]string, 0, len(res)-3)
	for _, v := range res[3:] {
		out = append(out, stringValue(v))
	}
	return out, nil
}

// ProposalRecord is a proposal with its author, as organizers see it.
type ProposalRecord struct {
	Proposal *proposal.Proposal
	// Author is who sent it; HasAuthor is false when the author is gone
	// (/forgetme).
	Author    proposal.Author
	HasAuthor bool
}

// exportChunk is how many proposals one round trip of EachProposal reads.
const exportChunk = 200

// EachProposal calls fn with every proposal that passes q's filter, with
// its author, in the inbox's order. It reads them a chunk at a time (one
// round trip each), so a proposal changed meanwhile is read as it is then;
// one deleted meanwhile is skipped. It returns how many fn was called for.
func (s *Store) EachProposal(ctx context.Context, q ProposalQuery, fn func(ProposalRecord) error) (int, error) {
	numbers, err := s.ProposalNumbers(ctx, q)
	if err != nil {
		return 0, err
	}
	n := 0
	for start := 0; start < len(numbers); start += exportChunk {
		chunk := numbers[start:min(start+exportChunk, len(numbers))]
		pipe := s.rdb.Pipeline()
		bodies := make([]*redis.MapStringStringCmd, len(chunk))
		authors := make([]*redis.MapStringStringCmd, len(chunk))
		for i, number := range chunk {
			bodies[i] = pipe.HGetAll(ctx, s.k.proposal(number))
			authors[i] = pipe.HGetAll(ctx, s.k.proposalAuthor(number))
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return n, fmt.Errorf("storage: export: %w", err)
		}
		for i := range chunk {
			p, err := proposalFrom(bodies[i].Val())
			if errors.Is(err, ErrProposalNotFound) {
				continue
			}
			if err != nil {
				return n, err
			}
			r := ProposalRecord{Proposal: p}
			r.Author, r.HasAuthor = authorFrom(authors[i].Val())
			if err := fn(r); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// ProposalRecord returns one proposal with its author, whoever sent it;
// ErrProposalNotFound when there is none with that number.
func (s *Store) ProposalRecord(ctx context.Context, number string) (ProposalRecord, error) {
	if _, _, ok := proposal.ParseNumber(number); !ok {
		return ProposalRecord{}, ErrProposalNotFound
	}
	pipe := s.rdb.Pipeline()
	body := pipe.HGetAll(ctx, s.k.proposal(number))
	author := pipe.HGetAll(ctx, s.k.proposalAuthor(number))
	if _, err := pipe.Exec(ctx); err != nil {
		return ProposalRecord{}, fmt.Errorf("storage: proposal record: %w", err)
	}
	p, err := proposalFrom(body.Val())
	if err != nil {
		return ProposalRecord{}, err
	}
	r := ProposalRecord{Proposal: p}
	r.Author, r.HasAuthor = authorFrom(author.Val())
	return r, nil
}

func authorFrom(m map[string]string) (proposal.Author, bool) {
	if len(m) == 0 {
		return proposal.Author{}, false
	}
	var a proposal.Author
	a.UserID, _ = strconv.ParseInt(m["user_id"], 10, 64)
	a.ChatID, _ = strconv.ParseInt(m["chat_id"], 10, 64)
	a.Name, a.Phone, a.Username = m["name"], m["phone"], m["username"]
	return a, true
}

// ErrBadMove is returned for a status change proposal.CanMove does not
// allow, or one to withdrawn (only the author withdraws).
var ErrBadMove = errors.New("storage: this status change is not allowed")

// StatusChange is an organizer's move of a proposal from the status they
// saw to another.
type StatusChange struct {
	Number   string
	From, To proposal.Status
	Actor    int64
	Now      time.Time
}

// StatusResult says what ChangeProposalStatus did.
type StatusResult struct {
	// Moved is false when the proposal was no longer in From (Current
	// says where it is): nothing changed.
	Moved   bool
	Current proposal.Status
	// AuthorChat is the author's chat, to tell them; 0 when the author is
	// gone (/forgetme).
	AuthorChat int64
	// Notice is the id of the notice to the author recorded with the
	// change (outbox.go), "" when there is nobody to tell.
	Notice string
}

// ChangeProposalStatus moves a proposal between statuses, with its index
// entries and an audit entry, in one step (script
// proposal_status_change), guarded by proposal.CanMove and by the
// proposal still being in c.From.
func (s *Store) ChangeProposalStatus(ctx context.Context, c StatusChange) (StatusResult, error) {
	if _, _, ok := proposal.ParseNumber(c.Number); !ok {
		return StatusResult{}, ErrProposalNotFound
	}
	if !proposal.CanMove(c.From, c.To) || c.To == proposal.StatusWithdrawn {
		return StatusResult{}, ErrBadMove
	}
	entry := AuditEntry{At: c.Now, Actor: c.Actor, Action: AuditStatus, Target: c.Number, From: string(c.From), To: string(c.To)}
	notice, chat, err := s.noticeKeys(ctx, c.Number)
	if err != nil {
		return StatusResult{}, err
	}
	res, err := proposalStatusChangeScript.Run(ctx, s.rdb, append([]string{
		s.k.proposal(c.Number), s.k.proposalAuthor(c.Number),
		s.k.proposalsWithStatus(string(c.From)), s.k.proposalsWithStatus(string(c.To)), s.k.audit(),
	}, notice...), string(c.From), string(c.To), c.Now.UnixMilli(), entry.encode(), chat, NoticeHold.Milliseconds()).StringSlice()
	if err != nil {
		return StatusResult{}, fmt.Errorf("storage: status of %s: %w", c.Number, err)
	}
	switch {
	case len(res) == 1 && res[0] == "notfound":
		return StatusResult{}, ErrProposalNotFound
	case len(res) == 2 && res[0] == "changed":
		return StatusResult{Current: proposal.Status(res[1])}, nil
	case len(res) == 3 && res[0] == "moved":
		chat, _ := strconv.ParseInt(res[1], 10, 64)
		return StatusResult{Moved: true, Current: c.To, AuthorChat: chat, Notice: res[2]}, nil
	}
	return StatusResult{}, fmt.Errorf("storage: status of %s: unexpected reply %q", c.Number, res)
}

// ErrWithdrawn is returned for an answer to a withdrawn proposal.
var ErrWithdrawn = errors.New("storage: the proposal is withdrawn")

// AnswerResult says what AnswerProposal did.
type AnswerResult struct {
	Replaced   bool   // an earlier answer was replaced
	AuthorChat int64  // 0 when the author is gone (/forgetme)
	Notice     string // the notice to the author (outbox.go); "" for nobody
}

// MaxAnswerRunes bounds an official answer: it must fit one Telegram
// message with the lines around it.
const MaxAnswerRunes = 3000

// AnswerProposal stores the official answer to a proposal, with the index
// of answered proposals and an audit entry, in one step (script
// proposal_answer). From then on the author cannot withdraw it.
func (s *Store) AnswerProposal(ctx context.Context, number, answer string, actor int64, now time.Time) (AnswerResult, error) {
	if _, _, ok := proposal.ParseNumber(number); !ok {
		return AnswerResult{}, ErrProposalNotFound
	}
	if strings.TrimSpace(answer) == "" || len([]rune(answer)) > MaxAnswerRunes {
		return AnswerResult{}, fmt.Errorf("storage: answer to %s: empty or longer than %d characters", number, MaxAnswerRunes)
	}
	first := AuditEntry{At: now, Actor: actor, Action: AuditAnswer, Target: number}
	again := first
	again.Note = "replaced"
	notice, chat, err := s.noticeKeys(ctx, number)
	if err != nil {
		return AnswerResult{}, err
	}
	res, err := proposalAnswerScript.Run(ctx, s.rdb, append([]string{
		s.k.proposal(number), s.k.proposalAuthor(number), s.k.proposalsAnswered(), s.k.audit(),
	}, notice...), answer, now.UnixMilli(), first.encode(), again.encode(), chat, NoticeHold.Milliseconds()).StringSlice()
	if err != nil {
		return AnswerResult{}, fmt.Errorf("storage: answer to %s: %w", number, err)
	}
	switch {
	case len(res) == 1 && res[0] == "notfound":
		return AnswerResult{}, ErrProposalNotFound
	case len(res) == 1 && res[0] == "withdrawn":
		return AnswerResult{}, ErrWithdrawn
	case len(res) == 4 && res[0] == "answered":
		chat, _ := strconv.ParseInt(res[1], 10, 64)
		return AnswerResult{Replaced: res[2] == "1", AuthorChat: chat, Notice: res[3]}, nil
	}
	return AnswerResult{}, fmt.Errorf("storage: answer to %s: unexpected reply %q", number, res)
}

// ChatLang is the language a chat chose (its prefs), "" when none is
// stored (the chat never wrote, or used /forgetme).
func (s *Store) ChatLang(ctx context.Context, chatID int64) (string, error) {
	lang, err := s.rdb.HGet(ctx, s.k.prefs(chatID), "lang").Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("storage: language of chat %d: %w", chatID, err)
	}
	return lang, nil
}
