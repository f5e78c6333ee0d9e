package storage

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot/proposal"
)

var almaty = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Almaty")
	if err != nil {
		panic(err)
	}
	return loc
}()

// t0 is 2026-11-21 12:00 in Almaty.
var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, almaty)

func submission(userID int64, draft, text string, now time.Time) Submission {
	d := proposal.Draft{
		ID: draft, Forum: proposal.GeneralForum, Category: proposal.CategoryEcology, Region: "jambyl",
		Title: "Таза қала", Text: text,
		Attachments: []proposal.Attachment{{Kind: proposal.KindDocument, FileID: "BQAD", UniqueID: "d1", Size: 2048, Name: "жоспар.pdf", MIME: "application/pdf"}},
		Contact:     proposal.Contact{Name: "Айгерім Сейітова", Phone: "+77011234567"},
	}
	return Submission{
		Proposal: d.Proposal("kk"),
		Author:   proposal.Author{UserID: userID, ChatID: userID, Name: d.Contact.Name, Phone: d.Contact.Phone, Username: "aigerim"},
		DraftID:  draft, Now: now, Limit: 5, Window: 24 * time.Hour,
	}
}

func consented(t *testing.T, s *Store, userIDs ...int64) {
	t.Helper()
	for _, id := range userIDs {
		if err := s.GiveConsent(t.Context(), id, proposal.Consent{Version: proposal.ConsentVersion, At: t0, Lang: "kk"}); err != nil {
			t.Fatal(err)
		}
	}
}

func submit(t *testing.T, s *Store, sub Submission) SubmitResult {
	t.Helper()
	r, err := s.SubmitProposal(t.Context(), sub)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSubmitWritesTheProposalAndEveryIndexAtOnce(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	rdb := s.Client()
	consented(t, s, 11)

	sub := submission(11, "aaaaaaaaaaaa", "Қаланың саябақтарына қоқыс жәшіктерін көбірек қою керек.", t0)
	r := submit(t, s, sub)
	if r.Outcome != Submitted || r.Number != "AF-2026-000001" || r.Recent != 1 {
		t.Fatalf("first proposal: %+v", r)
	}
	// The script builds the keys itself: they must be the shapes keys.go gives.
	for _, key := range []string{s.k.proposal(r.Number), s.k.proposalAuthor(r.Number)} {
		if n, _ := rdb.Exists(ctx, key).Result(); n != 1 {
			t.Errorf("%s not written", key)
		}
	}
	p, err := s.Proposal(ctx, r.Number)
	if err != nil {
		t.Fatal(err)
	}
	want := sub.Proposal
	want.Number, want.Year, want.Seq = r.Number, 2026, 1
	want.CreatedAt, want.UpdatedAt = t0.Local(), t0.Local()
	got := *p
	got.CreatedAt, got.UpdatedAt = got.CreatedAt.Local(), got.UpdatedAt.Local()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored proposal:\n got %+v\nwant %+v", got, want)
	}
	a, ok, err := s.ProposalAuthor(ctx, r.Number)
	if err != nil || !ok || a != sub.Author {
		t.Errorf("author %+v %v %v, want %+v", a, ok, err, sub.Author)
	}
	// The body knows nothing of its author.
	body, _ := rdb.HGetAll(ctx, s.k.proposal(r.Number)).Result()
	for f, v := range body {
		if strings.Contains(v, "Айгерім") || strings.Contains(v, "7011234567") || v == "11" && f != "seq" {
			t.Errorf("the body's %s holds the author: %q", f, v)
		}
	}
	// Every index entry.
	ms := float64(t0.UnixMilli())
	checks := []struct {
		key   string
		score float64
	}{
		{s.k.userProposals(11), ms},
		{s.k.proposalsOfYear(2026), 1},
		{s.k.proposalsWithStatus("registered"), ms},
	}
	for _, c := range checks {
		if sc, err := rdb.ZScore(ctx, c.key, r.Number).Result(); err != nil || sc != c.score {
			t.Errorf("%s: score %v, %v; want %v", c.key, sc, err, c.score)
		}
	}
	keysHash, _ := rdb.HGetAll(ctx, s.k.userProposalKeys(11)).Result()
	if keysHash["d:aaaaaaaaaaaa"] != r.Number || keysHash["t:"+sub.Proposal.TextKey] != r.Number {
		t.Errorf("proposal keys %v", keysHash)
	}
	if seq, _ := rdb.Get(ctx, s.k.proposalSeq(2026)).Int(); seq != 1 {
		t.Errorf("sequence %d", seq)
	}
	numbers, total, err := s.ProposalsWithStatus(ctx, proposal.StatusRegistered, 0, 10)
	if err != nil || total != 1 || !reflect.DeepEqual(numbers, []string{r.Number}) {
		t.Errorf("inbox %v %d %v", numbers, total, err)
	}
}

func TestSubmitIsIdempotentAndRefusesDuplicates(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	consented(t, s, 21, 22)
	text := "Предлагаю открыть молодёжный центр в каждом районе Шымкента."
	first := submit(t, s, submission(21, "bbbbbbbbbbbb", text, t0))

	// Send pressed again (a double tap from another process, a retry after
	// a crash): the same proposal.
	again := submit(t, s, submission(21, "bbbbbbbbbbbb", text, t0.Add(time.Second)))
	if again.Outcome != AlreadySubmitted || again.Number != first.Number || again.Recent != 1 {
		t.Errorf("same draft again: %+v, want %s", again, first.Number)
	}
	// A new draft with the same text, written differently: the earlier one.
	dup := submit(t, s, submission(21, "cccccccccccc", "  ПРЕДЛАГАЮ открыть молодежный центр, в каждом районе Шымкента!", t0.Add(time.Minute)))
	if dup.Outcome != DuplicateText || dup.Number != first.Number {
		t.Errorf("same text again: %+v, want %s", dup, first.Number)
	}
	// Another user may send the same text.
	other := submit(t, s, submission(22, "cccccccccccc", text, t0.Add(time.Minute)))
	if other.Outcome != Submitted || other.Number != "AF-2026-000002" {
		t.Errorf("another user: %+v", other)
	}
	if n, _ := s.Client().ZCard(ctx, s.k.proposalsOfYear(2026)).Result(); n != 2 {
		t.Errorf("%d proposals stored, want 2", n)
	}
}

func TestSubmitRateLimitIsASlidingWindow(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	consented(t, s, 31)
	sub := func(i int, at time.Time) Submission {
		x := submission(31, fmt.Sprintf("%012x", i), fmt.Sprintf("Ұсыныс нөмірі %d: аулаға орындық қою керек.", i), at)
		x.Limit = 3
		return x
	}
	for i := 0; i < 3; i++ {
		if r := submit(t, s, sub(i, t0.Add(time.Duration(i)*time.Hour))); r.Outcome != Submitted {
			t.Fatalf("proposal %d: %+v", i, r)
		}
	}
	st, err := s.ProposerState(ctx, 31, t0.Add(3*time.Hour), 24*time.Hour)
	if err != nil || st.Recent != 3 || !st.Oldest.Equal(t0) || !st.Consent.Current() || !st.Consent.At.Equal(t0) || st.Consent.Lang != "kk" {
		t.Fatalf("state %+v, %v", st, err)
	}
	r := submit(t, s, sub(3, t0.Add(3*time.Hour)))
	if r.Outcome != OverLimit || !r.RetryAt.Equal(t0.Add(24*time.Hour)) || r.Number != "" || r.Recent != 3 {
		t.Fatalf("over the limit: %+v", r)
	}
	// Exactly 24 h after the first, it has left the window.
	if r := submit(t, s, sub(3, t0.Add(24*time.Hour))); r.Outcome != Submitted {
		t.Fatalf("after the window: %+v", r)
	}
	if st, _ := s.ProposerState(ctx, 31, t0.Add(24*time.Hour), 24*time.Hour); st.Recent != 3 || !st.Oldest.Equal(t0.Add(time.Hour)) {
		t.Errorf("state after the window moved: %+v", st)
	}
}

func TestSubmitWithoutConsentStoresNothing(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	r := submit(t, s, submission(41, "dddddddddddd", "Ауылдарға интернет жүргізу қажет деп санаймын.", t0))
	if r.Outcome != NoConsent {
		t.Fatalf("no consent: %+v", r)
	}
	if err := s.GiveConsent(ctx, 41, proposal.Consent{Version: "0", At: t0}); err != nil {
		t.Fatal(err)
	}
	if r := submit(t, s, submission(41, "dddddddddddd", "Ауылдарға интернет жүргізу қажет деп санаймын.", t0)); r.Outcome != NoConsent {
		t.Fatalf("outdated consent: %+v", r)
	}
	keys := storeKeys(t, s)
	if len(keys) != 1 {
		t.Errorf("keys written without consent: %v", keys)
	}
}

func TestNumbersRunPerAlmatyYear(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	consented(t, s, 51)
	// 2026-12-31 23:30 in Almaty, then 00:30 on 1 January (still 2026 in UTC).
	last := time.Date(2026, 12, 31, 18, 30, 0, 0, time.UTC).In(almaty)
	first := time.Date(2026, 12, 31, 19, 30, 0, 0, time.UTC).In(almaty)
	r1 := submit(t, s, submission(51, "eeeeeeeeeeee", "Жаңа жылға дейін жіберілген бірінші ұсыныс.", last))
	r2 := submit(t, s, submission(51, "ffffffffffff", "Жаңа жылдан кейін жіберілген екінші ұсыныс.", first))
	if r1.Number != "AF-2026-000001" || r2.Number != "AF-2027-000001" {
		t.Errorf("numbers %s, %s", r1.Number, r2.Number)
	}
}

func TestConcurrentSubmitsGetDistinctSequentialNumbers(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	const n = 50
	users := make([]int64, n)
	for i := range users {
		users[i] = int64(600 + i)
	}
	consented(t, s, users...)
	var wg sync.WaitGroup
	numbers := make([]string, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r, err := s.SubmitProposal(t.Context(), submission(users[i], "abcabcabcabc", "Бір мәтін, бірақ әр қолданушыдан жіберілген.", t0))
			numbers[i], errs[i] = r.Number, err
		}(i)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	sort.Strings(numbers)
	for i, num := range numbers {
		if want := proposal.FormatNumber(2026, i+1); num != want {
			t.Fatalf("numbers[%d] = %s, want %s", i, num, want)
		}
	}
}

func TestAnonymousProposalKeepsOnlyTheLinkToItsAuthor(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	consented(t, s, 71)
	sub := submission(71, "a1a1a1a1a1a1", "Жастарға арналған спорт алаңдарын көбейту керек.", t0)
	sub.Proposal.Anonymous = true
	r := submit(t, s, sub)
	m, _ := s.Client().HGetAll(t.Context(), s.k.proposalAuthor(r.Number)).Result()
	if !reflect.DeepEqual(m, map[string]string{"user_id": "71", "chat_id": "71"}) {
		t.Errorf("anonymous author: %v", m)
	}
	if p, _ := s.Proposal(t.Context(), r.Number); !p.Anonymous {
		t.Error("not marked anonymous")
	}
}

func TestUserProposalsAreTheirsAlone(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	consented(t, s, 81, 82)
	var nums []string
	for i := 0; i < 7; i++ {
		sub := submission(81, fmt.Sprintf("%012d", i), fmt.Sprintf("Ұсыныс %d: кітапханаларды жаңарту керек.", i), t0.Add(time.Duration(i)*time.Minute))
		sub.Limit = 10
		nums = append(nums, submit(t, s, sub).Number)
	}
	total, page, err := s.UserProposals(ctx, 81, 5, 5)
	if err != nil || total != 7 || len(page) != 2 {
		t.Fatalf("page 2: %d %v %v", total, page, err)
	}
	if page[0].Number != nums[1] || page[1].Number != nums[0] || page[0].Status != proposal.StatusRegistered ||
		page[0].Title != "Таза қала" || !page[1].CreatedAt.Equal(t0) {
		t.Errorf("page 2, newest first: %+v", page)
	}
	if total, page, err := s.UserProposals(ctx, 82, 0, 5); err != nil || total != 0 || len(page) != 0 {
		t.Errorf("a user without proposals: %d %v %v", total, page, err)
	}
	p, err := s.UserProposal(ctx, 81, nums[3])
	if err != nil || p.Number != nums[3] || len(p.Attachments) != 1 || p.Attachments[0].Name != "жоспар.pdf" {
		t.Fatalf("own proposal: %+v %v", p, err)
	}
	for _, num := range []string{nums[3], "AF-2026-999999"} {
		if _, err := s.UserProposal(ctx, 82, num); !errors.Is(err, ErrProposalNotFound) {
			t.Errorf("user 82 reads %s: %v", num, err)
		}
	}
	if _, err := s.Proposal(ctx, "AF-2026-999999"); !errors.Is(err, ErrProposalNotFound) {
		t.Errorf("a missing proposal: %v", err)
	}
}

func TestWithdraw(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	rdb := s.Client()
	consented(t, s, 91, 92)
	text := "Әкімдіктің қабылдау кестесін интернетте жариялау керек."
	r := submit(t, s, submission(91, "919191919191", text, t0))

	if _, err := s.WithdrawProposal(ctx, 92, r.Number, t0); !errors.Is(err, ErrProposalNotFound) {
		t.Errorf("someone else withdraws: %v", err)
	}
	out, err := s.WithdrawProposal(ctx, 91, r.Number, t0.Add(time.Hour))
	if err != nil || out != Withdrawn {
		t.Fatalf("withdraw: %v %v", out, err)
	}
	p, _ := s.Proposal(ctx, r.Number)
	if p.Status != proposal.StatusWithdrawn || !p.UpdatedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("after withdrawal: %+v", p)
	}
	if n, _ := rdb.ZCard(ctx, s.k.proposalsWithStatus("registered")).Result(); n != 0 {
		t.Error("still in the registered list")
	}
	if _, err := rdb.ZScore(ctx, s.k.proposalsWithStatus("withdrawn"), r.Number).Result(); err != nil {
		t.Errorf("not in the withdrawn list: %v", err)
	}
	if out, err := s.WithdrawProposal(ctx, 91, r.Number, t0); err != nil || out != AlreadyWithdrawn {
		t.Errorf("twice: %v %v", out, err)
	}
	// The text is free again.
	if again := submit(t, s, submission(91, "929292929292", text, t0.Add(2*time.Hour))); again.Outcome != Submitted {
		t.Errorf("the same text after withdrawal: %+v", again)
	}

	// Answered, or accepted: too late (the organizer side writes these).
	answered := submit(t, s, submission(92, "939393939393", "Автобус аялдамаларына күнқағар орнату қажет.", t0))
	rdb.HSet(ctx, s.k.proposal(answered.Number), "answer", "Қаралды")
	accepted := submit(t, s, submission(92, "949494949494", "Мектеп асханаларының мәзірін жариялау керек.", t0))
	rdb.HSet(ctx, s.k.proposal(accepted.Number), "status", "accepted")
	for _, num := range []string{answered.Number, accepted.Number} {
		if out, err := s.WithdrawProposal(ctx, 92, num, t0); err != nil || out != NotWithdrawable {
			t.Errorf("%s: %v %v", num, out, err)
		}
	}
}

func TestForgetUserDeletesTheAuthorAndKeepsTheProposals(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	rdb := s.Client()
	consented(t, s, 101, 102)
	mine := submit(t, s, submission(101, "101010101010", "Саябақтарда тегін Wi-Fi орнатуды ұсынамын.", t0))
	theirs := submit(t, s, submission(102, "202020202020", "Саябақтарда тегін Wi-Fi орнатуды ұсынамын.", t0))
	sess, _, _, err := s.Begin(ctx, 1, 101)
	if err != nil {
		t.Fatal(err)
	}
	sess.Lang = "ru"
	sess.SetDialog("proposal.title", map[string]string{"name": "Айгерім"})
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Subscribe(ctx, 101, "ru"); err != nil {
		t.Fatal(err)
	}

	n, err := s.ForgetUser(ctx, 101, 101, t0.Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("ForgetUser: %d %v", n, err)
	}
	p, err := s.Proposal(ctx, mine.Number)
	if err != nil || p.Text == "" || !p.AuthorForgotten {
		t.Errorf("the proposal must stay, marked: %+v %v", p, err)
	}
	if _, ok, _ := s.ProposalAuthor(ctx, mine.Number); ok {
		t.Error("the author is still there")
	}
	for _, key := range []string{s.k.userProposals(101), s.k.userProposalKeys(101), s.k.consent(101), s.k.session(101), s.k.prefs(101)} {
		if n, _ := rdb.Exists(ctx, key).Result(); n != 0 {
			t.Errorf("%s survived", key)
		}
	}
	if ok, _ := rdb.SIsMember(ctx, s.k.chats(), 101).Result(); ok {
		t.Error("still a known chat")
	}
	if ok, _ := s.IsSubscribed(ctx, 101); ok {
		t.Error("still subscribed")
	}
	// Nothing anywhere names the user any more.
	all := storeKeys(t, s)
	for _, key := range all {
		if strings.Contains(key, "101") {
			t.Errorf("key %s left", key)
		}
		if rdb.Type(ctx, key).Val() == "hash" {
			for f, v := range rdb.HGetAll(ctx, key).Val() {
				if strings.Contains(v, "Айгерім") && key != s.k.proposalAuthor(theirs.Number) {
					t.Errorf("%s %s still holds the name", key, f)
				}
			}
		}
	}
	// The other user is untouched.
	if a, ok, _ := s.ProposalAuthor(ctx, theirs.Number); !ok || a.UserID != 102 {
		t.Errorf("the other user's author: %+v %v", a, ok)
	}
	if st, _ := s.ProposerState(ctx, 102, t0, 24*time.Hour); !st.Consent.Current() || st.Recent != 1 {
		t.Errorf("the other user's state: %+v", st)
	}
	// A forgotten user starts afresh: no consent, no proposals.
	if st, _ := s.ProposerState(ctx, 101, t0, 24*time.Hour); st.Consent.Version != "" || st.Recent != 0 {
		t.Errorf("after forgetting: %+v", st)
	}
	if _, ok, _ := s.SentDraft(ctx, 101, "101010101010"); ok {
		t.Error("the draft key survived")
	}
}

func TestSentDraft(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	consented(t, s, 111)
	r := submit(t, s, submission(111, "111111111111", "Қалалық көлікке электронды билет енгізу керек.", t0))
	if num, ok, err := s.SentDraft(t.Context(), 111, "111111111111"); err != nil || !ok || num != r.Number {
		t.Errorf("SentDraft: %q %v %v", num, ok, err)
	}
	if _, ok, err := s.SentDraft(t.Context(), 111, "222222222222"); err != nil || ok {
		t.Errorf("unsent draft: %v %v", ok, err)
	}
}

func TestSubmitRefusesAnIncompleteSubmission(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	bad := []func(*Submission){
		func(x *Submission) { x.Limit = 0 },
		func(x *Submission) { x.Window = 0 },
		func(x *Submission) { x.DraftID = "../x" },
		func(x *Submission) { x.Proposal.Status = "" },
		func(x *Submission) { x.Proposal.TextKey = "" },
	}
	for i, mod := range bad {
		sub := submission(121, "121212121212", "Ауыл шаруашылығына субсидия беру тәртібін жеңілдету.", t0)
		mod(&sub)
		if _, err := s.SubmitProposal(t.Context(), sub); err == nil {
			t.Errorf("case %d accepted", i)
		}
	}
}

// TestProposalScriptsRunOnMiniredis: the demo runs on miniredis, whose Lua
// is gopher-lua; the scripts must work there too.
func TestProposalScriptsRunOnMiniredis(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	s := New(rdb, Options{Prefix: "fb:"})
	consented(t, s, 7)
	r := submit(t, s, submission(7, "777777777777", "Демо үшін жіберілген ұсыныстың мәтіні осындай.", t0))
	if r.Outcome != Submitted || r.Number != "AF-2026-000001" {
		t.Fatalf("submit: %+v", r)
	}
	if r := submit(t, s, submission(7, "888888888888", "Демо үшін жіберілген ұсыныстың мәтіні осындай.", t0)); r.Outcome != DuplicateText {
		t.Errorf("duplicate: %+v", r)
	}
	if total, page, err := s.UserProposals(ctx, 7, 0, 5); err != nil || total != 1 || page[0].Number != r.Number {
		t.Errorf("list: %d %+v %v", total, page, err)
	}
	if p, err := s.UserProposal(ctx, 7, r.Number); err != nil || p.Number != r.Number {
		t.Errorf("get: %+v %v", p, err)
	}
	if st, err := s.ProposerState(ctx, 7, t0, 24*time.Hour); err != nil || st.Recent != 1 {
		t.Errorf("state: %+v %v", st, err)
	}
	if out, err := s.WithdrawProposal(ctx, 7, r.Number, t0); err != nil || out != Withdrawn {
		t.Errorf("withdraw: %v %v", out, err)
	}
	if n, err := s.ForgetUser(ctx, 7, 7, t0); err != nil || n != 1 {
		t.Errorf("forget: %d %v", n, err)
	}
	if m.Exists("fb:proposal:AF-2026-000001:author") || !m.Exists("fb:proposal:AF-2026-000001") {
		t.Error("forget on miniredis")
	}
}
