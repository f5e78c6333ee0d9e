package load

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot/fakeapi"
)

// Kind is what a simulated user does in one step; every step is one
// update and gets exactly one reply (a sent or an edited message).
type Kind int

// Kinds of step.
const (
	KindStart   Kind = iota // "/start": a new menu message
	KindCommand             // "/help" or an unknown command: a new message
	KindSearch              // free text: a search, answered by a new message
	KindSticker             // a sticker: the menu with "text only, please"
	KindPress               // an inline button: the message is edited in place
	numKinds
)

var kindNames = [numKinds]string{"start", "command", "search", "sticker", "button"}

func (k Kind) String() string {
	if k >= 0 && k < numKinds {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// step is one thing a user does. For a press, the button is the first of
// the message's buttons whose callback data starts with one of prefixes,
// tried in order (a card has an awards button only when the forum gave
// awards, so a later prefix is the fallback).
type step struct {
	kind     Kind
	text     string   // for start, command, search
	prefixes []string // for press
}

func say(text string) step {
	switch {
	case strings.HasPrefix(text, "/start"):
		return step{kind: KindStart, text: text}
	case strings.HasPrefix(text, "/"):
		return step{kind: KindCommand, text: text}
	}
	return step{kind: KindSearch, text: text}
}

func press(prefixes ...string) step { return step{kind: KindPress, prefixes: prefixes} }

var sticker = step{kind: KindSticker}

// searchQueries are the free-text questions users ask, in the bot's three
// languages, with typos and a query that finds nothing.
var searchQueries = []string{
	"Тараз", "award 2023", "Алматы", "форум 2021", "Жетісу", "Qyzylorda", "азаматтық форум",
	"премия", "NGO forum Taldykorgan", "Кызылорда 2021", "марапат", "nothing like this at all",
}

// journeys are the users' mixed paths through the bot. Each starts with a
// new message (so a press never lands on a screen it would leave
// unchanged) and ends anywhere; a user then starts the next journey.
// Every step's reply carries the buttons the next press needs.
var journeys = [][]step{
	// Past forums, a card, its awards (or the menu), the awards overview.
	{say("/start"), press("pa:"), press("f:"), press("aw:", "m"), press("aw::")},
	// Awards by year, a forum's card from there, help.
	{say("/start"), press("aw::"), press("awy:"), press("f:"), say("/help")},
	// Language switch, years, one year's page, back to the menu.
	{say("/start"), press("lm"), press("l:"), press("ys"), press("y:"), press("m")},
	// A search, a hit's card (or the past list when nothing matched).
	{say(""), press("f:", "pa:"), say("/help")},
	// Help, an unknown command, a sticker, regions, one region's page.
	{say("/help"), say("/forumz"), sticker, press("rs"), press("r:")},
}

// NumJourneys is how many distinct journeys users take.
var NumJourneys = len(journeys)

// user is one simulated Telegram user: their account, where they are in
// which journey, and the update they wait an answer for.
type user struct {
	tg      fakeapi.User
	journey int
	step    int
	rnd     uint64

	// The update in flight, if busy (guarded by gen.mu).
	busy        bool
	updateID    int64
	kind        Kind
	enqueuedAt  int64 // ns since the run's epoch
	deliveredAt int64 // 0 until getUpdates delivered it
}

// langs are the users' Telegram languages, mixed evenly.
var langs = [...]string{"kk", "ru", "en"}

var firstNames = [...]string{"Айгерім", "Нұрлан", "Мария", "Dana", "Ерлан", "Ольга", "Arman", "Әсел"}

// newUsers makes n users with distinct ids from base on, languages kk, ru
// and en in turn, each starting a journey of its own.
func newUsers(n int, base int64, seed uint64) []user {
	us := make([]user, n)
	for i := range us {
		lang := langs[i%len(langs)]
		id := base + int64(i)
		us[i] = user{
			tg: fakeapi.User{
				ID: id, FirstName: firstNames[i%len(firstNames)],
				Username: "load_" + lang + strconv.Itoa(i), LanguageCode: lang,
			},
			journey: (i / len(langs)) % len(journeys),
			rnd:     splitmix(seed + uint64(id)),
		}
	}
	return us
}

// splitmix is a small deterministic mixer for the users' choices.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (u *user) next(n int) int {
	u.rnd = splitmix(u.rnd)
	return int(u.rnd % uint64(n))
}

// think is how long the user pauses before their next step: between half
// and one and a half times mean.
func (u *user) think(mean time.Duration) int64 {
	if mean <= 0 {
		return 0
	}
	return int64(mean/2) + int64(u.next(1000))*int64(mean)/1000
}

// current is the step the user is about to take.
func (u *user) current() step {
	s := journeys[u.journey][u.step]
	if s.kind == KindSearch && s.text == "" {
		s.text = searchQueries[u.next(len(searchQueries))]
	}
	return s
}

// advance moves to the next step, and to the next journey after the last.
func (u *user) advance() {
	u.step++
	if u.step == len(journeys[u.journey]) {
		u.step = 0
		u.journey = (u.journey + 1) % len(journeys)
	}
}

// restart begins the user's next journey from its first step (after a
// step that could not be taken).
func (u *user) restart() {
	u.step = 0
	u.journey = (u.journey + 1) % len(journeys)
}

// pick chooses the button a press step presses on msg: among the buttons
// matching the first prefix that any button matches, one at random.
func (u *user) pick(msg *fakeapi.Message, prefixes []string) (string, error) {
	if msg == nil {
		return "", fmt.Errorf("no bot message to press %v on", prefixes)
	}
	for _, p := range prefixes {
		var match []string
		for _, row := range msg.Keyboard {
			for _, b := range row {
				if b.CallbackData != "" && strings.HasPrefix(b.CallbackData, p) {
					match = append(match, b.CallbackData)
				}
			}
		}
		if len(match) > 0 {
			return match[u.next(len(match))], nil
		}
	}
	var have []string
	for _, row := range msg.Keyboard {
		for _, b := range row {
			have = append(have, b.CallbackData)
		}
	}
	return "", fmt.Errorf("message %d has no button %v (has %v)", msg.ID, prefixes, have)
}

// stickerMessage is what a user sends as a sticker.
func stickerMessage(seq int64) models.Message {
	uid := "AgADload" + strconv.FormatInt(seq%97, 10)
	return models.Message{Sticker: &models.Sticker{
		FileID: "CAACAgIAAxkBAAE" + uid, FileUniqueID: uid,
		Type: "regular", Width: 512, Height: 512, Emoji: "👍",
	}}
}
