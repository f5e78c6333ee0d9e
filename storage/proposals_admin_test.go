package storage

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/proposal"
)

// adminFixture is a spread of proposals for the organizers' side: spec i
// is registered at t0 minus days[i] days.
type adminSpec struct {
	user     int64
	daysAgo  int
	region   string
	category proposal.Category
	forum    string
	anon     bool
}

var adminSpecs = []adminSpec{
	{101, 40, "jambyl", proposal.CategoryEcology, proposal.GeneralForum, false},           // 1
	{102, 30, "astana", proposal.CategoryYouth, "taraz-viii-2018", true},                  // 2
	{101, 25, "jambyl", proposal.CategoryYouth, "taraz-viii-2018", false},                 // 3
	{103, 20, "almaty", proposal.CategoryEcology, proposal.GeneralForum, false},           // 4
	{102, 17, "jambyl", proposal.CategoryEducation, proposal.GeneralForum, false},         // 5
	{103, 12, "astana", proposal.CategoryEcology, "taraz-viii-2018", false},               // 6
	{101, 5, "jambyl", proposal.CategoryEcology, proposal.GeneralForum, true},             // 7
	{104, 1, "shymkent", proposal.CategoryOther, proposal.GeneralForum, false},            // 8
	{104, 0, "jambyl", proposal.CategoryEcology, "kyzylorda-x-2021", false},               // 9
	{105, 0, "jambyl", proposal.CategorySocial, proposal.GeneralForum, false},             // 10
	{105, 2, "abai", proposal.CategoryHealth, proposal.GeneralForum, false},               // 11 (registered after 10 by number, earlier in time)
	{106, 10, "jambyl", proposal.CategoryEcology, proposal.GeneralForum, false},           // 12
	{106, 9, "ulytau", proposal.CategoryLocalGov, proposal.GeneralForum, false},           // 13
	{107, 8, "jambyl", proposal.CategoryNGO, proposal.GeneralForum, false},                // 14
	{107, 3, "jambyl", proposal.CategoryCultureSport, proposal.GeneralForum, false},       // 15
	{108, 22, "jambyl", proposal.CategoryEcology, "taraz-viii-2018", false},               // 16
	{108, 15, "mangystau", proposal.CategoryEcology, proposal.GeneralForum, false},        // 17
	{109, 6, "jambyl", proposal.CategoryEcology, proposal.GeneralForum, false},            // 18
	{109, 4, "jambyl", proposal.CategoryYouth, proposal.GeneralForum, false},              // 19
	{110, 11, "karaganda", proposal.CategoryEcology, proposal.GeneralForum, false},        // 20
	{110, 16, "jambyl", proposal.CategoryEducation, "kyzylorda-x-2021", false},            // 21
	{111, 14, "jambyl", proposal.CategoryEcology, proposal.GeneralForum, false},           // 22
	{111, 13, "north_kazakhstan", proposal.CategoryEcology, proposal.GeneralForum, false}, // 23
}

// adminSubmission is spec i as proposal_submit registers it.
func adminSubmission(i int, sp adminSpec) Submission {
	d := proposal.Draft{
		ID: fmt.Sprintf("%012x", 0xa00000+i), Forum: sp.forum, Category: sp.category, Region: sp.region,
		Title: fmt.Sprintf("Ұсыныс %d", i+1), Text: fmt.Sprintf("Ұсыныстың мәтіні, нөмірі %d: саябақтар мен аулалар.", i+1),
		Contact: proposal.Contact{Anonymous: sp.anon, Name: "Айгерім Сейітова", Phone: "+77011234567"},
	}
	if sp.anon {
		d.Contact = proposal.Contact{Anonymous: true}
	}
	now := t0.AddDate(0, 0, -sp.daysAgo)
	return Submission{
		Proposal: d.Proposal("kk"),
		Author:   proposal.Author{UserID: sp.user, ChatID: sp.user, Name: d.Contact.Name, Phone: d.Contact.Phone, Username: "u" + fmt.Sprint(sp.user)},
		DraftID:  d.ID, Now: now, Limit: 1000, Window: 24 * time.Hour,
	}
}

// seedAdmin registers adminSpecs; number i+1 is spec i.
func seedAdmin(t *testing.T, s *Store) {
	t.Helper()
	for i, sp := range adminSpecs {
		consented(t, s, sp.user)
		r := submit(t, s, adminSubmission(i, sp))
		if want := proposal.FormatNumber(2026, i+1); r.Number != want {
			t.Fatalf("spec %d registered as %s, want %s", i, r.Number, want)
		}
	}
}

func numbersOf(items []InboxItem) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Number)
	}
	return out
}

func nums(seqs ...int) []string {
	out := []string{}
	for _, n := range seqs {
		out = append(out, proposal.FormatNumber(2026, n))
	}
	return out
}

// queryAt is the query of filter f at t0, with the 2026 calendar.
func queryAt(f ProposalFilter) ProposalQuery {
	cal := proposal.NewCalendar(proposal.DefaultHolidays(), 0, almaty)
	return ProposalQuery{Filter: f, OverdueBefore: cal.OverdueBefore(t0), SoonBefore: cal.DueSoonBefore(t0)}
}

func TestInboxFiltersAndPages(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	seedAdmin(t, s)

	// Oldest registration first, across pages.
	all := queryAt(ProposalFilter{})
	p1, err := s.Inbox(ctx, all, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if p1.Total != len(adminSpecs) || !reflect.DeepEqual(numbersOf(p1.Items), nums(1, 2, 3, 16, 4, 5, 21, 17, 22, 23)) {
		t.Fatalf("page 1: total %d, %v", p1.Total, numbersOf(p1.Items))
	}
	p3, _ := s.Inbox(ctx, all, 20, 10)
	if !reflect.DeepEqual(numbersOf(p3.Items), nums(8, 9, 10)) {
		t.Errorf("page 3: %v", numbersOf(p3.Items))
	}
	it := p1.Items[0]
	if it.Title != "Ұсыныс 1" || it.Status != proposal.StatusRegistered || it.Answered || !it.Registered.Equal(t0.AddDate(0, 0, -40)) {
		t.Errorf("item %+v", it)
	}

	// Deadlines at Saturday 21 November 2026: registered on or before
	// Sunday 1 November (counting starts on Monday 2 November) was due on
	// 20 November: overdue; registered on 2, 3 or 4 November, due by
	// Wednesday 25 November: within three working days.
	if p1.Overdue != 5 || p1.Soon != 1 {
		t.Errorf("overdue %d, soon %d; want 5 and 1", p1.Overdue, p1.Soon)
	}

	for _, tc := range []struct {
		f    ProposalFilter
		want []string
	}{
		{ProposalFilter{Region: "jambyl", Category: string(proposal.CategoryEcology)}, nums(1, 16, 22, 12, 18, 7, 9)},
		{ProposalFilter{Forum: "taraz-viii-2018"}, nums(2, 3, 16, 6)},
		{ProposalFilter{Forum: proposal.GeneralForum, Region: "astana"}, nums()},
		{ProposalFilter{Category: string(proposal.CategoryYouth), Region: "jambyl"}, nums(3, 19)},
		{ProposalFilter{Due: DueOverdue}, nums(1, 2, 3, 16, 4)},
		{ProposalFilter{Due: DueSoon}, nums(5)},
		{ProposalFilter{Due: DueOverdue, Region: "astana"}, nums(2)},
		{ProposalFilter{Status: string(proposal.StatusAccepted)}, nums()},
	} {
		page, err := s.Inbox(ctx, queryAt(tc.f), 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		if got := numbersOf(page.Items); !reflect.DeepEqual(got, tc.want) || page.Total != len(tc.want) {
			t.Errorf("%s: %v (total %d), want %v", tc.f, got, page.Total, tc.want)
		}
	}

	// Status changes and answers move proposals between the filters.
	move := func(n int, from, to proposal.Status) {
		t.Helper()
		r, err := s.ChangeProposalStatus(ctx, StatusChange{Number: proposal.FormatNumber(2026, n), From: from, To: to, Actor: 7, Now: t0})
		if err != nil || !r.Moved {
			t.Fatalf("move %d: %+v %v", n, r, err)
		}
	}
	move(1, proposal.StatusRegistered, proposal.StatusUnderReview)
	move(2, proposal.StatusRegistered, proposal.StatusRejected)
	if _, err := s.AnswerProposal(ctx, proposal.FormatNumber(2026, 2), "Қаржы жоқ.", 7, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WithdrawProposal(ctx, 101, proposal.FormatNumber(2026, 3), t0); err != nil {
		t.Fatal(err)
	}
	todo, _ := s.Inbox(ctx, queryAt(ProposalFilter{Status: FilterTodo}), 0, 5)
	if todo.Total != len(adminSpecs)-2 || !reflect.DeepEqual(numbersOf(todo.Items), nums(1, 16, 4, 5, 21)) || todo.Overdue != 3 {
		t.Errorf("todo: total %d overdue %d %v", todo.Total, todo.Overdue, numbersOf(todo.Items))
	}
	if todo.Items[0].Status != proposal.StatusUnderReview {
		t.Errorf("status in the list: %s", todo.Items[0].Status)
	}
	rej, _ := s.Inbox(ctx, queryAt(ProposalFilter{Status: string(proposal.StatusRejected)}), 0, 5)
	if !reflect.DeepEqual(numbersOf(rej.Items), nums(2)) || !rej.Items[0].Answered || rej.Overdue != 0 {
		t.Errorf("rejected: %+v", rej)
	}
	wd, _ := s.Inbox(ctx, queryAt(ProposalFilter{Status: string(proposal.StatusWithdrawn)}), 0, 5)
	if !reflect.DeepEqual(numbersOf(wd.Items), nums(3)) || wd.Overdue != 0 {
		t.Errorf("withdrawn: %+v", wd)
	}

	numbers, err := s.ProposalNumbers(ctx, queryAt(ProposalFilter{Region: "astana"}))
	if err != nil || !reflect.DeepEqual(numbers, nums(2, 6)) {
		t.Errorf("numbers in astana: %v %v", numbers, err)
	}
	for _, bad := range []ProposalFilter{{Status: "lost"}, {Region: "mars"}, {Category: "war"}, {Forum: "A B"}, {Due: "later"}} {
		if _, err := s.Inbox(ctx, queryAt(bad), 0, 5); err == nil {
			t.Errorf("filter %+v accepted", bad)
		}
	}
	if _, err := s.Inbox(ctx, ProposalQuery{Filter: ProposalFilter{Due: DueSoon}}, 0, 5); err == nil {
		t.Error("a due filter without deadlines accepted")
	}
}

func TestStatusChangeIsAtomicAndGuarded(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	rdb := s.Client()
	consented(t, s, 51)
	r := submit(t, s, submission(51, "cccccccccccc", "Аулаларға балалар алаңдарын салу керек, әсіресе жаңа аудандарда.", t0))
	n := r.Number
	later := t0.Add(time.Hour)

	res, err := s.ChangeProposalStatus(ctx, StatusChange{Number: n, From: proposal.StatusRegistered, To: proposal.StatusUnderReview, Actor: 9, Now: later})
	if err != nil || !res.Moved || res.AuthorChat != 51 {
		t.Fatalf("move: %+v %v", res, err)
	}
	if _, err := rdb.ZScore(ctx, s.k.proposalsWithStatus("registered"), n).Result(); err == nil {
		t.Error("still in registered")
	}
	if sc, err := rdb.ZScore(ctx, s.k.proposalsWithStatus("under_review"), n).Result(); err != nil || sc != float64(t0.UnixMilli()) {
		t.Errorf("under_review score %v %v, want the registration time", sc, err)
	}
	p, _ := s.Proposal(ctx, n)
	if p.Status != proposal.StatusUnderReview || !p.UpdatedAt.Equal(later) || !p.CreatedAt.Equal(t0) {
		t.Errorf("after the move: %+v", p)
	}
	entries, total, _ := s.AuditPage(ctx, 0, 10)
	want := AuditEntry{Index: 0, At: later, Actor: 9, Action: AuditStatus, Target: n, From: "registered", To: "under_review"}
	if total != 1 || len(entries) != 1 || !entries[0].At.Equal(later) {
		t.Fatalf("audit: %d %+v", total, entries)
	}
	entries[0].At = later
	if entries[0] != want {
		t.Errorf("audit entry %+v, want %+v", entries[0], want)
	}

	// Stale: the organizer saw registered, it is under review now.
	res, err = s.ChangeProposalStatus(ctx, StatusChange{Number: n, From: proposal.StatusRegistered, To: proposal.StatusRejected, Actor: 9, Now: later})
	if err != nil || res.Moved || res.Current != proposal.StatusUnderReview {
		t.Errorf("stale move: %+v %v", res, err)
	}
	// Not allowed by CanMove, or to withdrawn.
	for _, c := range []StatusChange{
		{Number: n, From: proposal.StatusUnderReview, To: proposal.StatusImplemented},
		{Number: n, From: proposal.StatusUnderReview, To: proposal.StatusWithdrawn},
		{Number: n, From: proposal.StatusUnderReview, To: "lost"},
	} {
		if _, err := s.ChangeProposalStatus(ctx, c); !errors.Is(err, ErrBadMove) {
			t.Errorf("%s → %s: %v", c.From, c.To, err)
		}
	}
	if _, err := s.ChangeProposalStatus(ctx, StatusChange{Number: "AF-2026-000099", From: proposal.StatusRegistered, To: proposal.StatusAccepted}); !errors.Is(err, ErrProposalNotFound) {
		t.Errorf("missing proposal: %v", err)
	}
	if _, err := s.ChangeProposalStatus(ctx, StatusChange{Number: "x*", From: proposal.StatusRegistered, To: proposal.StatusAccepted}); !errors.Is(err, ErrProposalNotFound) {
		t.Errorf("bad number: %v", err)
	}
	if _, total, _ := s.AuditPage(ctx, 0, 10); total != 1 {
		t.Errorf("refused moves were logged: %d entries", total)
	}

	// After /forgetme the move still works, with nobody to tell.
	if _, err := s.ForgetUser(ctx, 51, 51, later); err != nil {
		t.Fatal(err)
	}
	res, err = s.ChangeProposalStatus(ctx, StatusChange{Number: n, From: proposal.StatusUnderReview, To: proposal.StatusAccepted, Actor: 9, Now: later})
	if err != nil || !res.Moved || res.AuthorChat != 0 {
		t.Errorf("move after /forgetme: %+v %v", res, err)
	}
}

func TestAnswerBlocksWithdrawal(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	rdb := s.Client()
	consented(t, s, 61)
	n := submit(t, s, submission(61, "dddddddddddd", "Ауылдық кітапханаларға жаңа кітаптар мен компьютерлер керек.", t0)).Number
	later := t0.Add(2 * time.Hour)

	res, err := s.AnswerProposal(ctx, n, "Рақмет, ұсыныс қаралып жатыр.", 9, later)
	if err != nil || res.Replaced || res.AuthorChat != 61 {
		t.Fatalf("answer: %+v %v", res, err)
	}
	p, _ := s.Proposal(ctx, n)
	if p.Answer != "Рақмет, ұсыныс қаралып жатыр." || !p.AnsweredAt.Equal(later) || p.CanWithdraw() {
		t.Errorf("after the answer: %+v", p)
	}
	if sc, err := rdb.ZScore(ctx, s.k.proposalsAnswered(), n).Result(); err != nil || sc != float64(t0.UnixMilli()) {
		t.Errorf("answered index %v %v", sc, err)
	}
	if out, err := s.WithdrawProposal(ctx, 61, n, later); err != nil || out != NotWithdrawable {
		t.Errorf("withdrawal after an answer: %v %v", out, err)
	}
	res, err = s.AnswerProposal(ctx, n, "Ұсыныс қабылданды.", 9, later.Add(time.Hour))
	if err != nil || !res.Replaced {
		t.Errorf("second answer: %+v %v", res, err)
	}
	entries, _, _ := s.AuditPage(ctx, 0, 10)
	if len(entries) != 2 || entries[0].Note != "replaced" || entries[1].Note != "" || entries[1].Action != AuditAnswer {
		t.Errorf("audit %+v", entries)
	}
	for _, bad := range []string{"", "   ", string(make([]rune, MaxAnswerRunes+1))} {
		if _, err := s.AnswerProposal(ctx, n, bad, 9, later); err == nil {
			t.Errorf("answer of %d characters accepted", len([]rune(bad)))
		}
	}

	// A withdrawn proposal takes no answer.
	n2 := submit(t, s, submission(61, "eeeeeeeeeeee", "Саябақтарға көбірек орындықтар мен шамдар қою керек.", t0)).Number
	if _, err := s.WithdrawProposal(ctx, 61, n2, later); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AnswerProposal(ctx, n2, "Жауап.", 9, later); !errors.Is(err, ErrWithdrawn) {
		t.Errorf("answer to a withdrawn proposal: %v", err)
	}
	if _, err := s.AnswerProposal(ctx, "AF-2026-000042", "Жауап.", 9, later); !errors.Is(err, ErrProposalNotFound) {
		t.Errorf("answer to a missing proposal: %v", err)
	}
}

// TestAnswerAndWithdrawalRace: an answer and a withdrawal at the same time:
// exactly one wins, every time.
func TestAnswerAndWithdrawalRace(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	consented(t, s, 71)
	for i := 0; i < 20; i++ {
		sub := submission(71, fmt.Sprintf("%012x", 0xf00+i), fmt.Sprintf("Жарыс %d: бір уақытта жауап пен кері қайтару.", i), t0.Add(time.Duration(i)*time.Minute))
		sub.Limit = 100
		n := submit(t, s, sub).Number
		var wg sync.WaitGroup
		var out WithdrawOutcome
		var aerr, werr error
		wg.Add(2)
		go func() { defer wg.Done(); _, aerr = s.AnswerProposal(ctx, n, "Жауап.", 9, t0) }()
		go func() { defer wg.Done(); out, werr = s.WithdrawProposal(ctx, 71, n, t0) }()
		wg.Wait()
		if werr != nil {
			t.Fatal(werr)
		}
		p, _ := s.Proposal(ctx, n)
		switch {
		case aerr == nil && out == NotWithdrawable && p.Status == proposal.StatusRegistered && p.Answer != "":
		case errors.Is(aerr, ErrWithdrawn) && out == Withdrawn && p.Status == proposal.StatusWithdrawn && p.Answer == "":
		default:
			t.Fatalf("round %d: answer %v, withdrawal %v, stored %s %q", i, aerr, out, p.Status, p.Answer)
		}
	}
}

func TestEachProposalAndRecord(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	seedAdmin(t, s)
	if _, err := s.ForgetUser(ctx, 103, 103, t0); err != nil { // specs 4 and 6
		t.Fatal(err)
	}
	var got []string
	n, err := s.EachProposal(ctx, queryAt(ProposalFilter{Category: string(proposal.CategoryEcology), Region: "astana"}), func(r ProposalRecord) error {
		got = append(got, fmt.Sprintf("%s %v %q", r.Proposal.Number, r.HasAuthor, r.Author.Name))
		return nil
	})
	if err != nil || n != 1 || !reflect.DeepEqual(got, []string{`AF-2026-000006 false ""`}) {
		t.Errorf("astana ecology: %d %v %v", n, got, err)
	}
	got = nil
	n, err = s.EachProposal(ctx, queryAt(ProposalFilter{Forum: "taraz-viii-2018"}), func(r ProposalRecord) error {
		got = append(got, fmt.Sprintf("%s %v %q %v", r.Proposal.Number, r.HasAuthor, r.Author.Name, r.Proposal.Anonymous))
		return nil
	})
	want := []string{`AF-2026-000002 true "" true`, `AF-2026-000003 true "Айгерім Сейітова" false`,
		`AF-2026-000016 true "Айгерім Сейітова" false`, `AF-2026-000006 false "" false`}
	if err != nil || n != 4 || !reflect.DeepEqual(got, want) {
		t.Errorf("taraz: %d %v %v", n, got, err)
	}
	stop := errors.New("stop")
	if _, err := s.EachProposal(ctx, queryAt(ProposalFilter{}), func(ProposalRecord) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("fn's error: %v", err)
	}

	r, err := s.ProposalRecord(ctx, "AF-2026-000005")
	if err != nil || !r.HasAuthor || r.Author.Phone != "+77011234567" || r.Author.Username != "u102" || r.Proposal.Region != "jambyl" {
		t.Errorf("record: %+v %v", r, err)
	}
	for _, bad := range []string{"AF-2026-000099", "AF-2026-1", "proposal:x"} {
		if _, err := s.ProposalRecord(ctx, bad); !errors.Is(err, ErrProposalNotFound) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestChatLang(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	sess, _, _, err := s.Begin(ctx, 1, 81)
	if err != nil {
		t.Fatal(err)
	}
	sess.Lang = "ru"
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if lang, err := s.ChatLang(ctx, 81); err != nil || lang != "ru" {
		t.Errorf("chat 81: %q %v", lang, err)
	}
	if lang, err := s.ChatLang(ctx, 82); err != nil || lang != "" {
		t.Errorf("chat 82: %q %v", lang, err)
	}
}

// TestInboxAgreesWithAScan: for every filter, page and deadline split, the
// inbox (whose counts take shortcuts over whole status lists) says what a
// plain scan of every proposal says.
func TestInboxAgreesWithAScan(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	regions := []string{"jambyl", "astana", "almaty"}
	cats := []proposal.Category{proposal.CategoryEcology, proposal.CategoryYouth}
	forums := []string{proposal.GeneralForum, "taraz-viii-2018"}
	var numbers []string
	for i := 0; i < 60; i++ {
		user := int64(300 + i%7)
		consented(t, s, user)
		sp := adminSpec{user, (i * 37) % 45, regions[i%3], cats[i%2], forums[(i/2)%2], i%5 == 0}
		sub := adminSubmission(1000+i, sp)
		sub.Proposal.Title = fmt.Sprintf("Ұсыныс %d", i)
		r := submit(t, s, sub)
		numbers = append(numbers, r.Number)
		switch i % 6 {
		case 1:
			_, _ = s.ChangeProposalStatus(ctx, StatusChange{Number: r.Number, From: proposal.StatusRegistered, To: proposal.StatusUnderReview, Now: t0})
		case 2:
			_, _ = s.ChangeProposalStatus(ctx, StatusChange{Number: r.Number, From: proposal.StatusRegistered, To: proposal.StatusAccepted, Now: t0})
		case 3:
			if _, err := s.WithdrawProposal(ctx, user, r.Number, t0); err != nil {
				t.Fatal(err)
			}
		}
		if i%4 == 1 && i%6 != 3 {
			if _, err := s.AnswerProposal(ctx, r.Number, "Жауап.", 1, t0); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Every proposal as a plain read sees it.
	type row struct {
		number, region, category, forum, status string
		created                                 int64
		answered                                bool
	}
	var rows []row
	for _, n := range numbers {
		m, err := s.Client().HGetAll(ctx, s.k.proposal(n)).Result()
		if err != nil {
			t.Fatal(err)
		}
		p, _ := proposalFrom(m)
		rows = append(rows, row{n, p.Region, string(p.Category), p.Forum, string(p.Status), p.CreatedAt.UnixMilli(), p.Answer != ""})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].created != rows[j].created {
			return rows[i].created < rows[j].created
		}
		return rows[i].number < rows[j].number
	})
	cal := proposal.NewCalendar(proposal.DefaultHolidays(), 0, almaty)
	statuses := append([]string{"", FilterAll, FilterTodo}, func() (out []string) {
		for _, st := range proposal.Statuses {
			out = append(out, string(st))
		}
		return
	}()...)
	checked := 0
	for _, now := range []time.Time{t0, t0.AddDate(0, 0, 9), t0.AddDate(0, 0, 25)} {
		q := ProposalQuery{OverdueBefore: cal.OverdueBefore(now), SoonBefore: cal.DueSoonBefore(now)}
		over, soon := q.OverdueBefore.UnixMilli(), q.SoonBefore.UnixMilli()
		for _, st := range statuses {
			for _, region := range []string{"", "jambyl"} {
				for _, forum := range []string{"", "taraz-viii-2018"} {
					for _, cat := range []string{"", string(proposal.CategoryYouth)} {
						for _, due := range []string{"", DueOverdue, DueSoon} {
							f := ProposalFilter{Status: st, Region: region, Forum: forum, Category: cat, Due: due}
							q.Filter = f
							var want []string
							wo, ws := 0, 0
							for _, r := range rows {
								unanswered := f.Status == FilterTodo || f.Due != ""
								switch {
								case f.Status == FilterTodo && (r.answered || r.status == "withdrawn"),
									f.Status != "" && f.Status != FilterAll && f.Status != FilterTodo && r.status != f.Status,
									unanswered && (r.answered || r.status == "withdrawn"),
									region != "" && r.region != region, forum != "" && r.forum != forum, cat != "" && r.category != cat,
									due == DueOverdue && r.created >= over,
									due == DueSoon && (r.created < over || r.created >= soon):
									continue
								}
								want = append(want, r.number)
								if !r.answered && r.status != "withdrawn" {
									if r.created < over {
										wo++
									} else if r.created < soon {
										ws++
									}
								}
							}
							for _, pg := range []struct{ off, n int }{{0, 100}, {0, 5}, {5, 5}, {10, 7}} {
								page, err := s.Inbox(ctx, q, pg.off, pg.n)
								if err != nil {
									t.Fatal(err)
								}
								end := min(pg.off+pg.n, len(want))
								wantPage := []string{}
								if pg.off < len(want) {
									wantPage = want[pg.off:end]
								}
								if page.Total != len(want) || page.Overdue != wo || page.Soon != ws || !reflect.DeepEqual(numbersOf(page.Items), wantPage) {
									t.Fatalf("%s at %s, page %+v: total %d overdue %d soon %d %v; want %d %d %d %v",
										f, now.Format("01-02"), pg, page.Total, page.Overdue, page.Soon, numbersOf(page.Items), len(want), wo, ws, wantPage)
								}
								checked++
							}
							all, err := s.ProposalNumbers(ctx, q)
							if err != nil || !reflect.DeepEqual(append([]string{}, all...), append([]string{}, want...)) {
								t.Fatalf("%s: numbers %v, want %v (%v)", f, all, want, err)
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%d pages checked", checked)

	// The indexes of region, category and forum catch up with proposals
	// registered since, and have the shapes keys.go gives.
	q := queryAt(ProposalFilter{Region: "jambyl"})
	before, err := s.Inbox(ctx, q, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	consented(t, s, 399)
	submit(t, s, adminSubmission(2000, adminSpec{399, 0, "jambyl", proposal.CategoryNGO, proposal.GeneralForum, false}))
	after, err := s.Inbox(ctx, q, 0, 1)
	if err != nil || after.Total != before.Total+1 {
		t.Errorf("jambyl: %d proposals, then %d after one more (%v)", before.Total, after.Total, err)
	}
	for _, key := range []string{s.k.proposalAttr("region", "jambyl"), s.k.proposalAttr("category", "ngo"),
		s.k.proposalAttr("forum", proposal.GeneralForum)} {
		if n, _ := s.Client().ZCard(ctx, key).Result(); n == 0 {
			t.Errorf("index %s is empty", key)
		}
	}
	if mark, _ := s.Client().Get(ctx, s.k.proposalAttrMark(2026)).Int(); mark != 61 {
		t.Errorf("index mark %d, want 61", mark)
	}
}

// TestIndexCatchesUpInChunks: the indexes of region, category and forum
// are filled a chunk at a time, across years, each proposal once.
func TestIndexCatchesUpInChunks(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	seedAdmin(t, s) // 23 proposals of 2026
	consented(t, s, 120)
	for i := 0; i < 3; i++ { // and 3 of 2027
		sub := adminSubmission(3000+i, adminSpec{120, 0, "jambyl", proposal.CategoryEcology, proposal.GeneralForum, false})
		sub.Now = time.Date(2027, 1, 10+i, 10, 0, 0, 0, almaty)
		if r := submit(t, s, sub); r.Number != proposal.FormatNumber(2027, i+1) {
			t.Fatalf("2027: %+v", r)
		}
	}
	q := ProposalQuery{OverdueBefore: t0, SoonBefore: t0}
	if err := s.indexAttrs(ctx, q, 4); err != nil {
		t.Fatal(err)
	}
	for y, want := range map[int]int{2026: 23, 2027: 3} {
		if mark, _ := s.Client().Get(ctx, s.k.proposalAttrMark(y)).Int(); mark != want {
			t.Errorf("mark of %d: %d, want %d", y, mark, want)
		}
	}
	total := 0
	for _, r := range catalog.Regions {
		n, _ := s.Client().ZCard(ctx, s.k.proposalAttr("region", r.Code)).Result()
		total += int(n)
	}
	if total != 26 {
		t.Errorf("%d proposals in the region indexes, want 26", total)
	}
	sc, err := s.Client().ZScore(ctx, s.k.proposalAttr("region", "jambyl"), "AF-2027-000002").Result()
	if err != nil || sc != float64(time.Date(2027, 1, 11, 10, 0, 0, 0, almaty).UnixMilli()) {
		t.Errorf("score %v %v, want the registration time", sc, err)
	}
	page, err := s.Inbox(ctx, queryAt(ProposalFilter{Region: "jambyl", Category: string(proposal.CategoryEcology)}), 0, 20)
	if err != nil || page.Total != 10 || page.Items[len(page.Items)-1].Number != "AF-2027-000003" {
		t.Errorf("jambyl ecology: %d %v %v", page.Total, numbersOf(page.Items), err)
	}
}
