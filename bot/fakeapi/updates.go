package fakeapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

type queuedUpdate struct {
	id        int64
	kind      string // the Update field that is set: "message", "callback_query"...
	raw       json.RawMessage
	forced    bool // a Redeliver copy: delivered even below the confirmed offset
	delivered bool
}

// Update kinds Telegram leaves out unless allowed_updates asks for them.
var optInKinds = map[string]bool{"chat_member": true, "message_reaction": true, "message_reaction_count": true}

func (s *Server) wakePollersLocked() {
	if s.updWake != nil {
		close(s.updWake)
		s.updWake = nil
	}
}

func (s *Server) enqueueLocked(id int64, kind string, raw []byte) int64 {
	q := &queuedUpdate{id: id, kind: kind, raw: raw}
	s.history[id] = q
	if s.maxHistory > 0 {
		delete(s.history, id-int64(s.maxHistory))
	}
	s.queue = append(s.queue, q)
	s.wakePollersLocked()
	return id
}

func (s *Server) takeUpdateIDLocked(want int64) int64 {
	if want == 0 {
		want = s.nextUpdateID
	}
	if want >= s.nextUpdateID {
		s.nextUpdateID = want + 1
	}
	return want
}

func (s *Server) allowedLocked(kind string) bool {
	if s.allowed == nil {
		return !optInKinds[kind]
	}
	return s.allowed[kind]
}

// confirmLocked forgets updates below offset, as Telegram does once a
// getUpdates call carries a higher offset. A negative offset keeps only the
// last -offset updates.
func (s *Server) confirmLocked(offset int64) {
	if offset == 0 {
		return
	}
	if offset-1 > s.confirmed {
		s.confirmed = offset - 1
		if s.confirmWake != nil {
			close(s.confirmWake)
			s.confirmWake = nil
		}
	}
	if offset < 0 {
		keep := int(-offset)
		if keep < len(s.queue) {
			s.queue = append([]*queuedUpdate(nil), s.queue[len(s.queue)-keep:]...)
		}
		return
	}
	kept := s.queue[:0]
	for _, q := range s.queue {
		if q.id >= offset || (q.forced && !q.delivered) {
			kept = append(kept, q)
		}
	}
	clear(s.queue[len(kept):])
	s.queue = kept
}

// collectLocked picks up to limit deliverable updates, dropping the ones
// allowed_updates excludes.
func (s *Server) collectLocked(limit int) []*queuedUpdate {
	var out []*queuedUpdate
	kept := s.queue[:0]
	for _, q := range s.queue {
		if !s.allowedLocked(q.kind) {
			continue
		}
		kept = append(kept, q)
		if len(out) < limit {
			out = append(out, q)
		}
	}
	clear(s.queue[len(kept):])
	s.queue = kept
	return out
}

func getUpdates(c *callCtx) (any, *APIError) {
	s := c.s
	offset, _ := c.int("offset")
	limit64, _ := c.int("limit")
	limit := int(limit64)
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := c.int("timeout")
	if timeout < 0 {
		timeout = 0
	}
	var allowed map[string]bool
	setAllowed := false
	if v, ok := c.params["allowed_updates"]; ok {
		list, ok := v.([]any)
		if !ok {
			return nil, badRequest("can't parse allowed_updates JSON array")
		}
		setAllowed = true
		if len(list) > 0 {
			allowed = map[string]bool{}
			for _, e := range list {
				name, _ := e.(string)
				allowed[name] = true
			}
		}
	}

	s.mu.Lock()
	if s.webhook.url != "" {
		s.mu.Unlock()
		return nil, &APIError{Code: http.StatusConflict, Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", violation: true}
	}
	s.pollGen++
	gen := s.pollGen
	s.wakePollersLocked() // an older poll still waiting is terminated
	if setAllowed {
		s.allowed = allowed
	}
	s.confirmLocked(offset)
	var timer *time.Timer
	var expired <-chan time.Time
	if timeout > 0 {
		timer = time.NewTimer(time.Duration(timeout) * time.Second)
		defer timer.Stop()
		expired = timer.C
	}
	for {
		if s.pollGen != gen {
			webhook := s.webhook.url != ""
			s.mu.Unlock()
			if webhook {
				return nil, &APIError{Code: http.StatusConflict, Description: "Conflict: terminated by setWebhook request"}
			}
			return nil, &APIError{Code: http.StatusConflict, Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
		}
		if hold, aerr := s.outageHoldLocked(); hold != nil || aerr != nil {
			s.mu.Unlock()
			if hold != nil {
				select {
				case <-hold:
				case <-c.ctx.Done():
					return json.RawMessage("[]"), nil
				case <-s.done:
					return json.RawMessage("[]"), nil
				}
			}
			if aerr != nil {
				return nil, aerr
			}
			s.mu.Lock()
			continue
		}
		batch := s.collectLocked(limit)
		if len(batch) > 0 || timeout == 0 {
			size := 2
			for _, q := range batch {
				q.delivered = true
				size += len(q.raw) + 1
			}
			s.mu.Unlock()
			buf := make([]byte, 0, size)
			buf = append(buf, '[')
			for i, q := range batch {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = append(buf, q.raw...)
			}
			return json.RawMessage(append(buf, ']')), nil
		}
		if s.updWake == nil {
			s.updWake = make(chan struct{})
		}
		wake := s.updWake
		s.mu.Unlock()
		select {
		case <-wake:
		case <-expired:
			return json.RawMessage("[]"), nil
		case <-c.ctx.Done():
			return json.RawMessage("[]"), nil
		case <-s.done:
			return json.RawMessage("[]"), nil
		}
		s.mu.Lock()
	}
}

// Redeliver queues an update that was already sent once, as Telegram does
// when it is unsure the bot got it. The copy is delivered by the next
// getUpdates even if the bot already confirmed a higher offset. It panics
// for an update_id the double never produced.
func (s *Server) Redeliver(updateID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.history[updateID]
	if q == nil {
		panic(fmt.Sprintf("fakeapi: Redeliver(%d): no such update", updateID))
	}
	s.queue = append(s.queue, &queuedUpdate{id: q.id, kind: q.kind, raw: q.raw, forced: true})
	s.wakePollersLocked()
}

// WaitConfirmed blocks until the bot confirmed updateID, i.e. a getUpdates
// call carried an offset above it (go-telegram/bot does so as soon as it
// has taken the update, before its handler finishes).
func (s *Server) WaitConfirmed(ctx context.Context, updateID int64) error {
	for {
		s.mu.Lock()
		if s.confirmed >= updateID {
			s.mu.Unlock()
			return nil
		}
		if s.closed {
			s.mu.Unlock()
			return ErrClosed
		}
		if s.confirmWake == nil {
			s.confirmWake = make(chan struct{})
		}
		wake := s.confirmWake
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		case <-s.done:
		}
	}
}

// Confirmed is the highest update_id the bot confirmed, i.e. the offset
// of its latest getUpdates call minus one (counted when the call arrives).
func (s *Server) Confirmed() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirmed
}

// PendingUpdates counts updates queued and not yet confirmed by an offset.
func (s *Server) PendingUpdates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

func (u User) model() models.User {
	name := u.FirstName
	if name == "" {
		name = "User"
	}
	return models.User{ID: u.ID, FirstName: name, Username: u.Username, LanguageCode: u.LanguageCode}
}

// privateChatLocked returns the private chat with u, creating it on first
// contact: from then on the bot may write there.
func (s *Server) privateChatLocked(u User) *chatState {
	mu := u.model()
	c := s.chats[u.ID]
	if c == nil {
		c = newChatState(models.Chat{ID: u.ID, Type: models.ChatTypePrivate})
		s.chats[u.ID] = c
	}
	if c.chat.Type == models.ChatTypePrivate {
		c.chat.FirstName = mu.FirstName
		c.chat.Username = mu.Username
	}
	return c
}

// knownChatLocked registers a chat seen in an update.
func (s *Server) knownChatLocked(ch models.Chat) *chatState {
	if ch.ID == 0 {
		return nil
	}
	c := s.chats[ch.ID]
	if c == nil {
		if ch.Type == "" {
			ch.Type = models.ChatTypePrivate
		}
		c = newChatState(ch)
		s.chats[ch.ID] = c
		return c
	}
	if ch.Type != "" {
		c.chat = ch
	}
	return c
}

// SendText enqueues a text message from the user in their private chat
// with the bot (chat id = user id), with bot_command entities like Telegram
// computes them. It returns the update_id.
func (s *Server) SendText(from User, text string) int64 {
	return s.SendMessage(from, models.Message{Text: text})
}

// SendMessage enqueues any message from the user: message_id, date, chat
// (the private chat unless msg.Chat is set) and from are filled when zero,
// and bot_command entities are computed when Entities is nil.
func (s *Server) SendMessage(from User, msg models.Message) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var c *chatState
	if msg.Chat.ID != 0 {
		c = s.knownChatLocked(msg.Chat)
	} else {
		c = s.privateChatLocked(from)
	}
	msg.Chat = c.chat
	if msg.From == nil {
		u := from.model()
		msg.From = &u
	}
	if msg.ID == 0 {
		msg.ID = c.nextMsgID
	}
	c.bumpMsgID(msg.ID)
	if msg.Date == 0 {
		msg.Date = int(s.clock().Unix())
	}
	if msg.Text != "" && msg.Entities == nil {
		msg.Entities = commandEntities(msg.Text)
	}
	if msg.Caption != "" && msg.CaptionEntities == nil {
		msg.CaptionEntities = commandEntities(msg.Caption)
	}
	s.storeUserMessageLocked(c, &msg)
	id := s.takeUpdateIDLocked(0)
	raw, err := json.Marshal(&models.Update{ID: id, Message: &msg})
	if err != nil {
		panic(fmt.Sprintf("fakeapi: SendMessage: %v", err))
	}
	return s.enqueueLocked(id, "message", raw)
}

func (s *Server) storeUserMessageLocked(c *chatState, msg *models.Message) {
	if msg.ID == 0 {
		return
	}
	c.bumpMsgID(msg.ID)
	m := &storedMsg{id: msg.ID, date: int64(msg.Date), text: msg.Text, plain: msg.Text, entities: msg.Entities}
	if msg.Text == "" && msg.Caption != "" {
		m.text, m.plain, m.entities, m.isCaption = msg.Caption, msg.Caption, msg.CaptionEntities, true
	}
	if d := msg.Document; d != nil && d.FileID != "" {
		m.document = s.knownFileLocked(d.FileID, d.FileUniqueID, FileParam{Name: d.FileName, Size: d.FileSize}, d.MimeType)
	}
	if len(msg.Photo) > 0 {
		p := msg.Photo[len(msg.Photo)-1]
		if p.FileID != "" {
			m.photo = s.knownFileLocked(p.FileID, p.FileUniqueID, FileParam{Size: int64(p.FileSize)}, "image/jpeg")
			m.photo.width, m.photo.height = p.Width, p.Height
		}
	}
	c.msgs[msg.ID] = m
	s.trimChatLocked(c, msg.ID)
}

// PressButton enqueues a callback_query: the user presses the inline button
// carrying data under the bot's message messageID in their private chat.
// The query has a fresh id and the message as the bot last left it. It
// panics when that message has no such button, since no real user could
// press it (ForgeCallback sends such data on purpose).
func (s *Server) PressButton(from User, messageID int, data string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChatLocked(from)
	m := c.msgs[messageID]
	if m == nil || !m.fromBot {
		panic(fmt.Sprintf("fakeapi: PressButton: chat %d has no bot message %d", from.ID, messageID))
	}
	found := false
	var have []string
	for _, row := range m.keyboard {
		for _, b := range row {
			if b.CallbackData == data && data != "" {
				found = true
			}
			have = append(have, strconv.Quote(b.CallbackData))
		}
	}
	if !found {
		panic(fmt.Sprintf("fakeapi: PressButton: message %d has no button with callback_data %q (has %s)", messageID, data, strings.Join(have, ", ")))
	}
	return s.callbackLocked(from, c, messageID, data)
}

// callbackLocked enqueues a callback_query from the user on messageID of
// chat c: the message as the bot last left it, or an inaccessible message
// (date 0, as Telegram sends for messages it no longer has) when the bot
// has no such message there.
func (s *Server) callbackLocked(from User, c *chatState, messageID int, data string) int64 {
	var msgRaw []byte
	var err error
	if m := c.msgs[messageID]; m != nil && m.fromBot {
		msgRaw, err = json.Marshal(s.wireLocked(c, m))
	} else {
		msgRaw, err = json.Marshal(&models.InaccessibleMessage{Chat: c.chat, MessageID: messageID})
	}
	if err != nil {
		panic(fmt.Sprintf("fakeapi: callback_query: %v", err))
	}
	cbID := s.newCallbackLocked()
	upd := struct {
		UpdateID      int64 `json:"update_id"`
		CallbackQuery struct {
			ID           string          `json:"id"`
			From         models.User     `json:"from"`
			Message      json.RawMessage `json:"message"`
			ChatInstance string          `json:"chat_instance"`
			Data         string          `json:"data"`
		} `json:"callback_query"`
	}{UpdateID: s.takeUpdateIDLocked(0)}
	upd.CallbackQuery.ID = cbID
	upd.CallbackQuery.From = from.model()
	upd.CallbackQuery.Message = msgRaw
	upd.CallbackQuery.ChatInstance = chatInstance(c.chat.ID)
	upd.CallbackQuery.Data = data
	raw, err := json.Marshal(&upd)
	if err != nil {
		panic(fmt.Sprintf("fakeapi: callback_query: %v", err))
	}
	return s.enqueueLocked(upd.UpdateID, "callback_query", raw)
}

func chatInstance(chatID int64) string {
	return strconv.FormatUint(uint64(chatID)*2654435761+1234567891, 10)
}

// callbackState tracks a callback query the bot must answer exactly once.
type callbackState struct {
	answered bool
}

func (s *Server) newCallbackLocked() string {
	s.cbSeq++
	id := strconv.FormatInt(4611686018427387904+s.cbSeq*7919, 10)
	s.callbacks[id] = &callbackState{}
	return id
}

// UnansweredCallbacks lists callback query ids the bot never answered with
// answerCallbackQuery (the user's button would keep spinning).
func (s *Server) UnansweredCallbacks() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for id, cb := range s.callbacks {
		if !cb.answered {
			out = append(out, id)
		}
	}
	return out
}

// SendUpdate enqueues a raw update, assigning update_id when it is 0 (and a
// fresh callback query id when a callback_query has none). Chats appearing
// in it become known, so the bot may answer there.
func (s *Server) SendUpdate(u models.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	u.ID = s.takeUpdateIDLocked(u.ID)
	for _, m := range []*models.Message{u.Message, u.ChannelPost, u.BusinessMessage} {
		if m != nil {
			if c := s.knownChatLocked(m.Chat); c != nil {
				s.storeUserMessageLocked(c, m)
			}
		}
	}
	for _, m := range []*models.Message{u.EditedMessage, u.EditedChannelPost, u.EditedBusinessMessage} {
		if m != nil {
			s.knownChatLocked(m.Chat)
		}
	}
	if cq := u.CallbackQuery; cq != nil {
		if m := cq.Message.Message; m != nil {
			s.knownChatLocked(m.Chat)
		} else if im := cq.Message.InaccessibleMessage; im != nil {
			s.knownChatLocked(im.Chat)
		}
		if cq.ID == "" {
			cp := *cq
			cp.ID = s.newCallbackLocked()
			u.CallbackQuery = &cp
		} else if s.callbacks[cq.ID] == nil {
			s.callbacks[cq.ID] = &callbackState{}
		}
	}
	for _, cm := range []*models.ChatMemberUpdated{u.MyChatMember, u.ChatMember} {
		if cm != nil {
			s.knownChatLocked(cm.Chat)
		}
	}
	if u.ChatJoinRequest != nil {
		s.knownChatLocked(u.ChatJoinRequest.Chat)
	}
	if u.MessageReaction != nil {
		s.knownChatLocked(u.MessageReaction.Chat)
	}
	raw, err := json.Marshal(&u)
	if err != nil {
		panic(fmt.Sprintf("fakeapi: SendUpdate: %v", err))
	}
	return s.enqueueLocked(u.ID, updateKind(&u), raw)
}

// updateKind names the first field of the update that is set.
func updateKind(u *models.Update) string {
	v := reflect.ValueOf(u).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := v.Field(i)
		if f.Kind() == reflect.Pointer && !f.IsNil() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			return name
		}
	}
	return ""
}

// commandEntities finds bot commands the way Telegram does: a '/' not
// preceded by a word character, 1-64 of [A-Za-z0-9_], optionally
// @botusername (3-32 characters), not followed by a word character.
// Offsets and lengths are in UTF-16 code units.
func commandEntities(text string) []models.MessageEntity {
	var ents []models.MessageEntity
	bytePos, u16Pos := 0, 0
	u16At := func(b int) int { // b only grows between calls
		for bytePos < b {
			r, size := utf8.DecodeRuneInString(text[bytePos:])
			u16Pos += runeUTF16(r)
			bytePos += size
		}
		return u16Pos
	}
	n := len(text)
	for i := 0; i < n; {
		j := strings.IndexByte(text[i:], '/')
		if j < 0 {
			break
		}
		p := i + j
		i = p + 1
		if p > 0 {
			prev, _ := utf8.DecodeLastRuneInString(text[:p])
			if isWordRune(prev) || prev == '/' || prev == '<' || prev == '>' {
				continue
			}
		}
		k := p + 1
		for k < n && isCommandByte(text[k]) {
			k++
		}
		if k == p+1 || k-(p+1) > 64 {
			i = k
			continue
		}
		end := k
		if k < n && text[k] == '@' {
			m := k + 1
			for m < n && isCommandByte(text[m]) {
				m++
			}
			if l := m - (k + 1); l >= 3 && l <= 32 {
				end = m
			}
		}
		i = end
		if end < n {
			next, _ := utf8.DecodeRuneInString(text[end:])
			if isWordRune(next) || next == '/' || next == '<' || next == '>' {
				continue
			}
		}
		start := u16At(p)
		ents = append(ents, models.MessageEntity{Type: models.MessageEntityTypeBotCommand, Offset: start, Length: u16At(end) - start})
	}
	return ents
}

func isCommandByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r)
}
