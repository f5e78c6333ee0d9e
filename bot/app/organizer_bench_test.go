package app_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/handlers"
	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

// BenchmarkExportCSV measures the organizers' CSV export over 10,000
// proposals (600-character texts, named contacts, spread over the regions,
// categories and forums, some under review, accepted or answered): one op
// is the whole file written into memory, as the bot builds it before
// sending it, from the proposals read a chunk at a time. It reports the
// file's size and the rows written a second.
//
//	go test -run '^$' -bench ExportCSV -benchtime 5x ./bot/app/
func BenchmarkExportCSV(b *testing.B) {
	store := seedExportBench(b, 10000)
	loc := almatyLoc
	cal := proposal.NewCalendar(proposal.DefaultHolidays(), 0, loc)
	now := testNow.In(loc)
	for _, bc := range []struct {
		name string
		f    storage.ProposalFilter
	}{
		{"all", storage.ProposalFilter{}},
		{"todo", storage.ProposalFilter{Status: storage.FilterTodo}},
		{"region", storage.ProposalFilter{Region: "jambyl"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			opts := handlers.ExportOptions{
				Query: storage.ProposalQuery{Filter: bc.f, OverdueBefore: cal.OverdueBefore(now), SoonBefore: cal.DueSoonBefore(now)},
				Lang:  "kk", Catalog: catalog.Builtin(), Calendar: cal, Now: now,
			}
			var size, rows int
			for b.Loop() {
				var buf bytes.Buffer
				n, err := handlers.WriteProposalsCSV(b.Context(), &buf, store, opts)
				if err != nil {
					b.Fatal(err)
				}
				size, rows = buf.Len(), n
			}
			b.ReportMetric(float64(rows), "rows")
			b.ReportMetric(float64(size)/(1<<20), "MB")
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// seedExportBench registers n proposals on a redis-server of the
// benchmark's own.
func seedExportBench(b *testing.B, n int) *storage.Store {
	b.Helper()
	srv := redistest.Start(b, false)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), PoolSize: 16})
	b.Cleanup(func() { _ = rdb.Close() })
	s := storage.New(rdb, storage.Options{Prefix: "forumbot:"})
	ctx := context.Background()
	const users = 500
	for u := 0; u < users; u++ {
		if err := s.GiveConsent(ctx, int64(3e9+u), proposal.Consent{Version: proposal.ConsentVersion, At: testNow, Lang: "kk"}); err != nil {
			b.Fatal(err)
		}
	}
	text := string([]rune(strings.Repeat("Ауладағы балалар алаңын жөндеу керек, жарық жоқ, \"орындықтар\" сынған. ", 10))[:600])
	forums := []string{proposal.GeneralForum, "taraz-viii-2018", "kyzylorda-x-2021", "zhetysu-ii-2023", "almaty-xi", "taldykorgan-ngo-forum"}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				user := int64(3e9 + i%users)
				d := proposal.Draft{
					ID: fmt.Sprintf("%012x", i), Forum: forums[i%len(forums)], Category: proposal.Categories[i%len(proposal.Categories)],
					Region: catalog.Regions[i%len(catalog.Regions)].Code, Title: fmt.Sprintf("Ұсыныс %d: ауланы абаттандыру, Тараз", i),
					Text: fmt.Sprintf("%s\n%d", text, i), Contact: proposal.Contact{Name: "Айгерім Сейітова", Phone: "+77011234567"},
				}
				at := testNow.Add(-time.Duration(n-i) * (60 * 24 * time.Hour / time.Duration(n)))
				r, err := s.SubmitProposal(ctx, storage.Submission{
					Proposal: d.Proposal("kk"), Author: proposal.Author{UserID: user, ChatID: user, Name: d.Contact.Name, Phone: d.Contact.Phone, Username: "aigerim"},
					DraftID: d.ID, Now: at, Limit: 1 << 30, Window: proposal.LimitWindow,
				})
				if err == nil && r.Outcome != storage.Submitted {
					err = fmt.Errorf("proposal %d: %+v", i, r)
				}
				if err == nil && i%3 == 0 {
					_, err = s.ChangeProposalStatus(ctx, storage.StatusChange{Number: r.Number, From: proposal.StatusRegistered, To: proposal.StatusUnderReview, Actor: 1, Now: testNow})
				}
				if err == nil && i%10 == 2 {
					_, err = s.AnswerProposal(ctx, r.Number, "Рақмет, ұсыныс қаралады.", 1, testNow)
				}
				if err != nil {
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
