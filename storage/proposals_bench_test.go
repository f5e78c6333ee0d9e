package storage

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/storage/redistest"
)

// BenchmarkProposalMemory measures what a stored proposal costs Redis: one
// op stores one proposal (through SubmitProposal, with all its index
// entries) for one of b.N/3 users, each with three proposals. It reports
// the growth of INFO memory's used_memory per proposal, and MEMORY USAGE
// of one proposal's body and author hashes. text=N is the length of the
// text in characters (Cyrillic: two bytes each); each proposal has a
// title, one attachment and a named contact.
//
//	go test -run '^$' -bench ProposalMemory -benchtime 20000x ./storage/
func BenchmarkProposalMemory(b *testing.B) {
	for _, runes := range []int{600, 4000} {
		b.Run(fmt.Sprintf("text=%d", runes), func(b *testing.B) { benchMemory(b, runes) })
	}
}

func benchMemory(b *testing.B, runes int) {
	srv := redistest.Start(b, false) // a server of its own: nothing else moves its memory
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	b.Cleanup(func() { _ = rdb.Close() })
	s := New(rdb, Options{Prefix: "forumbot:"})
	ctx := b.Context()
	if err := s.loadScripts(ctx); err != nil {
		b.Fatal(err)
	}
	users := max(b.N/3, 1)
	for u := 0; u < users; u++ {
		if err := s.GiveConsent(ctx, int64(1e9+u), proposal.Consent{Version: proposal.ConsentVersion, At: t0, Lang: "ru"}); err != nil {
			b.Fatal(err)
		}
	}
	base := strings.Repeat("Предлагаю благоустроить дворы. ", runes/31+1)
	text := string([]rune(base)[:runes-8])
	used := func() int64 {
		info, err := rdb.Info(ctx, "memory").Result()
		if err != nil {
			b.Fatal(err)
		}
		for _, line := range strings.Split(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				return n
			}
		}
		b.Fatal("no used_memory")
		return 0
	}
	before := used()
	b.ResetTimer()
	var last string
	for i := 0; i < b.N; i++ {
		user := int64(1e9 + i%users)
		sub := submission(user, fmt.Sprintf("%012x", i), fmt.Sprintf("%s %08d", text[:len(text)-9], i), t0.Add(time.Duration(i)*time.Second))
		sub.Proposal.Title = fmt.Sprintf("Благоустройство двора номер %d", i)
		sub.Limit = 1 << 30
		r, err := s.SubmitProposal(ctx, sub)
		if err != nil || r.Outcome != Submitted {
			b.Fatalf("proposal %d: %+v %v", i, r, err)
		}
		last = r.Number
	}
	b.StopTimer()
	after := used()
	body, _ := rdb.MemoryUsage(ctx, s.k.proposal(last), 0).Result() // SAMPLES 0: every field
	author, _ := rdb.MemoryUsage(ctx, s.k.proposalAuthor(last), 0).Result()
	b.ReportMetric(float64(after-before)/float64(b.N), "B/proposal")
	b.ReportMetric(float64(body), "B/body")
	b.ReportMetric(float64(author), "B/author")
	b.ReportMetric(float64(len(text)), "text-bytes")
}
