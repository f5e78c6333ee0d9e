package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// The audit log: who did what and when on the organizers' side. Grants,
// revocations, status changes and answers are logged by the script that
// makes the change, in the same step; an export, which changes nothing, is
// logged by AppendAudit. Entries are appended and never changed, so an
// entry's index (0 for the first ever) names it for good and pages of the
// log stay put while new entries arrive.

// Audit actions.
const (
	AuditGrant  = "grant"
	AuditRevoke = "revoke"
	AuditStatus = "status"
	AuditAnswer = "answer"
	AuditExport = "export"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Index  int64     `json:"-"`
	At     time.Time `json:"-"`
	Actor  int64     `json:"actor"`  // the user who acted (0: the command line)
	Action string    `json:"action"` // one of the Audit* actions
	// Target is a proposal number, or the user id of a grant or revoke.
	Target string `json:"target,omitempty"`
	// From and To are the statuses of a status change.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Note: an export's filters and row count; "replaced" for an answer
	// that replaced an earlier one.
	Note string `json:"note,omitempty"`
}

// auditJSON is the stored form: the time as Unix ms first.
type auditJSON struct {
	At int64 `json:"at"`
	AuditEntry
}

func (e AuditEntry) encode() string {
	b, err := json.Marshal(auditJSON{At: e.At.UnixMilli(), AuditEntry: e})
	if err != nil {
		panic(err) // strings and numbers only: cannot happen
	}
	return string(b)
}

func decodeAudit(s string, index int64) (AuditEntry, error) {
	var j auditJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return AuditEntry{}, fmt.Errorf("audit entry %d: %w", index, err)
	}
	e := j.AuditEntry
	e.Index, e.At = index, time.UnixMilli(j.At)
	return e, nil
}

// AppendAudit logs e (an export: other actions are logged by the script
// that makes the change).
func (s *Store) AppendAudit(ctx context.Context, e AuditEntry) error {
	if err := s.rdb.RPush(ctx, s.k.audit(), e.encode()).Err(); err != nil {
		return fmt.Errorf("storage: audit: %w", err)
	}
	return nil
}

// AuditPage returns up to count entries of the log, newest first, older
// than the entry of index before (before <= 0: the newest), and how many
// entries the log holds in all.
func (s *Store) AuditPage(ctx context.Context, before int64, count int) (entries []AuditEntry, total int64, err error) {
	key := s.k.audit()
	pipe := s.rdb.TxPipeline()
	n := pipe.LLen(ctx, key)
	var start, stop int64
	if before <= 0 {
		start, stop = -int64(count), -1
	} else {
		start, stop = max(before-int64(count), 0), before-1
	}
	rng := pipe.LRange(ctx, key, start, stop)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, 0, fmt.Errorf("storage: audit: %w", err)
	}
	total = n.Val()
	vals := rng.Val()
	first := start // the index of vals[0]
	if before <= 0 {
		first = max(total-int64(count), 0)
	}
	for i := len(vals) - 1; i >= 0; i-- {
		e, err := decodeAudit(vals[i], first+int64(i))
		if err != nil {
			return nil, 0, fmt.Errorf("storage: %w", err)
		}
		entries = append(entries, e)
	}
	return entries, total, nil
}

// targetUser is a user id as an audit target.
func targetUser(id int64) string { return strconv.FormatInt(id, 10) }
