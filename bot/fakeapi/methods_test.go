package fakeapi

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func TestGetMe(t *testing.T) {
	srv := newStrict(t)
	b, err := bot.New(testToken, bot.WithServerURL(srv.URL())) // bot.New calls getMe
	if err != nil {
		t.Fatal(err)
	}
	me, err := b.GetMe(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != 123456 || !me.IsBot || me.Username != "forumbot_test_bot" || me.FirstName == "" || !me.CanJoinGroups {
		t.Fatalf("getMe = %+v", me)
	}
	r := postForm(t, srv, "getMe", nil)
	var raw map[string]any
	json.Unmarshal(r.Result, &raw)
	for _, k := range []string{"id", "is_bot", "first_name", "username", "can_join_groups", "can_read_all_group_messages", "supports_inline_queries"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("getMe lacks %q: %v", k, raw)
		}
	}
	custom := New(Options{BotID: 77, BotUsername: "other_bot"})
	defer custom.Close()
	b2, _ := bot.New("1:x", bot.WithServerURL(custom.URL()), bot.WithSkipGetMe())
	if me, err := b2.GetMe(testCtx(t)); err != nil || me.ID != 77 || me.Username != "other_bot" {
		t.Fatalf("custom getMe = %+v, %v", me, err)
	}
	if calls := srv.CallsTo("getMe"); len(calls) != 3 {
		t.Fatalf("%d getMe calls", len(calls))
	}
	wantNoViolations(t, srv)
}

func TestSendMessageResult(t *testing.T) {
	now := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	srv := New(Options{Spec: SpecForTest(t), Token: testToken, Clock: func() time.Time { return now }})
	defer srv.Close()
	b := newClient(t, srv)
	ctx := testCtx(t)
	bob := User{ID: 2002, FirstName: "Bob"}
	srv.SendText(alice, "hi")
	srv.SendText(bob, "hi")

	m1, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "<b>Hello</b>, <i>Alice</i>", ParseMode: models.ParseModeHTML,
		ReplyMarkup: keyboard(models.InlineKeyboardButton{Text: "Events", CallbackData: "events"}, models.InlineKeyboardButton{Text: "Site", URL: "https://example.com"})})
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "second"})
	mb, _ := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: bob.ID, Text: "for bob"})
	if m1.ID != 2 || m2.ID != 3 || mb.ID != 2 {
		t.Fatalf("message ids: alice %d,%d bob %d (the user's /hi took id 1 in each chat)", m1.ID, m2.ID, mb.ID)
	}
	if m1.Date != int(now.Unix()) || m1.Chat.ID != alice.ID || m1.Chat.Type != models.ChatTypePrivate || m1.From == nil || !m1.From.IsBot || m1.From.ID != 123456 {
		t.Fatalf("message = %+v", m1)
	}
	if m1.Text != "Hello, Alice" {
		t.Fatalf("text = %q (Telegram returns the parsed text)", m1.Text)
	}
	wantEnts := []models.MessageEntity{ent("bold", 0, 5), ent("italic", 7, 5)}
	if len(m1.Entities) != 2 || m1.Entities[0] != wantEnts[0] || m1.Entities[1] != wantEnts[1] {
		t.Fatalf("entities = %+v", m1.Entities)
	}
	if m1.ReplyMarkup == nil || len(m1.ReplyMarkup.InlineKeyboard[0]) != 2 || m1.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "events" || m1.ReplyMarkup.InlineKeyboard[0][1].URL != "https://example.com" {
		t.Fatalf("reply_markup = %+v", m1.ReplyMarkup)
	}
	// the echoed keyboard is Telegram's, without go-telegram's empty copy_text
	r := postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1001", "text": "x", "reply_markup": `{"inline_keyboard":[[{"text":"A","callback_data":"a","copy_text":{"text":""}}]]}`})
	if strings.Contains(string(r.Result), "copy_text") {
		t.Fatalf("echoed markup keeps copy_text: %s", r.Result)
	}

	chat := srv.Chat(alice.ID)
	if len(chat) != 3 {
		t.Fatalf("chat = %+v", chat)
	}
	got := chat[0]
	if got.ID != m1.ID || got.Text != "<b>Hello</b>, <i>Alice</i>" || got.Plain != "Hello, Alice" || got.ParseMode != "HTML" || got.Edited || !got.Date.Equal(now.Truncate(time.Second)) {
		t.Fatalf("Chat()[0] = %+v", got)
	}
	wantKB := [][]Button{{{Text: "Events", CallbackData: "events"}, {Text: "Site", URL: "https://example.com"}}}
	if len(got.Keyboard) != 1 || got.Keyboard[0][0] != wantKB[0][0] || got.Keyboard[0][1] != wantKB[0][1] {
		t.Fatalf("keyboard = %+v", got.Keyboard)
	}
	if last := srv.LastMessage(alice.ID); last == nil || last.Text != "x" {
		t.Fatalf("LastMessage = %+v", last)
	}
	if srv.LastMessage(999) != nil || srv.Chat(999) != nil {
		t.Fatal("unknown chat has messages")
	}
	// reply keyboards are accepted but leave no inline keyboard
	m3, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "share", ReplyMarkup: &models.ReplyKeyboardMarkup{
		Keyboard: [][]models.KeyboardButton{{{Text: "Send phone", RequestContact: true}}}, ResizeKeyboard: true, OneTimeKeyboard: true}})
	if err != nil || m3.ReplyMarkup != nil {
		t.Fatalf("reply keyboard: %+v %v", m3, err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "bye", ReplyMarkup: &models.ReplyKeyboardRemove{RemoveKeyboard: true}}); err != nil {
		t.Fatal(err)
	}
	wantNoViolations(t, srv)
}

func TestChatReflectsEdits(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "/start")
	m, _ := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "Pick a day", ReplyMarkup: keyboard(
		models.InlineKeyboardButton{Text: "Mon", CallbackData: "day:1"}, models.InlineKeyboardButton{Text: "Tue", CallbackData: "day:2"})})
	other, _ := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "unrelated"})

	edited, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: m.ID, Text: "<b>Monday</b> chosen", ParseMode: models.ParseModeHTML,
		ReplyMarkup: keyboard(models.InlineKeyboardButton{Text: "Undo", CallbackData: "undo"})})
	if err != nil {
		t.Fatal(err)
	}
	if edited.ID != m.ID || edited.Text != "Monday chosen" || edited.EditDate == 0 {
		t.Fatalf("edit result = %+v", edited)
	}
	chat := srv.Chat(alice.ID)
	if len(chat) != 2 || chat[0].Text != "<b>Monday</b> chosen" || chat[0].Plain != "Monday chosen" || !chat[0].Edited || chat[1].Edited {
		t.Fatalf("after text edit = %+v", chat)
	}
	if len(chat[0].Keyboard) != 1 || chat[0].Keyboard[0][0].CallbackData != "undo" {
		t.Fatalf("keyboard after edit = %+v", chat[0].Keyboard)
	}
	if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: alice.ID, MessageID: m.ID}); err != nil {
		t.Fatal(err)
	}
	if chat = srv.Chat(alice.ID); chat[0].Keyboard != nil || chat[0].Plain != "Monday chosen" {
		t.Fatalf("after removing the keyboard = %+v", chat[0])
	}
	if ok, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: alice.ID, MessageID: other.ID}); err != nil || !ok {
		t.Fatal(err)
	}
	if chat = srv.Chat(alice.ID); len(chat) != 1 || chat[0].ID != m.ID {
		t.Fatalf("after delete = %+v", chat)
	}
	_, err = b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: alice.ID, MessageID: other.ID})
	wantClientBad(t, srv, err, "deleteMessage", "message to delete not found")
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: other.ID, Text: "gone"})
	wantClientBad(t, srv, err, "editMessageText", "message to edit not found")
}

func TestDeleteWindow(t *testing.T) {
	clock := newFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv := New(Options{Spec: SpecForTest(t), Token: testToken, Clock: clock.Now})
	defer srv.Close()
	b := newClient(t, srv)
	srv.SendText(alice, "hi")
	m, _ := b.SendMessage(testCtx(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "old"})
	if _, err := b.DeleteMessage(testCtx(t), &bot.DeleteMessageParams{ChatID: alice.ID, MessageID: 1}); err != nil {
		t.Fatalf("a fresh user message can be deleted: %v", err)
	}
	clock.Advance(49 * time.Hour)
	_, err := b.DeleteMessage(testCtx(t), &bot.DeleteMessageParams{ChatID: alice.ID, MessageID: m.ID})
	wantClientBad(t, srv, err, "deleteMessage", "message can't be deleted")
}

func TestPressButton(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "/start")
	m, _ := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "Pick", ReplyMarkup: keyboard(models.InlineKeyboardButton{Text: "A", CallbackData: "a"})})
	b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: m.ID, Text: "<i>Pick again</i>", ParseMode: models.ParseModeHTML,
		ReplyMarkup: keyboard(models.InlineKeyboardButton{Text: "B", CallbackData: "b"})})

	id1 := srv.PressButton(alice, m.ID, "b")
	id2 := srv.PressButton(alice, m.ID, "b")
	ups, _ := poll(t, srv, nil)
	if len(ups) != 3 || ups[1].ID != id1 || ups[2].ID != id2 {
		t.Fatalf("updates = %v", ids(ups))
	}
	cq1, cq2 := ups[1].CallbackQuery, ups[2].CallbackQuery
	if cq1 == nil || cq1.ID == "" || cq1.ID == cq2.ID {
		t.Fatalf("callback ids %q %q", cq1.ID, cq2.ID)
	}
	if cq1.Data != "b" || cq1.From.ID != alice.ID || cq1.ChatInstance == "" {
		t.Fatalf("callback = %+v", cq1)
	}
	msg := cq1.Message.Message
	if msg == nil || msg.ID != m.ID || msg.Text != "Pick again" || msg.EditDate == 0 || msg.From == nil || !msg.From.IsBot || msg.Chat.ID != alice.ID {
		t.Fatalf("attached message = %+v", msg)
	}
	if len(msg.Entities) != 1 || msg.Entities[0].Type != "italic" {
		t.Fatalf("attached entities = %+v", msg.Entities)
	}
	if msg.ReplyMarkup == nil || msg.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "b" {
		t.Fatalf("attached keyboard = %+v", msg.ReplyMarkup)
	}
	for _, id := range []string{cq1.ID, cq2.ID} {
		if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: id, Text: "ok", ShowAlert: true}); err != nil {
			t.Fatal(err)
		}
	}
	mustPanic(t, "stale button", func() { srv.PressButton(alice, m.ID, "a") })
	mustPanic(t, "missing message", func() { srv.PressButton(alice, 999, "b") })
	mustPanic(t, "user's own message", func() { srv.PressButton(alice, 1, "b") })
	wantNoViolations(t, srv)
}

func TestForgeCallback(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "/start")
	m, _ := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "menu", ReplyMarkup: keyboard(models.InlineKeyboardButton{Text: "A", CallbackData: "a"})})
	forged := srv.ForgeCallback(alice, m.ID, "admin:grant")
	gone := srv.ForgeCallback(alice, 77, "old:button")
	ups, _ := poll(t, srv, nil)
	if len(ups) != 3 || ups[1].ID != forged || ups[2].ID != gone {
		t.Fatalf("updates = %v", ids(ups))
	}
	cq := ups[1].CallbackQuery
	if cq.Data != "admin:grant" || cq.From.ID != alice.ID || cq.Message.Message == nil || cq.Message.Message.Text != "menu" ||
		cq.Message.Message.ReplyMarkup == nil || cq.Message.Message.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "a" {
		t.Fatalf("forged query = %+v", cq)
	}
	old := ups[2].CallbackQuery.Message
	if old.InaccessibleMessage == nil || old.InaccessibleMessage.MessageID != 77 || old.InaccessibleMessage.Chat.ID != alice.ID {
		t.Fatalf("query on a missing message = %+v", old)
	}
	for _, u := range ups[1:] {
		if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: u.CallbackQuery.ID, Text: "This button is outdated"}); err != nil {
			t.Fatal(err)
		}
	}
	wantNoViolations(t, srv)
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Fatalf("%s: no panic", what)
		}
	}()
	f()
}

func TestSendUpdateRaw(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	group := models.Chat{ID: -100500, Type: models.ChatTypeSupergroup, Title: "Forum"}
	u := alice.model()
	id := srv.SendUpdate(models.Update{Message: &models.Message{ID: 10, Date: 1, Chat: group, From: &u, Text: "in group"}})
	explicit := srv.SendUpdate(models.Update{ID: id + 50, CallbackQuery: &models.CallbackQuery{From: u, ChatInstance: "ci", Data: "x",
		Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeInaccessibleMessage, InaccessibleMessage: &models.InaccessibleMessage{Chat: group, MessageID: 3}}}})
	after := srv.SendText(alice, "next")
	if explicit != id+50 || after != id+51 {
		t.Fatalf("ids %d %d %d", id, explicit, after)
	}
	ups, _ := poll(t, srv, nil)
	if len(ups) != 3 || ups[1].CallbackQuery == nil || ups[1].CallbackQuery.ID == "" {
		t.Fatalf("updates = %+v", ups)
	}
	// the group is known, its message can be replied to, the query answered
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: group.ID, Text: "reply", ReplyParameters: &models.ReplyParameters{MessageID: 10}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: ups[1].CallbackQuery.ID}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Chat(group.ID); len(got) != 1 || got[0].ID != 11 {
		t.Fatalf("group chat = %+v", got)
	}
	wantNoViolations(t, srv)
}

func pngBytes(t *testing.T, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSendDocumentAndPhoto(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "/ics")
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Meetup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	m, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: alice.ID, Caption: "<b>Your</b> event", ParseMode: models.ParseModeHTML,
		Document: &models.InputFileUpload{Filename: "meetup.ics", Data: strings.NewReader(ics)}})
	if err != nil {
		t.Fatal(err)
	}
	d := m.Document
	if d == nil || d.FileID == "" || d.FileUniqueID == "" || d.FileName != "meetup.ics" || d.FileSize != int64(len(ics)) || d.MimeType != "text/calendar" {
		t.Fatalf("document = %+v", d)
	}
	if m.Caption != "Your event" || len(m.CaptionEntities) != 1 || m.Text != "" {
		t.Fatalf("caption = %q %+v", m.Caption, m.CaptionEntities)
	}
	chat := srv.Chat(alice.ID)
	got := chat[len(chat)-1]
	if got.Document == nil || got.Document.Name != "meetup.ics" || string(got.Document.Content) != ics || got.Document.Size != int64(len(ics)) || got.Text != "<b>Your</b> event" {
		t.Fatalf("Chat() document = %+v", got)
	}
	call := srv.CallsTo("sendDocument")[0]
	if f := call.File("document"); f == nil || f.Name != "meetup.ics" || string(f.Content) != ics {
		t.Fatalf("recorded upload = %+v", call.Params["document"])
	}

	// re-sending by file_id reuses the stored file
	m2, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: alice.ID, Document: &models.InputFileString{Data: d.FileID}})
	if err != nil || m2.Document.FileID != d.FileID {
		t.Fatalf("by file_id: %+v %v", m2, err)
	}
	if got := srv.LastMessage(alice.ID); string(got.Document.Content) != ics {
		t.Fatal("file_id resend lost the content")
	}
	m3, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: alice.ID, Document: &models.InputFileString{Data: "https://example.com/files/guide.pdf"}})
	if err != nil || m3.Document.FileName != "guide.pdf" || m3.Document.MimeType != "application/pdf" {
		t.Fatalf("by URL: %+v %v", m3, err)
	}
	_, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: alice.ID, Document: &models.InputFileString{Data: "no-such-file-id"}})
	wantClientBad(t, srv, err, "sendDocument", "wrong file identifier/HTTP URL specified")
	_, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: alice.ID, Document: &models.InputFileUpload{Filename: "empty.txt", Data: strings.NewReader("")}})
	wantClientBad(t, srv, err, "sendDocument", "file must be non-empty")

	p, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: alice.ID, Photo: &models.InputFileUpload{Filename: "pic.png", Data: bytes.NewReader(pngBytes(t, 64, 48))}, Caption: "pic"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Photo) != 1 || p.Photo[0].Width != 64 || p.Photo[0].Height != 48 || p.Photo[0].FileID == "" {
		t.Fatalf("photo = %+v", p.Photo)
	}
	if last := srv.LastMessage(alice.ID); last.Photo == nil || last.Photo.Name != "pic.png" || last.Text != "pic" {
		t.Fatalf("Chat() photo = %+v", last)
	}
	_, err = b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: alice.ID, Photo: &models.InputFileUpload{Filename: "pic.png", Data: strings.NewReader("not an image")}})
	wantClientBad(t, srv, err, "sendPhoto", "IMAGE_PROCESS_FAILED")
	_, err = b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: alice.ID, Photo: &models.InputFileUpload{Filename: "strip.png", Data: bytes.NewReader(pngBytes(t, 2100, 100))}})
	wantClientBad(t, srv, err, "sendPhoto", "PHOTO_INVALID_DIMENSIONS")
}

func TestCopyMessage(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	bob := User{ID: 2002, FirstName: "Bob"}
	srv.SendText(bob, "hi")
	srv.SendText(alice, "please forward this")
	srv.SendMessage(alice, models.Message{Document: &models.Document{FileID: "BQADuser", FileUniqueID: "u1", FileName: "cv.pdf", FileSize: 10}, Caption: "my cv"})
	id, err := b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: bob.ID, FromChatID: alice.ID, MessageID: 1})
	if err != nil || id.ID != 2 {
		t.Fatalf("copy = %+v %v", id, err)
	}
	if got := srv.LastMessage(bob.ID); got.Plain != "please forward this" {
		t.Fatalf("copied = %+v", got)
	}
	if _, err := b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: bob.ID, FromChatID: alice.ID, MessageID: 2, Caption: "<b>CV</b>", ParseMode: models.ParseModeHTML}); err != nil {
		t.Fatal(err)
	}
	if got := srv.LastMessage(bob.ID); got.Document == nil || got.Document.Name != "cv.pdf" || got.Plain != "CV" {
		t.Fatalf("copied document = %+v", got)
	}
	_, err = b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: bob.ID, FromChatID: alice.ID, MessageID: 42})
	wantClientBad(t, srv, err, "copyMessage", "message to copy not found")
	_, err = b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: bob.ID, FromChatID: 31337, MessageID: 1})
	wantClientBad(t, srv, err, "copyMessage", "chat not found")
}

func TestCommands(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	en := []models.BotCommand{{Command: "start", Description: "Start"}, {Command: "events", Description: "Upcoming events"}}
	ru := []models.BotCommand{{Command: "start", Description: "Начать"}}
	if ok, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: en}); err != nil || !ok {
		t.Fatal(err)
	}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: ru, LanguageCode: "ru", Scope: &models.BotCommandScopeAllPrivateChats{}}); err != nil {
		t.Fatal(err)
	}
	got, err := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{})
	if err != nil || len(got) != 2 || got[1] != en[1] {
		t.Fatalf("default commands = %+v %v", got, err)
	}
	if got := srv.Commands(""); len(got) != 2 {
		t.Fatalf("Commands() = %+v", got)
	}
	got, _ = b.GetMyCommands(ctx, &bot.GetMyCommandsParams{LanguageCode: "ru", Scope: &models.BotCommandScopeAllPrivateChats{}})
	if len(got) != 1 || got[0] != ru[0] {
		t.Fatalf("ru private commands = %+v", got)
	}
	if got, _ := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{LanguageCode: "ru"}); len(got) != 0 {
		t.Fatalf("ru default scope = %+v", got)
	}
	if ok, err := b.DeleteMyCommands(ctx, &bot.DeleteMyCommandsParams{}); err != nil || !ok {
		t.Fatal(err)
	}
	if got, _ := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{}); len(got) != 0 {
		t.Fatalf("after delete = %+v", got)
	}
	_, err = b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Start-Now", Description: "x"}}})
	wantClientBad(t, srv, err, "setMyCommands", "BOT_COMMAND_INVALID")
	_, err = b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "start", Description: " "}}})
	wantClientBad(t, srv, err, "setMyCommands", "BOT_COMMAND_DESCRIPTION_INVALID")
	_, err = b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: en, LanguageCode: "rus"})
	wantClientBad(t, srv, err, "setMyCommands", "LANG_CODE_INVALID")
	// a scope sent without its type: go-telegram serialises what it is given
	r := postForm(t, srv, "setMyCommands", map[string]string{"commands": `[{"command":"a","description":"b"}]`, "scope": `{"chat_id":5}`})
	wantBad(t, srv, r, "setMyCommands", `field "scope.type" must be one of`)
}

func TestChatActionMenuButtonCloseLogOut(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "hi")
	if ok, err := b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: alice.ID, Action: models.ChatActionUploadDocument}); err != nil || !ok {
		t.Fatal(err)
	}
	_, err := b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: alice.ID, Action: "dancing"})
	wantClientBad(t, srv, err, "sendChatAction", "wrong parameter action in request")

	if ok, err := b.SetChatMenuButton(ctx, &bot.SetChatMenuButtonParams{ChatID: alice.ID, MenuButton: models.MenuButtonCommands{Type: models.MenuButtonTypeCommands}}); err != nil || !ok {
		t.Fatal(err)
	}
	got, err := b.GetChatMenuButton(ctx, &bot.GetChatMenuButtonParams{ChatID: alice.ID})
	if err != nil || got.Type != models.MenuButtonTypeCommands {
		t.Fatalf("menu button = %+v %v", got, err)
	}
	_, err = b.SetChatMenuButton(ctx, &bot.SetChatMenuButtonParams{ChatID: alice.ID, MenuButton: models.MenuButtonCommands{}})
	wantClientBad(t, srv, err, "setChatMenuButton", `field "menu_button.type" must be one of "commands", "default", "web_app"`)

	if ok, err := b.Close(ctx); err != nil || !ok {
		t.Fatalf("close: %v", err)
	}
	if ok, err := b.Logout(ctx); err != nil || !ok {
		t.Fatalf("logOut: %v", err)
	}
}

func TestExplicitEntitiesAndCaptionEdits(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "hi")
	bold := []models.MessageEntity{ent("bold", 0, 4)}
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "Bold text", Entities: bold})
	if err != nil || len(m.Entities) != 1 || m.Entities[0] != bold[0] {
		t.Fatalf("explicit entities = %+v, %v", m, err)
	}
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: m.ID, Text: "Bold text", Entities: bold})
	wantRefused(t, srv, err, "editMessageText", "message is not modified")
	if _, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: m.ID, Text: "Bold text"}); err != nil {
		t.Fatalf("dropping the entities is a change: %v", err)
	}

	d, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: alice.ID, Caption: "v1", Document: &models.InputFileUpload{Filename: "a.txt", Data: strings.NewReader("a")}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := b.EditMessageCaption(ctx, &bot.EditMessageCaptionParams{ChatID: alice.ID, MessageID: d.ID, Caption: "<b>v2</b>", ParseMode: models.ParseModeHTML,
		ReplyMarkup: keyboard(models.InlineKeyboardButton{Text: "Open", URL: "https://example.com"})})
	if err != nil || e.Caption != "v2" || e.Document == nil || e.EditDate == 0 {
		t.Fatalf("caption edit = %+v, %v", e, err)
	}
	last := srv.LastMessage(alice.ID)
	if last.Text != "<b>v2</b>" || !last.Edited || last.Document == nil || len(last.Keyboard) != 1 || last.Keyboard[0][0].URL != "https://example.com" {
		t.Fatalf("Chat() after caption edit = %+v", last)
	}
	_, err = b.EditMessageCaption(ctx, &bot.EditMessageCaptionParams{ChatID: alice.ID, MessageID: d.ID, Caption: "<b>v2</b>", ParseMode: models.ParseModeHTML,
		ReplyMarkup: keyboard(models.InlineKeyboardButton{Text: "Open", URL: "https://example.com"})})
	wantRefused(t, srv, err, "editMessageCaption", "message is not modified")
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: d.ID, Text: "text"})
	wantClientBad(t, srv, err, "editMessageText", "there is no text in the message to edit")
	_, err = b.EditMessageCaption(ctx, &bot.EditMessageCaptionParams{ChatID: alice.ID, MessageID: d.ID, Caption: strings.Repeat("c", 1025)})
	wantClientBad(t, srv, err, "editMessageCaption", "message caption is too long")
}

func TestUploadLimits(t *testing.T) {
	srv := newServer(Options{Spec: SpecForTest(t), Token: testToken}, uploadLimits{file: 1000, body: 4000, field: 100})
	defer srv.Close()
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "hi")
	for _, size := range []int{1001, 5000} {
		_, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: alice.ID, Document: &models.InputFileUpload{Filename: "big.bin", Data: strings.NewReader(strings.Repeat("x", size))}})
		if err == nil || !strings.Contains(err.Error(), "413 Request Entity Too Large") {
			t.Fatalf("%d byte upload: %v", size, err)
		}
	}
	r := postURLEncoded(t, srv, "sendMessage", map[string][]string{"chat_id": {"1001"}, "text": {strings.Repeat("y", 5000)}})
	if r.Status != 413 || r.Description != "Request Entity Too Large" {
		t.Fatalf("big urlencoded body = %+v", r)
	}
	if _, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: alice.ID, Document: &models.InputFileUpload{Filename: "ok.bin", Data: strings.NewReader(strings.Repeat("x", 1000))}}); err != nil {
		t.Fatalf("upload at the limit: %v", err)
	}
	if n := len(srv.Violations()); n != 3 {
		t.Fatalf("violations = %v", srv.Violations())
	}
}

func TestErrorTypesAndAccessors(t *testing.T) {
	srv := newStrict(t)
	if u := srv.BotUser(); u.ID != 123456 || !u.IsBot || u.Username != "forumbot_test_bot" {
		t.Fatalf("BotUser = %+v", u)
	}
	r := postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1", "text": "x"})
	if r.OK {
		t.Fatal("unknown chat accepted")
	}
	v := srv.Violations()[0]
	if v.Error() != "sendMessage: Bad Request: chat not found" {
		t.Fatalf("Violation.Error() = %q", v.Error())
	}
	c := srv.Calls()[0]
	if c.Err.Error() != "telegram error 400: Bad Request: chat not found" || c.File("text") != nil || c.Int("text") != 0 || c.Int("chat_id") != 1 {
		t.Fatalf("call accessors: %v %+v", c.Err, c.Params)
	}
	var te error = &typeError{msg: "m"}
	if te.Error() != "m" {
		t.Fatal(te)
	}
	// the default menu button, before any setChatMenuButton
	srv.SendText(alice, "hi")
	b := newClient(t, srv)
	got, err := b.GetChatMenuButton(testCtx(t), &bot.GetChatMenuButtonParams{ChatID: alice.ID})
	if err != nil || got.Type != models.MenuButtonTypeDefault {
		t.Fatalf("default menu button = %+v, %v", got, err)
	}
}

func TestValidButtonURL(t *testing.T) {
	cases := map[string]bool{
		"https://example.com/a?b=c": true, "http://x.io": true, "tg://user?id=1": true, "example.com/path": true,
		"": false, "https://": false, "javascript:alert(1)": false, "ftp://x.io": false, "has space.com": false, "localhost": false, "%zz": false,
	}
	for u, want := range cases {
		if got := validButtonURL(u); got != want {
			t.Errorf("validButtonURL(%q) = %v", u, got)
		}
	}
}

func TestUserPhotoCanBeCopied(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	srv.SendMessage(alice, models.Message{Photo: []models.PhotoSize{{FileID: "small", FileUniqueID: "s", Width: 90, Height: 90}, {FileID: "AgADbig", FileUniqueID: "b", Width: 800, Height: 600, FileSize: 5000}}})
	id, err := b.CopyMessage(testCtx(t), &bot.CopyMessageParams{ChatID: alice.ID, FromChatID: alice.ID, MessageID: 1, Caption: "yours"})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.LastMessage(alice.ID)
	if got.ID != id.ID || got.Photo == nil || got.Photo.Size != 5000 || got.Plain != "yours" {
		t.Fatalf("copied photo = %+v", got)
	}
	// the user's largest size is a file_id the bot may send again
	p, err := b.SendPhoto(testCtx(t), &bot.SendPhotoParams{ChatID: alice.ID, Photo: &models.InputFileString{Data: "AgADbig"}})
	if err != nil || p.Photo[0].Width != 800 || p.Photo[0].FileID != "AgADbig" {
		t.Fatalf("resend by file_id = %+v, %v", p, err)
	}
}
