package storage

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Subscriptions are opt-in: a chat is subscribed to what it chose, in
// topics (announcements, award announcements, reminders of given forums)
// and optionally one region. Every change of one is a script
// (broadcast_subscribe, broadcast_unsubscribe, broadcast_active,
// broadcast_migrate) that keeps the record and its index sets together; see
// keys.go for the layout.

var (
	subscribeScript   = newScript("broadcast_subscribers", "broadcast_subscribe")
	unsubscribeScript = newScript("broadcast_subscribers", "broadcast_unsubscribe")
	activeScript      = newScript("broadcast_active")
	migrateScript     = newScript("broadcast_subscribers", "broadcast_migrate")
)

func init() {
	allScripts = append(allScripts, subscribeScript, unsubscribeScript, activeScript, migrateScript)
}

// Subscription is what one chat subscribed to.
type Subscription struct {
	ChatID        int64
	Lang          string // the language it subscribed in (the chat's prefs win when set)
	Region        string // a region code, "" for the whole country
	Announcements bool   // the organizers' broadcasts
	Awards        bool   // award announcements
	Forums        []string
	Group         bool // a group or supergroup chat
	Active        bool // false while the chat has blocked the bot
}

// Any reports whether the subscription has a topic.
func (s Subscription) Any() bool { return s.Announcements || s.Awards || len(s.Forums) > 0 }

// HasForum reports whether the chat gets the forum's reminders.
func (s Subscription) HasForum(id string) bool { return slices.Contains(s.Forums, id) }

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func (s *Store) subscriberSetKeys(chatID int64) []string {
	return []string{s.k.subscriber(chatID), s.k.subscribersAll(), s.k.subscribers(), s.k.subscribersAwards(), s.k.subscribersInactive()}
}

// SetSubscription stores sub as the chat's whole subscription; with no
// topic it removes it. Subscribing marks the chat active. created reports
// that the chat had no subscription before.
func (s *Store) SetSubscription(ctx context.Context, sub Subscription, now time.Time) (created bool, err error) {
	forums := slices.Clone(sub.Forums)
	slices.Sort(forums)
	forums = slices.Compact(forums)
	n, err := subscribeScript.Run(ctx, s.rdb, s.subscriberSetKeys(sub.ChatID),
		s.k.prefix, sub.ChatID, sub.Lang, sub.Region, flag(sub.Announcements), flag(sub.Awards),
		strings.Join(forums, ","), now.UnixMilli(), flag(sub.Group)).Int()
	if err != nil {
		return false, fmt.Errorf("storage: subscribe: %w", err)
	}
	return n == 1, nil
}

// Subscribe adds the chat to the announcements, keeping whatever else it
// subscribed to; added is false when it was there already.
func (s *Store) Subscribe(ctx context.Context, chatID int64, lang string) (added bool, err error) {
	sub, err := s.GetSubscription(ctx, chatID)
	if err != nil {
		return false, err
	}
	if sub.Announcements && sub.Active {
		return false, nil
	}
	sub.Announcements = true
	if sub.Lang == "" {
		sub.Lang = lang
	}
	if _, err := s.SetSubscription(ctx, sub, time.Now()); err != nil {
		return false, err
	}
	return true, nil
}

// GetSubscription reads the chat's subscription; a chat without one gets a
// Subscription with no topic. A chat subscribed by an older version (in the
// announcements set, without a record) reads as subscribed to them.
func (s *Store) GetSubscription(ctx context.Context, chatID int64) (Subscription, error) {
	sub := Subscription{ChatID: chatID, Active: true}
	var rec *redis.MapStringStringCmd
	var inNews, inactive *redis.BoolCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		rec = p.HGetAll(ctx, s.k.subscriber(chatID))
		inNews = p.SIsMember(ctx, s.k.subscribers(), chatID)
		inactive = p.SIsMember(ctx, s.k.subscribersInactive(), chatID)
		return nil
	})
	if err != nil {
		return sub, fmt.Errorf("storage: subscription: %w", err)
	}
	r := rec.Val()
	sub.Lang = r["lang"]
	sub.Region = r["region"]
	sub.Announcements = inNews.Val()
	sub.Awards = r["awd"] == "1"
	sub.Group = r["group"] == "1"
	if f := r["forums"]; f != "" {
		sub.Forums = strings.Split(f, ",")
	}
	sub.Active = !inactive.Val()
	return sub, nil
}

// Unsubscribe removes the chat's whole subscription; removed is false when
// it had none.
func (s *Store) Unsubscribe(ctx context.Context, chatID int64) (removed bool, err error) {
	n, err := unsubscribeScript.Run(ctx, s.rdb, s.subscriberSetKeys(chatID), s.k.prefix, chatID).Int()
	if err != nil {
		return false, fmt.Errorf("storage: unsubscribe: %w", err)
	}
	return n == 1, nil
}

// IsSubscribed reports whether the chat has any subscription.
func (s *Store) IsSubscribed(ctx context.Context, chatID int64) (bool, error) {
	sub, err := s.GetSubscription(ctx, chatID)
	if err != nil {
		return false, err
	}
	return sub.Any(), nil
}

// SubscriberCount is how many chats have a subscription of any kind.
func (s *Store) SubscriberCount(ctx context.Context) (int64, error) {
	n, err := s.rdb.SCard(ctx, s.k.subscribersAll()).Result()
	if err != nil {
		return 0, fmt.Errorf("storage: subscribers: %w", err)
	}
	return n, nil
}

// SetSubscriberActive marks a subscribed chat inactive (it blocked the bot,
// or the bot left the group) or active again. Chats that are not subscribed
// are left alone; changed reports a change.
func (s *Store) SetSubscriberActive(ctx context.Context, chatID int64, active bool, now time.Time) (changed bool, err error) {
	n, err := activeScript.Run(ctx, s.rdb,
		[]string{s.k.subscriber(chatID), s.k.subscribersAll(), s.k.subscribers(), s.k.subscribersInactive()},
		chatID, flag(active), now.UnixMilli()).Int()
	if err != nil {
		return false, fmt.Errorf("storage: subscriber state: %w", err)
	}
	return n == 1, nil
}

// MigrateSubscriber moves a group's subscription, its index entries and its
// language to the supergroup the group became. moved is false when the
// group had no subscription.
func (s *Store) MigrateSubscriber(ctx context.Context, oldID, newID int64) (moved bool, err error) {
	n, err := migrateScript.Run(ctx, s.rdb, []string{
		s.k.subscriber(oldID), s.k.subscriber(newID), s.k.subscribersAll(), s.k.subscribers(),
		s.k.subscribersAwards(), s.k.subscribersInactive(), s.k.prefs(oldID), s.k.prefs(newID),
	}, s.k.prefix, oldID, newID).Int()
	if err != nil {
		return false, fmt.Errorf("storage: migrate subscriber: %w", err)
	}
	return n == 1, nil
}

// ForumSubscriberCount is how many chats get the forum's reminders.
func (s *Store) ForumSubscriberCount(ctx context.Context, forumID string) (int64, error) {
	n, err := s.rdb.SCard(ctx, s.k.subscribersForum(forumID)).Result()
	if err != nil {
		return 0, fmt.Errorf("storage: forum subscribers: %w", err)
	}
	return n, nil
}

// chatIDs turns set members into chat ids, skipping anything else.
func chatIDs(members []string) []int64 {
	out := make([]int64, 0, len(members))
	for _, m := range members {
		if id, err := strconv.ParseInt(m, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}
