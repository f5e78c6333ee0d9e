package storage

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/storage/redistest"
)

// BenchmarkInbox measures one page of the organizers' inbox (script
// proposal_status_list) over 10,000 proposals: spread over 60 days, the
// 20 regions, 9 categories and 6 forums, a third under review, a tenth
// accepted, a tenth answered. An op is one page of 5, with the counts of
// matches, overdue and due soon.
//
//	go test -run '^$' -bench Inbox -benchtime 200x ./storage/
func BenchmarkInbox(b *testing.B) {
	s := seedBench(b, 10000)
	cal := proposal.NewCalendar(proposal.DefaultHolidays(), 0, almaty)
	now := t0.AddDate(0, 0, 1)
	q := func(f ProposalFilter) ProposalQuery {
		return ProposalQuery{Filter: f, OverdueBefore: cal.OverdueBefore(now), SoonBefore: cal.DueSoonBefore(now)}
	}
	for _, bc := range []struct {
		name string
		f    ProposalFilter
		page int
	}{
		{"todo", ProposalFilter{Status: FilterTodo}, 0},
		{"todo/page=100", ProposalFilter{Status: FilterTodo}, 100},
		{"status=under_review", ProposalFilter{Status: string(proposal.StatusUnderReview)}, 0},
		{"todo/region", ProposalFilter{Status: FilterTodo, Region: "jambyl"}, 0},
		{"all/region+category", ProposalFilter{Region: "jambyl", Category: string(proposal.CategoryEcology)}, 0},
		{"todo/forum=general", ProposalFilter{Status: FilterTodo, Forum: proposal.GeneralForum}, 0},
		{"todo/overdue", ProposalFilter{Status: FilterTodo, Due: DueOverdue}, 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var total int
			for b.Loop() {
				page, err := s.Inbox(b.Context(), q(bc.f), bc.page*5, 5)
				if err != nil {
					b.Fatal(err)
				}
				total = page.Total
			}
			b.ReportMetric(float64(total), "matches")
		})
	}
	b.Run("numbers/all", func(b *testing.B) {
		for b.Loop() {
			n, err := s.ProposalNumbers(b.Context(), q(ProposalFilter{}))
			if err != nil || len(n) != 10000 {
				b.Fatalf("%d numbers, %v", len(n), err)
			}
		}
	})
}

// BenchmarkInboxIndex measures proposal_status_index catching up with
// 10,000 proposals never indexed (the first filter by region, category or
// forum after a deploy onto them), 2,000 a call.
//
//	go test -run '^$' -bench InboxIndex -benchtime 10x ./storage/
func BenchmarkInboxIndex(b *testing.B) {
	s := seedBench(b, 10000)
	ctx := b.Context()
	q := ProposalQuery{OverdueBefore: t0, SoonBefore: t0}
	for b.Loop() {
		b.StopTimer()
		keys, err := s.rdb.Keys(ctx, s.k.proposalAttrPrefix()+"*").Result()
		if err == nil && len(keys) > 0 {
			err = s.rdb.Del(ctx, keys...).Err()
		}
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := s.indexAttrs(ctx, q, indexChunk); err != nil {
			b.Fatal(err)
		}
	}
}

// seedBench registers n proposals as described at BenchmarkInbox, on a
// server of the benchmark's own.
func seedBench(b *testing.B, n int) *Store {
	b.Helper()
	srv := redistest.Start(b, false)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), PoolSize: 16})
	b.Cleanup(func() { _ = rdb.Close() })
	s := New(rdb, Options{Prefix: "forumbot:"})
	ctx := b.Context()
	if err := s.loadScripts(ctx); err != nil {
		b.Fatal(err)
	}
	const users = 500
	for u := 0; u < users; u++ {
		if err := s.GiveConsent(ctx, int64(2e9+u), proposal.Consent{Version: proposal.ConsentVersion, At: t0, Lang: "kk"}); err != nil {
			b.Fatal(err)
		}
	}
	text := string([]rune(strings.Repeat("Ауладағы балалар алаңын жөндеу керек, жарық жоқ. ", 13))[:600])
	forums := []string{proposal.GeneralForum, "taraz-viii-2018", "kyzylorda-x-2021", "zhetysu-ii-2023", "almaty-xi", "taldykorgan-ngo-forum"}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				if err := seedOne(ctx, s, i, n, text, forums); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	return s
}

func seedOne(ctx context.Context, s *Store, i, n int, text string, forums []string) error {
	user := int64(2e9 + i%500)
	d := proposal.Draft{
		ID: fmt.Sprintf("%012x", i), Forum: forums[i%len(forums)], Category: proposal.Categories[i%len(proposal.Categories)],
		Region: catalog.Regions[i%len(catalog.Regions)].Code, Title: fmt.Sprintf("Ұсыныс %d: ауланы абаттандыру", i),
		Text: fmt.Sprintf("%s %d", text, i), Contact: proposal.Contact{Name: "Айгерім Сейітова", Phone: "+77011234567"},
	}
	at := t0.Add(-time.Duration(n-i) * (60 * 24 * time.Hour / time.Duration(n))) // over 60 days, in order
	r, err := s.SubmitProposal(ctx, Submission{
		Proposal: d.Proposal("kk"), Author: proposal.Author{UserID: user, ChatID: user, Name: d.Contact.Name, Phone: d.Contact.Phone},
		DraftID: d.ID, Now: at, Limit: 1 << 30, Window: proposal.LimitWindow,
	})
	if err != nil || r.Outcome != Submitted {
		return fmt.Errorf("proposal %d: %+v %v", i, r, err)
	}
	switch {
	case i%3 == 0:
		_, err = s.ChangeProposalStatus(ctx, StatusChange{Number: r.Number, From: proposal.StatusRegistered, To: proposal.StatusUnderReview, Actor: 1, Now: t0})
	case i%10 == 1:
		_, err = s.ChangeProposalStatus(ctx, StatusChange{Number: r.Number, From: proposal.StatusRegistered, To: proposal.StatusAccepted, Actor: 1, Now: t0})
	}
	if err == nil && i%10 == 2 {
		_, err = s.AnswerProposal(ctx, r.Number, "Рақмет, ұсыныс қаралады.", 1, t0)
	}
	return err
}
