package fakeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	_ "image/gif" // photo dimensions, as Telegram reads them
	_ "image/jpeg"
	_ "image/png"
	"mime"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// Telegram's limits: text lengths count UTF-16 code units after entity
// parsing, callback data counts bytes.
const (
	maxTextLen       = 4096
	maxCaptionLen    = 1024
	maxCallbackData  = 64
	maxCallbackText  = 200
	deleteWindow     = 48 * time.Hour
	maxCommands      = 100
	maxCommandLen    = 32
	maxCommandDesc   = 256
	maxPhotoSideSum  = 10000
	maxPhotoRatio    = 20
	notModifiedError = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
)

// callCtx is one validated call being answered.
type callCtx struct {
	s      *Server
	ctx    context.Context
	params map[string]any
	files  map[string]*FileParam
	at     time.Time
}

func (c *callCtx) has(name string) bool {
	_, ok := c.params[name]
	return ok
}

func (c *callCtx) str(name string) string {
	s, _ := c.params[name].(string)
	return s
}

func (c *callCtx) int(name string) (int64, bool) {
	s, ok := c.params[name].(string)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func (c *callCtx) bool(name string) bool {
	switch c.str(name) {
	case "true", "True", "1":
		return true
	}
	return false
}

func (c *callCtx) chatIDParam() (int64, bool) {
	return c.int("chat_id")
}

// checkChats answers "chat not found" for a chat_id or from_chat_id of a
// chat that never talked to the bot.
func (c *callCtx) checkChats() *APIError {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	for _, name := range [...]string{"chat_id", "from_chat_id"} {
		if v := c.str(name); v != "" && c.s.lookupChatLocked(v) == nil {
			return badRequest("chat not found")
		}
	}
	return nil
}

func (s *Server) lookupChatLocked(v string) *chatState {
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		return s.chats[id]
	}
	if name, ok := strings.CutPrefix(v, "@"); ok && name != "" {
		for _, c := range s.chats {
			if c.chat.Type != models.ChatTypePrivate && strings.EqualFold(c.chat.Username, name) {
				return c
			}
		}
	}
	return nil
}

type chatState struct {
	chat      models.Chat
	nextMsgID int
	msgs      map[int]*storedMsg
}

func newChatState(ch models.Chat) *chatState {
	return &chatState{chat: ch, nextMsgID: 1, msgs: map[int]*storedMsg{}}
}

// trimChatLocked forgets the message MaxHistory places before newest.
func (s *Server) trimChatLocked(ch *chatState, newest int) {
	if s.maxHistory > 0 {
		delete(ch.msgs, newest-s.maxHistory)
	}
}

func (c *chatState) bumpMsgID(id int) {
	if id >= c.nextMsgID {
		c.nextMsgID = id + 1
	}
}

type storedMsg struct {
	id        int
	fromBot   bool
	date      int64
	editDate  int64
	text      string // as sent (text or caption)
	parseMode string
	plain     string
	entities  []models.MessageEntity
	isCaption bool
	markup    []byte // canonical inline keyboard JSON; nil without one
	keyboard  [][]Button
	document  *fileRec
	photo     *fileRec
}

type fileRec struct {
	file          FileParam
	fileID        string
	uniqueID      string
	mime          string
	width, height int
}

// wireMessage is a bot message as Telegram returns it.
type wireMessage struct {
	MessageID       int                    `json:"message_id"`
	From            *models.User           `json:"from,omitempty"`
	Chat            models.Chat            `json:"chat"`
	Date            int64                  `json:"date"`
	EditDate        int64                  `json:"edit_date,omitempty"`
	Text            string                 `json:"text,omitempty"`
	Entities        []models.MessageEntity `json:"entities,omitempty"`
	Document        *models.Document       `json:"document,omitempty"`
	Photo           []models.PhotoSize     `json:"photo,omitempty"`
	Caption         string                 `json:"caption,omitempty"`
	CaptionEntities []models.MessageEntity `json:"caption_entities,omitempty"`
	ReplyMarkup     json.RawMessage        `json:"reply_markup,omitempty"`
}

func (s *Server) wireLocked(c *chatState, m *storedMsg) *wireMessage {
	w := &wireMessage{MessageID: m.id, Chat: c.chat, Date: m.date, EditDate: m.editDate}
	if m.fromBot {
		u := s.botUser
		w.From = &u
	}
	if m.isCaption {
		w.Caption, w.CaptionEntities = m.plain, m.entities
	} else {
		w.Text, w.Entities = m.plain, m.entities
	}
	if d := m.document; d != nil {
		w.Document = &models.Document{FileID: d.fileID, FileUniqueID: d.uniqueID, FileName: d.file.Name, MimeType: d.mime, FileSize: d.file.Size}
	}
	if p := m.photo; p != nil {
		w.Photo = []models.PhotoSize{{FileID: p.fileID, FileUniqueID: p.uniqueID, Width: p.width, Height: p.height, FileSize: int(p.file.Size)}}
	}
	if m.markup != nil {
		w.ReplyMarkup = m.markup
	}
	return w
}

func (s *Server) newFileLocked(f FileParam, mimeType string, photo bool) *fileRec {
	s.fileSeq++
	prefix := "BQACAgIAAxkDAAI"
	if photo {
		prefix = "AgACAgIAAxkDAAI"
	}
	seq := strconv.FormatInt(s.fileSeq, 36)
	r := &fileRec{file: f, fileID: prefix + seq + "_fake" + strconv.FormatInt(s.fileSeq*104729, 36), uniqueID: "AgAD" + seq, mime: mimeType}
	s.files[r.fileID] = r
	return r
}

func (s *Server) knownFileLocked(fileID, uniqueID string, f FileParam, mimeType string) *fileRec {
	if r := s.files[fileID]; r != nil {
		return r
	}
	if uniqueID == "" {
		uniqueID = "AgAD" + fileID
	}
	r := &fileRec{file: f, fileID: fileID, uniqueID: uniqueID, mime: mimeType}
	s.files[fileID] = r
	return r
}

// Chat returns the chat as the user sees it now: the bot's messages in
// order, with edits applied and deleted ones gone.
func (s *Server) Chat(chatID int64) []Message {
	s.obs.RLock()
	defer s.obs.RUnlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	var out []Message
	for _, m := range c.msgs {
		if !m.fromBot {
			continue
		}
		msg := Message{ID: m.id, Text: m.text, Plain: m.plain, ParseMode: m.parseMode, Edited: m.editDate != 0, Date: time.Unix(m.date, 0).UTC()}
		for _, row := range m.keyboard {
			msg.Keyboard = append(msg.Keyboard, append([]Button(nil), row...))
		}
		if m.document != nil {
			d := m.document.file
			msg.Document = &d
		}
		if m.photo != nil {
			p := m.photo.file
			msg.Photo = &p
		}
		out = append(out, msg)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// LastMessage is the newest bot message in the chat, or nil.
func (s *Server) LastMessage(chatID int64) *Message {
	msgs := s.Chat(chatID)
	if len(msgs) == 0 {
		return nil
	}
	return &msgs[len(msgs)-1]
}

type handlerDef struct {
	name       string
	checkChats bool
	fn         func(*callCtx) (any, *APIError)
}

// handlers are the modelled methods, keyed by lower-case name.
var handlers = func() map[string]handlerDef {
	defs := []handlerDef{
		{"getUpdates", false, getUpdates},
		{"getMe", false, getMe},
		{"sendMessage", true, sendMessage},
		{"editMessageText", true, editMessageText},
		{"editMessageCaption", true, editMessageCaption},
		{"editMessageReplyMarkup", true, editMessageReplyMarkup},
		{"answerCallbackQuery", false, answerCallbackQuery},
		{"sendDocument", true, sendDocument},
		{"sendPhoto", true, sendPhoto},
		{"copyMessage", true, copyMessage},
		{"deleteMessage", true, deleteMessage},
		{"sendChatAction", true, sendChatAction},
		{"setMyCommands", false, setMyCommands},
		{"getMyCommands", false, getMyCommands},
		{"deleteMyCommands", false, deleteMyCommands},
		{"setWebhook", false, setWebhook},
		{"deleteWebhook", false, deleteWebhook},
		{"getWebhookInfo", false, getWebhookInfo},
		{"setChatMenuButton", true, setChatMenuButton},
		{"getChatMenuButton", true, getChatMenuButton},
		{"close", false, returnTrue},
		{"logOut", false, returnTrue},
	}
	m := make(map[string]handlerDef, len(defs))
	for _, d := range defs {
		m[strings.ToLower(d.name)] = d
	}
	return m
}()

func returnTrue(*callCtx) (any, *APIError) { return rawTrue, nil }

func getMe(c *callCtx) (any, *APIError) {
	u := c.s.botUser
	return struct {
		models.User
		CanJoinGroups           bool `json:"can_join_groups"`
		CanReadAllGroupMessages bool `json:"can_read_all_group_messages"`
		SupportsInlineQueries   bool `json:"supports_inline_queries"`
		CanConnectToBusiness    bool `json:"can_connect_to_business"`
		HasMainWebApp           bool `json:"has_main_web_app"`
	}{User: u, CanJoinGroups: true}, nil
}

// formatted is a text after parse_mode/entities processing.
type formatted struct {
	raw, parseMode, plain string
	entities              []models.MessageEntity
}

// formatText applies parse_mode (or explicit entities) to the text
// parameter named field and enforces Telegram's emptiness and length rules.
// For captions an absent or empty text is fine.
func (c *callCtx) formatText(field, parseModeField, entitiesField string, caption bool) (*formatted, *APIError) {
	text := c.str(field)
	f := &formatted{raw: text, parseMode: c.str(parseModeField)}
	if caption && text == "" {
		return f, nil
	}
	if !utf8.ValidString(text) {
		return nil, badRequest("text must be encoded in UTF-8")
	}
	var err error
	switch strings.ToLower(f.parseMode) {
	case "":
		f.plain = text
		if v, ok := c.params[entitiesField]; ok {
			if f.entities, err = decodeEntities(v); err != nil {
				return nil, badRequest("can't parse entities JSON object")
			}
		}
	case "html":
		f.plain, f.entities, err = parseHTML(text)
	case "markdownv2":
		f.plain, f.entities, err = parseMarkdownV2(text)
	case "markdown":
		f.plain, f.entities, err = parseMarkdown(text)
	default:
		return nil, badRequest("unsupported parse_mode")
	}
	if err != nil {
		return nil, badRequest("can't parse entities: " + err.Error())
	}
	f.plain, f.entities = trimEntities(f.plain, f.entities)
	n := utf16Len(f.plain)
	switch {
	case caption && n > maxCaptionLen:
		return nil, badRequest("message caption is too long")
	case caption:
	case n == 0:
		return nil, badRequest("message text is empty")
	case n > maxTextLen:
		return nil, badRequest("message is too long")
	}
	return f, nil
}

func decodeEntities(v any) ([]models.MessageEntity, error) {
	var data []byte
	if s, ok := v.(string); ok {
		data = []byte(s)
	} else {
		var err error
		if data, err = json.Marshal(v); err != nil {
			return nil, err
		}
	}
	var ents []models.MessageEntity
	err := json.Unmarshal(data, &ents)
	return ents, err
}

// inlineMarkup processes reply_markup: an inline keyboard is checked as
// Telegram checks it and returned in canonical form with its buttons;
// other markups (reply keyboards...) are accepted only when
// inlineOnly is false and leave no keyboard on the message.
func (c *callCtx) inlineMarkup(inlineOnly bool) ([]byte, [][]Button, *APIError) {
	v, ok := c.params["reply_markup"]
	if !ok {
		return nil, nil, nil
	}
	obj, isObj := v.(map[string]any)
	if !isObj {
		return nil, nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	rowsV, hasInline := obj["inline_keyboard"]
	if !hasInline {
		if inlineOnly {
			return nil, nil, badRequest("can't parse inline keyboard markup JSON object")
		}
		return nil, nil, nil
	}
	rows, okRows := rowsV.([]any)
	if !okRows {
		return nil, nil, badRequest("field \"inline_keyboard\" must be of type Array of Array of InlineKeyboardButton")
	}
	var kb [][]Button
	canonRows := make([]any, 0, len(rows))
	for _, rowV := range rows {
		row, okRow := rowV.([]any)
		if !okRow {
			return nil, nil, badRequest("field \"inline_keyboard\" must be of type Array of Array of InlineKeyboardButton")
		}
		var kbRow []Button
		canonRow := make([]any, 0, len(row))
		for _, bv := range row {
			b, okB := bv.(map[string]any)
			if !okB {
				return nil, nil, badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
			}
			canon, btn, aerr := checkInlineButton(b)
			if aerr != nil {
				return nil, nil, aerr
			}
			kbRow = append(kbRow, btn)
			canonRow = append(canonRow, canon)
		}
		if len(row) > 0 {
			kb = append(kb, kbRow)
			canonRows = append(canonRows, canonRow)
		}
	}
	if len(kb) == 0 {
		return nil, nil, nil // an empty inline keyboard is no keyboard
	}
	data, err := json.Marshal(map[string]any{"inline_keyboard": canonRows})
	if err != nil {
		return nil, nil, badRequest("can't encode inline keyboard: " + err.Error())
	}
	return data, kb, nil
}

// checkInlineButton applies Telegram's rules: a non-empty label and exactly
// one action field. go-telegram/bot serialises an empty copy_text object on
// every button (a non-pointer struct); Telegram ignores it, and so does this.
func checkInlineButton(b map[string]any) (map[string]any, Button, *APIError) {
	text, _ := b["text"].(string)
	if strings.TrimSpace(text) == "" {
		return nil, Button{}, badRequest("can't parse inline keyboard button: Text must be non-empty")
	}
	btn := Button{Text: text}
	canon := make(map[string]any, 3)
	var actions []string
	for k, v := range b {
		switch k {
		case "text", "icon_custom_emoji_id", "style":
			canon[k] = v
			continue
		case "copy_text":
			if ct, ok := v.(map[string]any); ok {
				if t, _ := ct["text"].(string); t == "" {
					continue
				}
			}
		case "pay":
			if v == false {
				continue
			}
		case "callback_data":
			data, _ := v.(string)
			if data == "" || len(data) > maxCallbackData {
				return nil, Button{}, badRequest("BUTTON_DATA_INVALID")
			}
			btn.CallbackData = data
		case "url":
			u, _ := v.(string)
			if !validButtonURL(u) {
				return nil, Button{}, badRequest("inline keyboard button URL '" + u + "' is invalid: Wrong HTTP URL")
			}
			btn.URL = u
		case "web_app", "login_url":
			if o, ok := v.(map[string]any); ok {
				btn.URL, _ = o["url"].(string)
			}
		}
		if v == nil {
			continue
		}
		canon[k] = v
		actions = append(actions, k)
	}
	switch len(actions) {
	case 0:
		return nil, Button{}, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	case 1:
		return canon, btn, nil
	}
	sort.Strings(actions)
	return nil, Button{}, badRequest("can't parse inline keyboard button: exactly one of its action fields must be used, got " + strings.Join(actions, ", "))
}

func validButtonURL(u string) bool {
	if u == "" || strings.ContainsAny(u, " \t\n") {
		return false
	}
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https":
		return p.Host != ""
	case "tg", "ton":
		return true
	case "":
		// Telegram accepts "example.com/path" and adds http://
		host, _, _ := strings.Cut(u, "/")
		return strings.Contains(host, ".")
	}
	return false
}

// chatLocked resolves a chat parameter (chat_id, from_chat_id).
func (c *callCtx) chatLocked(name string) (*chatState, *APIError) {
	v := c.str(name)
	if v == "" {
		return nil, badRequest(name + " is empty")
	}
	ch := c.s.lookupChatLocked(v)
	if ch == nil {
		return nil, badRequest("chat not found")
	}
	return ch, nil
}

// checkReplyLocked enforces reply_parameters: the replied message must exist
// unless allow_sending_without_reply is set.
func (c *callCtx) checkReplyLocked(ch *chatState) *APIError {
	rp, ok := c.params["reply_parameters"].(map[string]any)
	if !ok {
		return nil
	}
	if allow, _ := rp["allow_sending_without_reply"].(bool); allow {
		return nil
	}
	target := ch
	if cid, ok := rp["chat_id"]; ok {
		s, _ := scalarText(cid)
		if target = c.s.lookupChatLocked(s); target == nil {
			return badRequest("message to be replied not found")
		}
	}
	n, _ := rp["message_id"].(json.Number)
	id, err := strconv.Atoi(string(n))
	if err != nil || target.msgs[id] == nil {
		return badRequest("message to be replied not found")
	}
	return nil
}

func sendMessage(c *callCtx) (any, *APIError) {
	f, aerr := c.formatText("text", "parse_mode", "entities", false)
	if aerr != nil {
		return nil, aerr
	}
	markup, kb, aerr := c.inlineMarkup(false)
	if aerr != nil {
		return nil, aerr
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, aerr := c.chatLocked("chat_id")
	if aerr != nil {
		return nil, aerr
	}
	if aerr := c.checkReplyLocked(ch); aerr != nil {
		return nil, aerr
	}
	m := &storedMsg{fromBot: true, text: f.raw, parseMode: f.parseMode, plain: f.plain, entities: f.entities, markup: markup, keyboard: kb}
	return s.addBotMessageLocked(ch, m, c.at), nil
}

func (s *Server) addBotMessageLocked(ch *chatState, m *storedMsg, at time.Time) *wireMessage {
	m.id = ch.nextMsgID
	ch.nextMsgID++
	m.date = at.Unix()
	ch.msgs[m.id] = m
	s.trimChatLocked(ch, m.id)
	return s.wireLocked(ch, m)
}

// resolveFile turns an InputFile parameter into a file: an upload, an
// attach://name reference, a file_id the double issued, or an HTTP URL.
func (c *callCtx) resolveFile(field string, photo bool) (*fileRec, *APIError) {
	var up *FileParam
	switch v := c.params[field].(type) {
	case FileParam:
		up = &v
	case string:
		if name, ok := strings.CutPrefix(v, "attach://"); ok {
			up = c.files[name]
			if up == nil {
				return nil, badRequest("wrong file identifier/HTTP URL specified")
			}
			break
		}
		c.s.mu.Lock()
		known := c.s.files[v]
		c.s.mu.Unlock()
		if known != nil {
			return known, nil
		}
		if u, err := url.Parse(v); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			name := path.Base(u.Path)
			if name == "/" || name == "." {
				name = "file"
			}
			c.s.mu.Lock()
			defer c.s.mu.Unlock()
			return c.s.newFileLocked(FileParam{Name: name}, mimeOf(name), photo), nil
		}
		return nil, badRequest("wrong file identifier/HTTP URL specified")
	default:
		return nil, badRequest("parameter \"" + field + "\" is required")
	}
	if up.Size == 0 {
		return nil, badRequest("file must be non-empty")
	}
	var w, h int
	if photo {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(up.Content))
		if err != nil {
			return nil, badRequest("IMAGE_PROCESS_FAILED")
		}
		w, h = cfg.Width, cfg.Height
		if w+h > maxPhotoSideSum || w > h*maxPhotoRatio || h > w*maxPhotoRatio {
			return nil, badRequest("PHOTO_INVALID_DIMENSIONS")
		}
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	r := c.s.newFileLocked(*up, mimeOf(up.Name), photo)
	r.width, r.height = w, h
	return r, nil
}

func mimeOf(name string) string {
	ext := path.Ext(name)
	if ext == ".ics" {
		return "text/calendar"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		t, _, _ = strings.Cut(t, ";")
		return t
	}
	return "application/octet-stream"
}

func sendDocument(c *callCtx) (any, *APIError) {
	return sendMedia(c, "document", false)
}

func sendPhoto(c *callCtx) (any, *APIError) {
	return sendMedia(c, "photo", true)
}

func sendMedia(c *callCtx, field string, photo bool) (any, *APIError) {
	f, aerr := c.formatText("caption", "parse_mode", "caption_entities", true)
	if aerr != nil {
		return nil, aerr
	}
	markup, kb, aerr := c.inlineMarkup(false)
	if aerr != nil {
		return nil, aerr
	}
	file, aerr := c.resolveFile(field, photo)
	if aerr != nil {
		return nil, aerr
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, aerr := c.chatLocked("chat_id")
	if aerr != nil {
		return nil, aerr
	}
	if aerr := c.checkReplyLocked(ch); aerr != nil {
		return nil, aerr
	}
	m := &storedMsg{fromBot: true, isCaption: true, text: f.raw, parseMode: f.parseMode, plain: f.plain, entities: f.entities, markup: markup, keyboard: kb}
	if photo {
		m.photo = file
	} else {
		m.document = file
	}
	return s.addBotMessageLocked(ch, m, c.at), nil
}

// editTargetLocked finds the message an edit method addresses.
func (c *callCtx) editTargetLocked() (*chatState, *storedMsg, *APIError) {
	if c.str("inline_message_id") != "" {
		return nil, nil, badRequest("MESSAGE_ID_INVALID")
	}
	if c.str("chat_id") == "" || c.str("message_id") == "" {
		return nil, nil, badRequest("message identifier is not specified")
	}
	ch, aerr := c.chatLocked("chat_id")
	if aerr != nil {
		return nil, nil, aerr
	}
	id, _ := c.int("message_id")
	m := ch.msgs[int(id)]
	if m == nil {
		return nil, nil, badRequest("message to edit not found")
	}
	if !m.fromBot {
		return nil, nil, badRequest("message can't be edited")
	}
	return ch, m, nil
}

func editMessageText(c *callCtx) (any, *APIError) {
	return editFormatted(c, "text", "entities", false)
}

func editMessageCaption(c *callCtx) (any, *APIError) {
	return editFormatted(c, "caption", "caption_entities", true)
}

// editFormatted replaces a bot message's text (caption false) or caption
// (caption true) and its keyboard, as editMessageText and
// editMessageCaption do; Telegram refuses to edit the one on a message
// that has the other, and an edit that changes nothing.
func editFormatted(c *callCtx, field, entitiesField string, caption bool) (any, *APIError) {
	f, aerr := c.formatText(field, "parse_mode", entitiesField, caption)
	if aerr != nil {
		return nil, aerr
	}
	markup, kb, aerr := c.inlineMarkup(true)
	if aerr != nil {
		return nil, aerr
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, m, aerr := c.editTargetLocked()
	if aerr != nil {
		return nil, aerr
	}
	if m.isCaption != caption {
		return nil, badRequest("there is no " + field + " in the message to edit")
	}
	if m.plain == f.plain && sameEntities(m.entities, f.entities) && bytes.Equal(m.markup, markup) {
		return nil, notModified()
	}
	m.text, m.parseMode, m.plain, m.entities = f.raw, f.parseMode, f.plain, f.entities
	m.markup, m.keyboard = markup, kb
	m.editDate = c.at.Unix()
	return s.wireLocked(ch, m), nil
}

func editMessageReplyMarkup(c *callCtx) (any, *APIError) {
	markup, kb, aerr := c.inlineMarkup(true)
	if aerr != nil {
		return nil, aerr
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, m, aerr := c.editTargetLocked()
	if aerr != nil {
		return nil, aerr
	}
	if bytes.Equal(m.markup, markup) {
		return nil, notModified()
	}
	m.markup, m.keyboard = markup, kb
	m.editDate = c.at.Unix()
	return s.wireLocked(ch, m), nil
}

func sameEntities(a, b []models.MessageEntity) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Type != y.Type || x.Offset != y.Offset || x.Length != y.Length || x.URL != y.URL || x.Language != y.Language || x.CustomEmojiID != y.CustomEmojiID {
			return false
		}
		if (x.User == nil) != (y.User == nil) || x.User != nil && x.User.ID != y.User.ID {
			return false
		}
	}
	return true
}

func answerCallbackQuery(c *callCtx) (any, *APIError) {
	id := c.str("callback_query_id")
	if utf16Len(c.str("text")) > maxCallbackText {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	cb := s.callbacks[id]
	if cb == nil || cb.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	cb.answered = true
	return rawTrue, nil
}

func copyMessage(c *callCtx) (any, *APIError) {
	var capt *formatted
	if c.has("caption") {
		var aerr *APIError
		if capt, aerr = c.formatText("caption", "parse_mode", "caption_entities", true); aerr != nil {
			return nil, aerr
		}
	}
	markup, kb, aerr := c.inlineMarkup(false)
	if aerr != nil {
		return nil, aerr
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	from, aerr := c.chatLocked("from_chat_id")
	if aerr != nil {
		return nil, aerr
	}
	id, _ := c.int("message_id")
	src := from.msgs[int(id)]
	if src == nil {
		return nil, badRequest("message to copy not found")
	}
	if src.plain == "" && src.document == nil && src.photo == nil {
		return nil, badRequest("message can't be copied")
	}
	ch, aerr := c.chatLocked("chat_id")
	if aerr != nil {
		return nil, aerr
	}
	if aerr := c.checkReplyLocked(ch); aerr != nil {
		return nil, aerr
	}
	m := &storedMsg{fromBot: true, text: src.text, parseMode: src.parseMode, plain: src.plain, entities: src.entities,
		isCaption: src.isCaption, document: src.document, photo: src.photo, markup: markup, keyboard: kb}
	if capt != nil && (src.isCaption || src.document != nil || src.photo != nil) {
		m.isCaption, m.text, m.parseMode, m.plain, m.entities = true, capt.raw, capt.parseMode, capt.plain, capt.entities
	}
	w := s.addBotMessageLocked(ch, m, c.at)
	return models.MessageID{ID: w.MessageID}, nil
}

func deleteMessage(c *callCtx) (any, *APIError) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, aerr := c.chatLocked("chat_id")
	if aerr != nil {
		return nil, aerr
	}
	id, _ := c.int("message_id")
	m := ch.msgs[int(id)]
	if m == nil {
		return nil, badRequest("message to delete not found")
	}
	if c.at.Sub(time.Unix(m.date, 0)) > deleteWindow {
		return nil, badRequest("message can't be deleted")
	}
	delete(ch.msgs, int(id))
	return rawTrue, nil
}

var chatActions = map[string]bool{
	"typing": true, "upload_photo": true, "record_video": true, "upload_video": true,
	"record_voice": true, "upload_voice": true, "upload_document": true, "choose_sticker": true,
	"find_location": true, "record_video_note": true, "upload_video_note": true,
}

func sendChatAction(c *callCtx) (any, *APIError) {
	if !chatActions[c.str("action")] {
		return nil, badRequest("wrong parameter action in request")
	}
	return rawTrue, nil
}

// commandsKey identifies a command list by scope and language.
func (c *callCtx) commandsKey() (string, *APIError) {
	lang := c.str("language_code")
	if lang != "" && (len(lang) != 2 || lang[0] < 'a' || lang[0] > 'z' || lang[1] < 'a' || lang[1] > 'z') {
		return "", badRequest("LANG_CODE_INVALID")
	}
	scope := []byte(`{"type":"default"}`)
	if v, ok := c.params["scope"]; ok {
		obj, isObj := v.(map[string]any)
		if !isObj {
			return "", badRequest("can't parse BotCommandScope JSON object")
		}
		var err error
		if scope, err = json.Marshal(obj); err != nil {
			return "", badRequest("can't parse BotCommandScope JSON object")
		}
	}
	return string(scope) + "|" + lang, nil
}

func setMyCommands(c *callCtx) (any, *APIError) {
	key, aerr := c.commandsKey()
	if aerr != nil {
		return nil, aerr
	}
	list, ok := c.params["commands"].([]any)
	if !ok {
		return nil, badRequest("can't parse commands JSON array")
	}
	if len(list) > maxCommands {
		return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	cmds := make([]models.BotCommand, 0, len(list))
	for _, v := range list {
		o, _ := v.(map[string]any)
		cmd, _ := o["command"].(string)
		desc, _ := o["description"].(string)
		if cmd == "" || len(cmd) > maxCommandLen || !isIdent(cmd) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf16Len(strings.TrimSpace(desc)); n == 0 || n > maxCommandDesc {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
		cmds = append(cmds, models.BotCommand{Command: cmd, Description: desc})
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if len(cmds) == 0 {
		delete(c.s.commands, key)
	} else {
		c.s.commands[key] = cmds
	}
	return rawTrue, nil
}

func getMyCommands(c *callCtx) (any, *APIError) {
	key, aerr := c.commandsKey()
	if aerr != nil {
		return nil, aerr
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	cmds := c.s.commands[key]
	if cmds == nil {
		return json.RawMessage("[]"), nil
	}
	return append([]models.BotCommand(nil), cmds...), nil
}

func deleteMyCommands(c *callCtx) (any, *APIError) {
	key, aerr := c.commandsKey()
	if aerr != nil {
		return nil, aerr
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	delete(c.s.commands, key)
	return rawTrue, nil
}

// Commands returns the command list set for the default scope and the
// given language ("" for all languages).
func (s *Server) Commands(languageCode string) []models.BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]models.BotCommand(nil), s.commands[`{"type":"default"}|`+languageCode]...)
}

func isSecretToken(t string) bool {
	if len(t) == 0 || len(t) > 256 {
		return false
	}
	for i := 0; i < len(t); i++ {
		if !isCommandByte(t[i]) && t[i] != '-' {
			return false
		}
	}
	return true
}

func setWebhook(c *callCtx) (any, *APIError) {
	raw := c.str("url")
	if raw != "" {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
		}
		switch u.Port() {
		case "", "443", "80", "88", "8443":
		default:
			return nil, badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
		}
	}
	if c.has("secret_token") && !isSecretToken(c.str("secret_token")) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	maxConn, _ := c.int("max_connections")
	if c.has("max_connections") && (maxConn < 1 || maxConn > 100) {
		return nil, badRequest("max_connections must be between 1 and 100")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	wh := webhookState{url: raw, ipAddress: c.str("ip_address"), maxConnections: int(maxConn)}
	if _, ok := c.params["certificate"].(FileParam); ok {
		wh.hasCert = true
	}
	if list, ok := c.params["allowed_updates"].([]any); ok {
		for _, v := range list {
			if name, ok := v.(string); ok {
				wh.allowed = append(wh.allowed, name)
			}
		}
	}
	if raw == "" {
		wh = webhookState{}
	} else if wh.maxConnections == 0 {
		wh.maxConnections = 40
	}
	s.webhook = wh
	if c.bool("drop_pending_updates") {
		s.queue = nil
	}
	if raw != "" {
		s.webhookSetLocked(c.str("secret_token")) // webhook.go delivers
	}
	s.pollGen++ // a getUpdates still waiting is ended
	s.wakePollersLocked()
	return rawTrue, nil
}

func deleteWebhook(c *callCtx) (any, *APIError) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = webhookState{}
	if c.bool("drop_pending_updates") {
		s.queue = nil
	}
	return rawTrue, nil
}

func getWebhookInfo(c *callCtx) (any, *APIError) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	info := models.WebhookInfo{URL: s.webhook.url, HasCustomCertificate: s.webhook.hasCert, PendingUpdateCount: len(s.queue)}
	if s.webhook.url != "" {
		info.MaxConnections = s.webhook.maxConnections
		info.IPAddress = s.webhook.ipAddress
		info.AllowedUpdates = s.webhook.allowed
		info.LastErrorDate, info.LastErrorMessage = s.webhookErrorLocked()
	}
	return info, nil
}

func setChatMenuButton(c *callCtx) (any, *APIError) {
	var button any = map[string]any{"type": "default"}
	if v, ok := c.params["menu_button"]; ok {
		obj, isObj := v.(map[string]any)
		if !isObj {
			return nil, badRequest("can't parse menu button JSON object")
		}
		switch obj["type"] {
		case "default", "commands", "web_app":
		default:
			return nil, badRequest("unsupported menu button type")
		}
		button = obj
	}
	id, _ := c.int("chat_id")
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.s.menus[id] = button
	return rawTrue, nil
}

func getChatMenuButton(c *callCtx) (any, *APIError) {
	id, _ := c.int("chat_id")
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if b, ok := c.s.menus[id]; ok {
		return b, nil
	}
	if b, ok := c.s.menus[0]; ok {
		return b, nil
	}
	return map[string]any{"type": "default"}, nil
}

// notModified is Telegram's answer to an edit that changes nothing. It is
// not a contract violation: a user tapping the same button twice makes a
// correct bot ask for the same screen again, and the bot must cope with the
// answer (go-telegram/bot returns it as a bad request).
func notModified() *APIError {
	e := badRequest(notModifiedError)
	e.violation = false
	return e
}
