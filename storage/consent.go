package storage

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/forumbot/forumbot/bot/proposal"
)

// GiveConsent records that the user accepted the terms of c.Version at
// c.At, shown in c.Lang. ProposerState reads it back.
func (s *Store) GiveConsent(ctx context.Context, userID int64, c proposal.Consent) error {
	err := s.rdb.HSet(ctx, s.k.consent(userID),
		"version", c.Version, "at", strconv.FormatInt(c.At.UnixMilli(), 10), "lang", c.Lang,
	).Err()
	if err != nil {
		return fmt.Errorf("storage: consent of user %d: %w", userID, err)
	}
	return nil
}

// ForgetUser is /forgetme: it withdraws the user's consent and deletes, in
// one step (script forget_user), the author of each of their proposals,
// their proposal list and keys, and their private chat's session,
// preferences and place among the known chats; then the chat's
// subscription, by Unsubscribe's script. Both are idempotent, so a call
// cut off between them is finished by the next. The proposals stay,
// without their author. It returns how many proposals lost their author.
func (s *Store) ForgetUser(ctx context.Context, userID, chatID int64, now time.Time) (int, error) {
	n, err := forgetUserScript.Run(ctx, s.rdb, []string{
		s.k.userProposals(userID), s.k.userProposalKeys(userID), s.k.consent(userID),
		s.k.session(chatID), s.k.prefs(chatID), s.k.chats(), s.k.subscribers(),
		s.k.noticeOutbox(), s.k.noticeEntries(), s.k.noticeTries(), s.k.noticeStats(),
	}, s.k.proposalPrefix(), chatID, now.UnixMilli()).Int()
	if err != nil {
		return 0, fmt.Errorf("storage: forget user %d: %w", userID, err)
	}
	// The chat's subscription (topics, region, index entries) goes too; it
	// has a script of its own, which removes it idempotently.
	if _, err := s.Unsubscribe(ctx, chatID); err != nil {
		return n, fmt.Errorf("storage: forget user %d: %w", userID, err)
	}
	return n, nil
}
