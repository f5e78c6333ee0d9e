package storage

import (
	"context"
	"sync/atomic"
	"testing"
)

// BenchmarkBeginSave is one update's storage work on the real server:
// Begin, a change, Save. It reports round trips per update.
//
//	go test -run '^$' -bench BeginSave -benchtime 20000x ./storage/
func BenchmarkBeginSave(b *testing.B) {
	ctx := b.Context()
	s, c := counted(b, Options{})
	rt0 := c.RoundTrips()
	var id int64
	b.ReportAllocs()
	for b.Loop() {
		id++
		sess, _, dup, err := s.Begin(ctx, id, id%1000)
		if err != nil || dup {
			b.Fatalf("Begin: dup=%v err=%v", dup, err)
		}
		sess.SetDialog("search", map[string]string{"page": "1"})
		if err := s.Save(ctx, sess); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(c.RoundTrips()-rt0)/float64(b.N), "roundtrips/op")
}

// BenchmarkBeginSaveParallel is the same from GOMAXPROCS goroutines on one
// client, as one bot process handling many chats; the round trips per
// update include the handshakes of the connections the pool opens.
func BenchmarkBeginSaveParallel(b *testing.B) {
	ctx := b.Context()
	s, c := counted(b, Options{})
	rt0 := c.RoundTrips()
	var id atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !beginSave(ctx, b, s, id.Add(1)) {
				return
			}
		}
	})
	b.ReportMetric(float64(c.RoundTrips()-rt0)/float64(b.N), "roundtrips/op")
}

// beginSave handles update n of chat n%1000 as the pipeline does (Begin,
// then Save with a change); false after a failure it reported.
func beginSave(ctx context.Context, b *testing.B, s *Store, n int64) bool {
	sess, _, dup, err := s.Begin(ctx, n, n%1000)
	if err != nil || dup {
		b.Errorf("Begin: dup=%v err=%v", dup, err)
		return false
	}
	sess.Lang = "kk"
	if err := s.Save(ctx, sess); err != nil {
		b.Error(err)
		return false
	}
	return true
}
