package storage

import (
	"testing"
	"time"
)

func TestGrantAndRevokeOrganizer(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	const admin = 1

	if ok, err := s.IsOrganizer(ctx, 500); err != nil || ok {
		t.Fatalf("before the grant: %v %v", ok, err)
	}
	granted, err := s.GrantOrganizer(ctx, 500, admin, "Асқар", t0)
	if err != nil || !granted {
		t.Fatalf("grant: %v %v", granted, err)
	}
	if granted, err = s.GrantOrganizer(ctx, 500, admin, "someone else", t0.Add(time.Hour)); err != nil || granted {
		t.Errorf("second grant: %v %v", granted, err)
	}
	if _, err := s.GrantOrganizer(ctx, 400, admin, "", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.IsOrganizer(ctx, 500); err != nil || !ok {
		t.Errorf("after the grant: %v %v", ok, err)
	}
	list, err := s.Organizers(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("organizers %+v %v", list, err)
	}
	if o := list[0]; o.UserID != 500 || o.GrantedBy != admin || o.Name != "Асқар" || !o.GrantedAt.Equal(t0) {
		t.Errorf("first organizer %+v (the second grant must not change it)", o)
	}
	if list[1].UserID != 400 {
		t.Errorf("second organizer %+v", list[1])
	}

	revoked, err := s.RevokeOrganizer(ctx, 500, admin, t0.Add(2*time.Hour))
	if err != nil || !revoked {
		t.Fatalf("revoke: %v %v", revoked, err)
	}
	if revoked, err = s.RevokeOrganizer(ctx, 500, admin, t0.Add(3*time.Hour)); err != nil || revoked {
		t.Errorf("second revoke: %v %v", revoked, err)
	}
	if ok, _ := s.IsOrganizer(ctx, 500); ok {
		t.Error("still an organizer after the revocation")
	}

	// Only what changed is logged: two grants and one revocation.
	entries, total, err := s.AuditPage(ctx, 0, 10)
	if err != nil || total != 3 {
		t.Fatalf("audit: %d %v", total, err)
	}
	got := []string{}
	for _, e := range entries {
		got = append(got, e.Action+" "+e.Target)
	}
	want := []string{"revoke 500", "grant 400", "grant 500"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("audit %v, want %v", got, want)
		}
	}
	if entries[0].Actor != admin || !entries[0].At.Equal(t0.Add(2*time.Hour)) || entries[0].Index != 2 {
		t.Errorf("revocation entry %+v", entries[0])
	}
}
