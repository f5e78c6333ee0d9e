package storage

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Roles. Admins are ADMIN_IDS, from the configuration; organizers are the
// users an admin granted the role to, kept here. Handlers ask IsOrganizer
// on every update that needs the role, so a revocation takes effect on
// the organizer's very next button press.

var (
	roleGrantScript  = newScript("role_grant")
	roleRevokeScript = newScript("role_revoke")
)

func init() { allScripts = append(allScripts, roleGrantScript, roleRevokeScript) }

// Organizer is a user with the organizer role.
type Organizer struct {
	UserID    int64
	GrantedBy int64
	GrantedAt time.Time
	// Name is how the user was shown when the role was granted by a
	// forwarded message ("" when granted by id).
	Name string
}

type organizerJSON struct {
	By   int64  `json:"by"`
	At   int64  `json:"at"`
	Name string `json:"name,omitempty"`
}

// GrantOrganizer makes userID an organizer, granted by admin at now, and
// logs it, in one step (script role_grant). granted is false when the user
// was an organizer already; then nothing changes.
func (s *Store) GrantOrganizer(ctx context.Context, userID, admin int64, name string, now time.Time) (granted bool, err error) {
	rec, err := json.Marshal(organizerJSON{By: admin, At: now.UnixMilli(), Name: name})
	if err != nil {
		return false, fmt.Errorf("storage: grant: %w", err)
	}
	entry := AuditEntry{At: now, Actor: admin, Action: AuditGrant, Target: targetUser(userID)}
	n, err := roleGrantScript.Run(ctx, s.rdb, []string{s.k.organizers(), s.k.audit()},
		userID, string(rec), entry.encode()).Int()
	if err != nil {
		return false, fmt.Errorf("storage: grant the organizer role to user %d: %w", userID, err)
	}
	return n == 1, nil
}

// RevokeOrganizer takes the organizer role from userID and logs it, in one
// step (script role_revoke). revoked is false when the user was not an
// organizer; then nothing changes.
func (s *Store) RevokeOrganizer(ctx context.Context, userID, admin int64, now time.Time) (revoked bool, err error) {
	entry := AuditEntry{At: now, Actor: admin, Action: AuditRevoke, Target: targetUser(userID)}
	n, err := roleRevokeScript.Run(ctx, s.rdb, []string{s.k.organizers(), s.k.audit()}, userID, entry.encode()).Int()
	if err != nil {
		return false, fmt.Errorf("storage: revoke the organizer role of user %d: %w", userID, err)
	}
	return n == 1, nil
}

// IsOrganizer reports whether userID holds the organizer role (granted,
// not revoked). Admins are not stored: ask the configuration about them.
func (s *Store) IsOrganizer(ctx context.Context, userID int64) (bool, error) {
	ok, err := s.rdb.HExists(ctx, s.k.organizers(), strconv.FormatInt(userID, 10)).Result()
	if err != nil {
		return false, fmt.Errorf("storage: role of user %d: %w", userID, err)
	}
	return ok, nil
}

// Organizers lists the users with the organizer role, in the order they
// got it.
func (s *Store) Organizers(ctx context.Context) ([]Organizer, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.organizers()).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: organizers: %w", err)
	}
	out := make([]Organizer, 0, len(m))
	for id, v := range m {
		uid, err := strconv.ParseInt(id, 10, 64)
		var rec organizerJSON
		if err == nil {
			err = json.Unmarshal([]byte(v), &rec)
		}
		if err != nil {
			return nil, fmt.Errorf("storage: organizers: entry %q: %v", id, err)
		}
		out = append(out, Organizer{UserID: uid, GrantedBy: rec.By, GrantedAt: time.UnixMilli(rec.At), Name: rec.Name})
	}
	slices.SortFunc(out, func(a, b Organizer) int {
		if c := a.GrantedAt.Compare(b.GrantedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.UserID, b.UserID)
	})
	return out, nil
}

// OrganizerIDs is everyone with the organizer's powers: the admins given
// (ADMIN_IDS) and the organizers granted in Redis, each once, admins first.
// When Redis cannot answer, the admins alone.
func (s *Store) OrganizerIDs(ctx context.Context, admins []int64) []int64 {
	out := append([]int64(nil), admins...)
	list, err := s.Organizers(ctx)
	if err != nil {
		return out
	}
	for _, o := range list {
		if !slices.Contains(out, o.UserID) {
			out = append(out, o.UserID)
		}
	}
	return out
}
