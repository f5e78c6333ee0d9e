package qa

import (
	"testing"

	"github.com/forumbot/forumbot/bot/catalog"
)

// BenchmarkAnswer answers the whole question set in turn, one question per
// iteration, and reports questions per second:
//
//	go test ./bot/qa -run '^$' -bench Answer -cpu 1
func BenchmarkAnswer(b *testing.B) {
	set := loadEvalSet(b)
	c := catalog.Builtin()
	e := New(c, catalog.NewIndex(c))
	now := day(b, set.Now)
	qs := set.Questions
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		q := qs[i%len(qs)]
		e.Answer(q.Q, q.Lang, now)
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "questions/s")
}

// BenchmarkNew builds the engine for the built-in catalog, as the bot does
// once per catalog version.
func BenchmarkNew(b *testing.B) {
	c := catalog.Builtin()
	ix := catalog.NewIndex(c)
	b.ReportAllocs()
	for b.Loop() {
		New(c, ix)
	}
}
