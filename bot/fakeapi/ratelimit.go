package fakeapi

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// RateLimits make the double answer 429 Too Many Requests, with
// retry_after, the way Telegram's flood control does for bots: too many
// messages in a second overall, to one chat, or in a minute to one group.
// Only calls that send a message count (send*, copyMessage(s),
// forwardMessage(s)); edits, answers and reads do not. A call answered 429
// does not count either.
type RateLimits struct {
	// Global is the most messages in any one-second window, over all chats
	// (Telegram: about 30). 0: no limit.
	Global int
	// ChatGap is the time a chat needs between two messages (Telegram:
	// about one second); ChatBurst messages may come at once before it
	// applies (default 1: strictly one per ChatGap). 0: no limit.
	ChatGap   time.Duration
	ChatBurst int
	// GroupPerMinute is the most messages to one group (a negative chat id)
	// in any one-minute window (Telegram: 20). 0: no limit.
	GroupPerMinute int
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// TelegramLimits are the limits Telegram documents for bots: 30 messages a
// second overall, one a second to a chat, 20 a minute to a group.
func TelegramLimits() RateLimits {
	return RateLimits{Global: 30, ChatGap: time.Second, ChatBurst: 1, GroupPerMinute: 20}
}

// Scaled is l with the overall limit times k, for tests that run a
// broadcast k times faster than production against a double k times more
// lenient overall (the per-chat and per-group limits stay as they are).
func (l RateLimits) Scaled(k int) RateLimits {
	l.Global *= k
	return l
}

// limiter applies RateLimits.
type limiter struct {
	mu      sync.Mutex
	lim     RateLimits
	global  []time.Time // the last Global admitted sends, a ring
	next    int
	chats   map[int64]*bucket
	groups  map[int64][]time.Time
	limited int
}

type bucket struct {
	tokens float64
	at     time.Time
}

// SetRateLimits turns Telegram's flood control on with l (a zero
// RateLimits turns it off). It resets what was counted so far.
func (s *Server) SetRateLimits(l RateLimits) {
	if l.ChatBurst <= 0 {
		l.ChatBurst = 1
	}
	if l.Now == nil {
		l.Now = time.Now
	}
	lm := &limiter{lim: l, chats: map[int64]*bucket{}, groups: map[int64][]time.Time{}}
	if l.Global > 0 {
		lm.global = make([]time.Time, l.Global)
	}
	s.mu.Lock()
	if l.Global == 0 && l.ChatGap == 0 && l.GroupPerMinute == 0 {
		lm = nil
	}
	s.limits429 = lm
	s.mu.Unlock()
}

// RateLimited is how many calls the rate limits answered 429 since they
// were set.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	lm := s.limits429
	s.mu.Unlock()
	if lm == nil {
		return 0
	}
	lm.mu.Lock()
	defer lm.mu.Unlock()
	return lm.limited
}

// sendsMessage reports whether a method sends a message, the calls flood
// control counts.
func sendsMessage(method string) bool {
	m := strings.ToLower(method)
	return strings.HasPrefix(m, "send") && m != "sendchataction" ||
		strings.HasPrefix(m, "copymessage") || strings.HasPrefix(m, "forwardmessage")
}

// rateLimit answers 429 when the call would break the limits, or admits it.
func (s *Server) rateLimit(method string, cc *callCtx) *APIError {
	s.mu.Lock()
	lm := s.limits429
	s.mu.Unlock()
	if lm == nil || !sendsMessage(method) {
		return nil
	}
	chatID, hasChat := cc.chatIDParam()
	return lm.admit(chatID, hasChat)
}

func (lm *limiter) admit(chatID int64, hasChat bool) *APIError {
	lm.mu.Lock()
	defer lm.mu.Unlock()
	l := lm.lim
	now := l.Now()
	var wait time.Duration
	if l.Global > 0 {
		if oldest := lm.global[lm.next]; !oldest.IsZero() && now.Sub(oldest) < time.Second {
			wait = max(wait, oldest.Add(time.Second).Sub(now))
		}
	}
	var b *bucket
	if hasChat && l.ChatGap > 0 {
		b = lm.chats[chatID]
		if b == nil {
			b = &bucket{tokens: float64(l.ChatBurst), at: now}
			lm.chats[chatID] = b
		}
		b.tokens = math.Min(float64(l.ChatBurst), b.tokens+float64(now.Sub(b.at))/float64(l.ChatGap))
		b.at = now
		if b.tokens < 1 {
			wait = max(wait, time.Duration((1-b.tokens)*float64(l.ChatGap)))
		}
	}
	var recent []time.Time
	if hasChat && chatID < 0 && l.GroupPerMinute > 0 {
		for _, t := range lm.groups[chatID] {
			if now.Sub(t) < time.Minute {
				recent = append(recent, t)
			}
		}
		lm.groups[chatID] = recent
		if len(recent) >= l.GroupPerMinute {
			wait = max(wait, recent[len(recent)-l.GroupPerMinute].Add(time.Minute).Sub(now))
		}
	}
	if wait > 0 {
		lm.limited++
		secs := int(math.Ceil(wait.Seconds()))
		return &APIError{Code: http.StatusTooManyRequests, RetryAfter: secs,
			Description: "Too Many Requests: retry after " + strconv.Itoa(secs)}
	}
	if l.Global > 0 {
		lm.global[lm.next] = now
		lm.next = (lm.next + 1) % len(lm.global)
	}
	if b != nil {
		b.tokens--
	}
	if hasChat && chatID < 0 && l.GroupPerMinute > 0 {
		lm.groups[chatID] = append(lm.groups[chatID], now)
	}
	return nil
}

// AddChats makes chats known to the double as if each had written to the
// bot, so a test can broadcast to thousands of subscribers without sending
// thousands of updates first. A chat with ID > 0 and no Type is private.
func (s *Server) AddChats(chats ...models.Chat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ch := range chats {
		if ch.Type == "" {
			ch.Type = models.ChatTypePrivate
			if ch.ID < 0 {
				ch.Type = models.ChatTypeSupergroup
			}
		}
		s.knownChatLocked(ch)
	}
}
