package storage

import (
	"encoding/json"
	"fmt"
	"maps"
)

// Session is the state of one chat between updates.
type Session struct {
	ChatID int64
	// Lang is the chosen language, "" when never chosen. It lives in the
	// chat's prefs, which have no TTL, so it survives the session's expiry.
	Lang string
	// Dialog is the current step of a multi-message dialog, "" when idle.
	Dialog string
	// Data is the dialog's data; never nil in a loaded session.
	Data map[string]string
	// Version is bumped by every Save, by any process; it starts again
	// from 0 when the session expires.
	Version int64
	// IsNew reports that no session existed when it was loaded: first
	// contact, or the previous one expired.
	IsNew bool
	// Expired reports that the previous session idled out while a dialog
	// was active; the bot tells the user their dialog expired. Begin
	// reports it once per expiry.
	Expired bool

	// update is the update the session was begun for (hasUpdate: by
	// BeginAttempt, not LoadSession): Save marks it done.
	update    int64
	hasUpdate bool

	// loaded is what Begin or LoadSession read (or the last Save wrote), so
	// that Save sends only what the handler changed.
	loaded snapshot
}

type snapshot struct {
	lang   string
	dialog string
	data   map[string]string
}

// SetDialog moves the session to step with a copy of data.
func (s *Session) SetDialog(step string, data map[string]string) {
	s.Dialog = step
	s.Data = maps.Clone(data)
	if s.Data == nil {
		s.Data = map[string]string{}
	}
}

// ClearDialog ends the current dialog and drops its data.
func (s *Session) ClearDialog() { s.SetDialog("", nil) }

func (s *Session) langChanged() bool { return s.Lang != s.loaded.lang }

// dialogChanged compares step and data together, as they are stored; a nil
// and an empty Data are the same.
func (s *Session) dialogChanged() bool {
	return s.Dialog != s.loaded.dialog || !maps.Equal(s.Data, s.loaded.data)
}

func (s *Session) remember() {
	s.loaded = snapshot{lang: s.Lang, dialog: s.Dialog, data: maps.Clone(s.Data)}
}

// dialogValue is how step and data are stored: one value, so that a step is
// never paired with data another process wrote for another step.
type dialogValue struct {
	Step string            `json:"step"`
	Data map[string]string `json:"data,omitempty"`
}

// encodeDialog returns the stored form of step and data, "" when there is
// nothing to store.
func encodeDialog(step string, data map[string]string) (string, error) {
	if step == "" && len(data) == 0 {
		return "", nil
	}
	b, err := json.Marshal(dialogValue{Step: step, Data: data})
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func decodeDialog(v string) (string, map[string]string, error) {
	if v == "" {
		return "", map[string]string{}, nil
	}
	var d dialogValue
	if err := json.Unmarshal([]byte(v), &d); err != nil {
		return "", nil, fmt.Errorf("decode dialog %q: %w", v, err)
	}
	if d.Data == nil {
		d.Data = map[string]string{}
	}
	return d.Step, d.Data, nil
}
