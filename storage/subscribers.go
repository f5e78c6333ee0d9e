package storage

import (
	"context"
	"fmt"
)

// Subscribe adds the chat to the subscribers of news of forums and
// announcements; added is false when it was there already. The chat's
// language is in its prefs, kept by Save, so a broadcast can speak it.
func (s *Store) Subscribe(ctx context.Context, chatID int64, lang string) (added bool, err error) {
	n, err := s.rdb.SAdd(ctx, s.k.subscribers(), chatID).Result()
	if err != nil {
		return false, fmt.Errorf("storage: subscribe: %w", err)
	}
	return n == 1, nil
}

// Unsubscribe removes the chat; removed is false when it was not there.
func (s *Store) Unsubscribe(ctx context.Context, chatID int64) (removed bool, err error) {
	n, err := s.rdb.SRem(ctx, s.k.subscribers(), chatID).Result()
	if err != nil {
		return false, fmt.Errorf("storage: unsubscribe: %w", err)
	}
	return n == 1, nil
}

// IsSubscribed reports whether the chat is subscribed.
func (s *Store) IsSubscribed(ctx context.Context, chatID int64) (bool, error) {
	ok, err := s.rdb.SIsMember(ctx, s.k.subscribers(), chatID).Result()
	if err != nil {
		return false, fmt.Errorf("storage: subscription: %w", err)
	}
	return ok, nil
}

// SubscriberCount is how many chats are subscribed.
func (s *Store) SubscriberCount(ctx context.Context) (int64, error) {
	n, err := s.rdb.SCard(ctx, s.k.subscribers()).Result()
	if err != nil {
		return 0, fmt.Errorf("storage: subscribers: %w", err)
	}
	return n, nil
}
