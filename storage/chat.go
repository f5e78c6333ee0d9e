package storage

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// NewAttempt makes the token of one handling of an update (BeginAttempt)
// by the process instance (its Alive key; "" for none): the instance, "/"
// and 16 random base32 characters, never "1" nor "done", the values of a
// done marker. Another process finding the token while instance's alive
// key is gone knows the attempt died with its process, and takes the
// update over at once instead of waiting for the marker to expire.
func NewAttempt(instance string) string {
	if instance == "" {
		return rand.Text()[:16]
	}
	return instance + "/" + rand.Text()[:16]
}

// DefaultUpdateTimeout is the time limit of one update's handling after
// Begin when the caller gives none (Begin, or a limit of 0).
const DefaultUpdateTimeout = 30 * time.Second

// UpdateMargin is what an in-progress marker outlives its attempt's time
// limit by: the time from the script setting it to the caller starting its
// clock (the reply's way back), and the final Save or FinishUpdate, which
// may run up to finishTimeout after the limit (see bot.Pipeline).
const UpdateMargin = 5 * time.Second

// BusyError is BeginAttempt's answer while another attempt holds the
// update: a live one, still handling it, or a dead one (its process was
// killed) whose marker has not expired yet. Nothing was changed; try again
// after at most Wait, when that marker expires.
type BusyError struct {
	UpdateID int64
	Wait     time.Duration
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("storage: update %d is being handled by another attempt (its mark expires in %s)", e.UpdateID, e.Wait)
}

// Begin is BeginAttempt with a new token and DefaultUpdateTimeout: for a
// caller that neither retries nor limits its handling otherwise.
func (s *Store) Begin(ctx context.Context, updateID, chatID int64) (sess *Session, catalogVersion int64, dup bool, err error) {
	return s.BeginAttempt(ctx, updateID, chatID, NewAttempt(""), 0)
}

// BeginAttempt starts the handling of an update in one round trip (script
// begin): it marks updateID as in progress by this attempt for limit (the
// time the caller gives its handling after Begin answers; 0 means
// DefaultUpdateTimeout) plus UpdateMargin and, when no one else holds it,
// records the chat as known and loads its session and the catalog's
// version (0 when no catalog was ever stored). The update is done once
// Save stores the returned session, or FinishUpdate is called: an
// attempt that ends without either (a crash) leaves the update to the
// next delivery once its marker expires. Nothing is lost, and an update
// handled to the end is never handled again.
//
// dup reports that the update was handled before: the caller must do
// nothing with it. A *BusyError reports that another attempt holds it.
//
// Every call with the same attempt token is one handling of the update,
// so a retry after a reply lost on the way back (the script ran, the
// connection broke) goes on instead of finding its own mark. Make the
// token with NewAttempt, once per handling.
func (s *Store) BeginAttempt(ctx context.Context, updateID, chatID int64, attempt string, limit time.Duration) (sess *Session, catalogVersion int64, dup bool, err error) {
	if limit <= 0 {
		limit = DefaultUpdateTimeout
	}
	res, err := beginScript.Run(ctx, s.rdb,
		[]string{s.k.update(updateID), s.k.session(chatID), s.k.prefs(chatID), s.k.catalogVersion(), s.k.chats()},
		ms(limit+UpdateMargin), chatID, ms(s.sessionTTL), attempt, s.k.alivePrefix(),
	).Slice()
	if err != nil {
		return nil, 0, false, fmt.Errorf("storage: begin update %d of chat %d: %w", updateID, chatID, err)
	}
	if len(res) == 1 && res[0] == int64(1) {
		return nil, 0, true, nil
	}
	if len(res) == 2 && res[0] == int64(2) {
		pttl, err := intValue(res[1])
		if err != nil {
			return nil, 0, false, fmt.Errorf("storage: begin update %d: marker TTL: %w", updateID, err)
		}
		return nil, 0, false, &BusyError{UpdateID: updateID, Wait: time.Duration(pttl) * time.Millisecond}
	}
	if len(res) != 7 {
		return nil, 0, false, fmt.Errorf("storage: begin update %d: unexpected reply %v", updateID, res)
	}
	sess, err = sessionFrom(chatID, res[1:6])
	if err != nil {
		return nil, 0, false, fmt.Errorf("storage: begin update %d: %w", updateID, err)
	}
	if catalogVersion, err = intValue(res[6]); err != nil {
		return nil, 0, false, fmt.Errorf("storage: begin update %d: catalog version: %w", updateID, err)
	}
	sess.update, sess.hasUpdate = updateID, true
	return sess, catalogVersion, false, nil
}

// FinishUpdate marks an update done without a Save (one SET): for an
// attempt that ends without saving the session (a handler's panic, an
// update the bot ignores), so that a redelivery is skipped as a duplicate.
func (s *Store) FinishUpdate(ctx context.Context, updateID int64) error {
	if err := s.rdb.Set(ctx, s.k.update(updateID), updateDone, s.dedupTTL).Err(); err != nil {
		return fmt.Errorf("storage: finish update %d: %w", updateID, err)
	}
	return nil
}

// updateDone is the value of a done update marker (begin.lua,
// save_session.lua).
const updateDone = "done"

// LoadSession reads a chat's session without de-duplication and without
// changing anything: unlike Begin it neither refreshes the TTL nor consumes
// the Expired notice.
func (s *Store) LoadSession(ctx context.Context, chatID int64) (*Session, error) {
	res, err := loadSessionScript.RunRO(ctx, s.rdb, []string{s.k.session(chatID), s.k.prefs(chatID)}).Slice()
	if err != nil {
		return nil, fmt.Errorf("storage: load session of chat %d: %w", chatID, err)
	}
	if len(res) != 5 {
		return nil, fmt.Errorf("storage: load session of chat %d: unexpected reply %v", chatID, res)
	}
	sess, err := sessionFrom(chatID, res)
	if err != nil {
		return nil, fmt.Errorf("storage: load session of chat %d: %w", chatID, err)
	}
	return sess, nil
}

// sessionFrom builds a Session from the scripts' reply
// {exists, ver, dialog, lang, expired}.
func sessionFrom(chatID int64, r []any) (*Session, error) {
	exists, err := intValue(r[0])
	if err != nil {
		return nil, err
	}
	ver, err := intValue(r[1])
	if err != nil {
		return nil, fmt.Errorf("version: %w", err)
	}
	step, data, err := decodeDialog(stringValue(r[2]))
	if err != nil {
		return nil, err
	}
	expired, err := intValue(r[4])
	if err != nil {
		return nil, err
	}
	sess := &Session{
		ChatID:  chatID,
		Lang:    stringValue(r[3]),
		Dialog:  step,
		Data:    data,
		Version: ver,
		IsNew:   exists == 0,
		Expired: expired == 1,
	}
	sess.remember()
	return sess, nil
}

// Save writes what changed in sess since it was loaded (or last saved) in
// one round trip (script save_session): the language to the durable prefs,
// the dialog step and data as one value, and the dialog marker in prefs
// along with the step. It always bumps the version, which it stores in
// sess.Version, and refreshes the idle TTL, also when nothing changed.
//
// A session begun for an update (BeginAttempt) marks that update done in
// the same step, so a crash cannot come between the saved changes and the
// mark.
//
// Two processes saving the same chat keep each other's changes to different
// fields; for the same field the last Save wins.
func (s *Store) Save(ctx context.Context, sess *Session) error {
	if sess == nil {
		return errors.New("storage: save of a nil session")
	}
	langChanged, dialogChanged := "0", "0"
	var lang, step, dialog string
	if sess.langChanged() {
		langChanged, lang = "1", sess.Lang
	}
	if sess.dialogChanged() {
		var err error
		if dialog, err = encodeDialog(sess.Dialog, sess.Data); err != nil {
			return fmt.Errorf("storage: save session of chat %d: %w", sess.ChatID, err)
		}
		dialogChanged, step = "1", sess.Dialog
	}
	keys := []string{s.k.session(sess.ChatID), s.k.prefs(sess.ChatID)}
	if sess.hasUpdate {
		keys = append(keys, s.k.update(sess.update))
	}
	ver, err := saveSessionScript.Run(ctx, s.rdb, keys,
		ms(s.sessionTTL), langChanged, lang, dialogChanged, step, dialog, ms(s.dedupTTL),
	).Int64()
	if err != nil {
		return fmt.Errorf("storage: save session of chat %d: %w", sess.ChatID, err)
	}
	sess.Version = ver
	sess.remember()
	return nil
}

// DeleteChat forgets a chat (script delete_chat): session, prefs and its
// membership in the known chats. Seen update ids stay until they expire;
// they say nothing about the chat.
func (s *Store) DeleteChat(ctx context.Context, chatID int64) error {
	err := deleteChatScript.Run(ctx, s.rdb,
		[]string{s.k.session(chatID), s.k.prefs(chatID), s.k.chats()}, chatID,
	).Err()
	if err != nil {
		return fmt.Errorf("storage: delete chat %d: %w", chatID, err)
	}
	return nil
}

// ChatCount returns how many chats ever wrote to the bot (and were not
// deleted).
func (s *Store) ChatCount(ctx context.Context) (int64, error) {
	n, err := s.rdb.SCard(ctx, s.k.chats()).Result()
	if err != nil {
		return 0, fmt.Errorf("storage: count chats: %w", err)
	}
	return n, nil
}

// intValue reads an integer a script returned, either as a Redis integer or
// as a string read from a key; nil (a missing key) is 0.
func intValue(v any) (int64, error) {
	switch v := v.(type) {
	case nil:
		return 0, nil
	case int64:
		return v, nil
	case string:
		return strconv.ParseInt(v, 10, 64)
	}
	return 0, fmt.Errorf("unexpected %T %v", v, v)
}

func stringValue(v any) string {
	s, _ := v.(string)
	return s
}
