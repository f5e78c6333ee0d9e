package storage

import (
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot/proposal"
)

// waitFor polls cond until it holds, failing after 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 20 s for %s", what)
		}
	}
}

// TestChangesRecordTheirNotice: a status change and an answer record, in
// their own step, the notice the author is owed: the author's chat, the
// chat's language (else the proposal's), the kind and the new status; a
// proposal whose author used /forgetme gets none.
func TestChangesRecordTheirNotice(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	consented(t, s, 501, 502)
	a := submit(t, s, submission(501, "a00000000001", "Қаладағы саябақтарды жаңарту туралы ұсыныс.", t0)).Number
	b := submit(t, s, submission(502, "a00000000002", "Ауладағы балалар алаңын жөндеу туралы ұсыныс.", t0)).Number
	if err := s.rdb.HSet(ctx, s.k.prefs(501), "lang", "ru").Err(); err != nil {
		t.Fatal(err)
	}

	res, err := s.ChangeProposalStatus(ctx, StatusChange{Number: a, From: proposal.StatusRegistered, To: proposal.StatusUnderReview, Actor: 9, Now: t0})
	if err != nil || res.Notice == "" || res.AuthorChat != 501 {
		t.Fatalf("status change: %+v %v", res, err)
	}
	ans, err := s.AnswerProposal(ctx, b, "Жауап.", 9, t0)
	if err != nil || ans.Notice == "" || ans.Notice == res.Notice {
		t.Fatalf("answer: %+v %v", ans, err)
	}
	if n, _ := s.PendingNotices(ctx); n != 2 {
		t.Fatalf("%d notices pending, want 2", n)
	}
	// Held for the process that recorded them: no other sender takes them.
	if got, err := s.ClaimNotices(ctx, 10, time.Minute); err != nil || len(got) != 0 {
		t.Fatalf("claimed within the hold: %+v %v", got, err)
	}
	n1, ok, err := s.ClaimNotice(ctx, res.Notice, time.Minute)
	if err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if n1.Number != a || n1.Kind != NoticeStatus || n1.Status != proposal.StatusUnderReview || n1.ChatID != 501 || n1.Lang != "ru" || n1.Tries != 1 {
		t.Errorf("status notice %+v", n1)
	}
	if d := time.Since(n1.Created); d < -time.Minute || d > time.Minute {
		t.Errorf("created %s, not Redis's now", n1.Created)
	}
	n2, ok, err := s.ClaimNotice(ctx, ans.Notice, time.Minute)
	if err != nil || !ok || n2.Number != b || n2.Kind != NoticeAnswer || n2.ChatID != 502 || n2.Lang != "kk" {
		t.Errorf("answer notice %+v %v %v (the proposal's language when the chat has none)", n2, ok, err)
	}

	// /forgetme: the notice still waiting for the user goes (its entry
	// holds the chat id), and nobody is told of later changes.
	if _, err := s.ForgetUser(ctx, 502, 502, t0); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.PendingNotices(ctx); n != 1 {
		t.Errorf("%d notices pending after /forgetme, want the other user's 1", n)
	}
	if left, err := s.rdb.HGetAll(ctx, s.k.noticeEntries()).Result(); err != nil || len(left) != 1 || left[res.Notice] == "" {
		t.Errorf("notice entries after /forgetme: %v %v, want only %s", left, err, res.Notice)
	}
	if stats, err := s.NoticeStats(ctx); err != nil || stats[NoticeForgotten] != 1 {
		t.Errorf("stats after /forgetme: %v %v", stats, err)
	}
	if _, ok, err := s.ClaimNotice(ctx, ans.Notice, time.Minute); err != nil || ok {
		t.Errorf("the forgotten user's notice could still be claimed: %v %v", ok, err)
	}
	res, err = s.ChangeProposalStatus(ctx, StatusChange{Number: b, From: proposal.StatusRegistered, To: proposal.StatusAccepted, Actor: 9, Now: t0})
	if err != nil || !res.Moved || res.Notice != "" || res.AuthorChat != 0 {
		t.Errorf("status change of a forgotten author's proposal: %+v %v", res, err)
	}
	if ans, err := s.AnswerProposal(ctx, b, "Тағы.", 9, t0); err != nil || ans.Notice != "" {
		t.Errorf("answer to a forgotten author's proposal: %+v %v", ans, err)
	}
	if n, _ := s.PendingNotices(ctx); n != 1 {
		t.Errorf("%d notices pending, want 1", n)
	}
	if chat, err := s.NoticeAuthorChat(ctx, b); err != nil || chat != 0 {
		t.Errorf("author chat after /forgetme: %d %v", chat, err)
	}
}

// TestNoticeClaims: a notice claimed is nobody else's until its lease
// ends, then the next claim takes it over; a retry from a sender whose
// claim was taken over changes nothing; sent and dropped notices are
// deleted and counted once.
func TestNoticeClaims(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	consented(t, s, 511)
	num := submit(t, s, submission(511, "a00000000011", "Мектеп жанындағы жолды жөндеу туралы ұсыныс.", t0)).Number
	res, err := s.ChangeProposalStatus(ctx, StatusChange{Number: num, From: proposal.StatusRegistered, To: proposal.StatusUnderReview, Actor: 9, Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	first, ok, err := s.ClaimNotice(ctx, res.Notice, time.Millisecond)
	if err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if _, ok, _ := s.ClaimNotice(ctx, res.Notice, time.Minute); ok {
		t.Fatal("a notice claimed twice at once")
	}
	// The lease of 1 ms ends: another sender takes it over.
	var second Notice
	waitFor(t, "the notice to be taken over", func() bool {
		got, err := s.ClaimNotices(ctx, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 1 {
			second = got[0]
		}
		return len(got) > 0
	})
	if second.ID != res.Notice || second.Tries != 2 {
		t.Fatalf("taken over: %+v", second)
	}
	if got, _ := s.ClaimNotices(ctx, 10, time.Minute); len(got) != 0 {
		t.Fatalf("claimed again within the lease: %+v", got)
	}
	if applied, err := s.FinishNotice(ctx, first, NoticeRetry, 0); err != nil || applied {
		t.Errorf("the first sender's retry after the takeover: applied=%v %v", applied, err)
	}
	// The second sender retries at once: claimable again.
	if applied, err := s.FinishNotice(ctx, second, NoticeRetry, 0); err != nil || !applied {
		t.Fatalf("retry: %v %v", applied, err)
	}
	got, err := s.ClaimNotices(ctx, 10, time.Minute)
	if err != nil || len(got) != 1 || got[0].Tries != 3 {
		t.Fatalf("after the retry: %+v %v", got, err)
	}
	if applied, _ := s.FinishNotice(ctx, got[0], NoticeSent, 0); !applied {
		t.Error("sent not applied")
	}
	// The first sender's late "sent" (or any outcome) finds nothing.
	if applied, _ := s.FinishNotice(ctx, first, NoticeSent, 0); applied {
		t.Error("a notice counted sent twice")
	}
	if n, _ := s.PendingNotices(ctx); n != 0 {
		t.Errorf("%d notices left", n)
	}
	for _, k := range []string{s.k.noticeEntries(), s.k.noticeTries()} {
		if n, _ := s.rdb.HLen(ctx, k).Result(); n != 0 {
			t.Errorf("%s keeps %d fields", k, n)
		}
	}

	// A blocked author: dropped and counted.
	res, err = s.ChangeProposalStatus(ctx, StatusChange{Number: num, From: proposal.StatusUnderReview, To: proposal.StatusRejected, Actor: 9, Now: t0})
	if err != nil || res.Notice == "" {
		t.Fatalf("second change: %+v %v", res, err)
	}
	n, _, _ := s.ClaimNotice(ctx, res.Notice, time.Minute)
	if applied, _ := s.FinishNotice(ctx, n, NoticeBlocked, 0); !applied {
		t.Error("blocked not applied")
	}
	stats, err := s.NoticeStats(ctx)
	if err != nil || stats[NoticeSent] != 1 || stats[NoticeBlocked] != 1 || len(stats) != 2 {
		t.Errorf("stats %v %v", stats, err)
	}
}

// TestOutboxScriptsRunOnMiniredis: the demo runs on miniredis (gopher-lua,
// its own TIME).
func TestOutboxScriptsRunOnMiniredis(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	s := New(rdb, Options{Prefix: "fb:"})
	consented(t, s, 7)
	num := submit(t, s, submission(7, "777777777777", "Демо үшін жіберілген ұсыныстың мәтіні осындай.", t0)).Number
	ans, err := s.AnswerProposal(ctx, num, "Жауап.", 9, t0)
	if err != nil || ans.Notice == "" {
		t.Fatalf("answer: %+v %v", ans, err)
	}
	n, ok, err := s.ClaimNotice(ctx, ans.Notice, time.Minute)
	if err != nil || !ok || n.ChatID != 7 || n.Kind != NoticeAnswer {
		t.Fatalf("claim: %+v %v %v", n, ok, err)
	}
	if applied, err := s.FinishNotice(ctx, n, NoticeSent, 0); err != nil || !applied {
		t.Fatalf("finish: %v %v", applied, err)
	}
	if p, _ := s.PendingNotices(ctx); p != 0 {
		t.Errorf("%d pending", p)
	}
}

// BenchmarkAnswerWithNotice: an official answer with the notice recorded
// in its step (the author's chat read first, then the script), and the
// notice claimed and finished as a sender does.
//
//	go test -run '^$' -bench AnswerWithNotice -benchtime 2000x ./storage/
func BenchmarkAnswerWithNotice(b *testing.B) {
	ctx := b.Context()
	s := newStore(b, Options{})
	if err := s.GiveConsent(ctx, 601, proposal.Consent{Version: proposal.ConsentVersion, At: t0, Lang: "kk"}); err != nil {
		b.Fatal(err)
	}
	r, err := s.SubmitProposal(ctx, submission(601, "b00000000001", "Қаладағы саябақтарды жаңарту туралы ұсыныс.", t0))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		res, err := s.AnswerProposal(ctx, r.Number, "Рақмет, ұсыныс қаралады.", 1, t0)
		if err != nil {
			b.Fatal(err)
		}
		n, ok, err := s.ClaimNotice(ctx, res.Notice, time.Minute)
		if err != nil || !ok {
			b.Fatal(ok, err)
		}
		if _, err := s.FinishNotice(ctx, n, NoticeSent, 0); err != nil {
			b.Fatal(err)
		}
	}
}
