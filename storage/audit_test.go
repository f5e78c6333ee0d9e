package storage

import (
	"fmt"
	"testing"
	"time"
)

// TestAuditPages: pages go from the newest back, and a page asked for by
// the index it starts below stays the same while entries are added.
func TestAuditPages(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	if entries, total, err := s.AuditPage(ctx, 0, 10); err != nil || total != 0 || len(entries) != 0 {
		t.Fatalf("empty log: %v %d %v", entries, total, err)
	}
	for i := 0; i < 25; i++ {
		e := AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), Actor: 42, Action: AuditExport, Note: fmt.Sprintf("status=all rows=%d", i)}
		if err := s.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	indexes := func(entries []AuditEntry) string {
		var s []int64
		for _, e := range entries {
			s = append(s, e.Index)
		}
		return fmt.Sprint(s)
	}
	first, total, err := s.AuditPage(ctx, 0, 10)
	if err != nil || total != 25 || indexes(first) != "[24 23 22 21 20 19 18 17 16 15]" {
		t.Fatalf("newest page: %s of %d, %v", indexes(first), total, err)
	}
	e := first[0]
	if e.Note != "status=all rows=24" || e.Actor != 42 || e.Action != AuditExport || !e.At.Equal(t0.Add(24*time.Minute)) {
		t.Errorf("newest entry %+v", e)
	}
	// A new entry arrives; the second page is still the one after the first.
	if err := s.AppendAudit(ctx, AuditEntry{At: t0, Actor: 1, Action: AuditExport}); err != nil {
		t.Fatal(err)
	}
	second, total, _ := s.AuditPage(ctx, 15, 10)
	if total != 26 || indexes(second) != "[14 13 12 11 10 9 8 7 6 5]" {
		t.Errorf("second page: %s of %d", indexes(second), total)
	}
	last, _, _ := s.AuditPage(ctx, 5, 10)
	if indexes(last) != "[4 3 2 1 0]" || last[4].Note != "status=all rows=0" {
		t.Errorf("last page: %s", indexes(last))
	}
}
