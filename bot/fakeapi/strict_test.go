package fakeapi

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func keyboard(buttons ...models.InlineKeyboardButton) *models.InlineKeyboardMarkup {
	return &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{buttons}}
}

// wantClientBad asserts the client got a 400 containing want, recorded as a
// violation of method.
func wantClientBad(t *testing.T, srv *Server, err error, method, want string) {
	t.Helper()
	if !errors.Is(err, bot.ErrorBadRequest) {
		t.Fatalf("want bad request %q, got %v", want, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not contain %q", err, want)
	}
	wantViolation(t, srv, method, want)
	calls := srv.CallsTo(method)
	if last := calls[len(calls)-1]; last.Err == nil || last.Err.Code != http.StatusBadRequest || !strings.Contains(last.Err.Description, want) {
		t.Fatalf("last %s call recorded Err = %+v", method, last.Err)
	}
}

func TestStrictSchemaOverHTTP(t *testing.T) {
	srv := newStrict(t)
	srv.SendText(alice, "hi")

	wantBad(t, srv, postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1001", "text": "x", "colour": "red"}),
		"sendMessage", `unknown parameter "colour" for method sendMessage`)
	wantBad(t, srv, postForm(t, srv, "sendMessage", map[string]string{"text": "x"}),
		"sendMessage", `parameter "chat_id" is required`)
	wantBad(t, srv, postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1001", "text": "x", "reply_to_message_id": "5"}),
		"sendMessage", `unknown parameter "reply_to_message_id"`) // removed from the Bot API
	wantBad(t, srv, postForm(t, srv, "deleteMessage", map[string]string{"chat_id": "1001", "message_id": "first"}),
		"deleteMessage", `parameter "message_id" must be of type Integer, got "first"`)
	wantBad(t, srv, postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1001", "text": "x",
		"reply_markup": `{"inline_keyboard":[[{"text":"A","callback_data":["a"]}]]}`}),
		"sendMessage", `field "reply_markup.inline_keyboard[0][0].callback_data" must be of type String`)
	wantBad(t, srv, postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1001", "text": "x",
		"reply_markup": `{"inline_keyboard":[[{"text":"A","callback_data":"a","hide":true}]]}`}),
		"sendMessage", `unknown field "reply_markup.inline_keyboard[0][0].hide"`)
	wantBad(t, srv, postJSON(t, srv, "sendMessage", `{"chat_id":1001,"text":"x","link_preview_options":{"is_disabled":"yes"}}`),
		"sendMessage", `field "link_preview_options.is_disabled" must be of type Boolean`)

	// urlencoded bodies are checked the same way, and valid ones pass
	wantBad(t, srv, postURLEncoded(t, srv, "sendMessage", url.Values{"chat_id": {"1001"}, "txt": {"x"}}), "sendMessage", `unknown parameter "txt"`)
	if r := postURLEncoded(t, srv, "sendMessage", url.Values{"chat_id": {"1001"}, "text": {"urlencoded"}}); !r.OK {
		t.Fatalf("urlencoded: %s", r.Description)
	}
	if r := postJSON(t, srv, "sendMessage", `{"chat_id":1001,"text":"json","reply_markup":{"inline_keyboard":[[{"text":"A","url":"https://example.com"}]]}}`); !r.OK {
		t.Fatalf("json: %s", r.Description)
	}
	if n := len(srv.Violations()); n != 8 {
		t.Fatalf("%d violations recorded: %v", n, srv.Violations())
	}
}

func TestUnknownMethodAndPaths(t *testing.T) {
	srv := newStrict(t)
	r := postForm(t, srv, "sendTelepathy", map[string]string{"chat_id": "1"})
	if r.OK || r.Status != http.StatusNotFound || r.ErrorCode != 404 || r.Description != "Not Found" {
		t.Fatalf("unknown method = %+v", r)
	}
	wantViolation(t, srv, "sendTelepathy", "Not Found")

	resp, err := http.Get(srv.URL() + "/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("bad path status %d", resp.StatusCode)
	}

	// a method of the spec the double does not model
	r = postForm(t, srv, "getChat", map[string]string{"chat_id": "1"})
	if r.OK || r.Status != 400 || r.Description != "Bad Request: method not modelled by the test double" {
		t.Fatalf("unmodelled = %+v", r)
	}
	wantViolation(t, srv, "getChat", "method not modelled by the test double")
	// unless it only answers true
	srv.SendText(alice, "hi")
	if r := postForm(t, srv, "setMyDescription", map[string]string{"description": "A bot"}); !r.OK || string(r.Result) != "true" {
		t.Fatalf("Boolean method = %+v", r)
	}
	if r := postForm(t, srv, "pinChatMessage", map[string]string{"chat_id": "1001", "message_id": "1"}); !r.OK {
		t.Fatalf("Boolean method with chat = %+v", r)
	}
	wantBad(t, srv, postForm(t, srv, "pinChatMessage", map[string]string{"chat_id": "777", "message_id": "1"}), "pinChatMessage", "chat not found")
	// names are case-insensitive; calls keep the spec's spelling
	if r := postForm(t, srv, "SENDMESSAGE", map[string]string{"chat_id": "1001", "text": "loud"}); !r.OK {
		t.Fatalf("upper-case method: %s", r.Description)
	}
	if c := srv.Calls(); c[len(c)-1].Method != "sendMessage" {
		t.Fatalf("recorded as %q", c[len(c)-1].Method)
	}
}

func TestUnauthorized(t *testing.T) {
	srv := newStrict(t)
	b, err := bot.New("999:wrong", bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.GetMe(testCtx(t))
	if !errors.Is(err, bot.ErrorUnauthorized) {
		t.Fatalf("wrong token: %v", err)
	}
	wantViolation(t, srv, "getMe", "Unauthorized")
	if _, err := bot.New("999:wrong", bot.WithServerURL(srv.URL())); err == nil {
		t.Fatal("bot.New with getMe succeeded with a wrong token")
	}
	// "" accepts any token
	open := New(Options{})
	defer open.Close()
	b, _ = bot.New("42:any", bot.WithServerURL(open.URL()), bot.WithSkipGetMe())
	if me, err := b.GetMe(testCtx(t)); err != nil || me.ID != 7000000001 {
		t.Fatalf("open server getMe = %+v, %v", me, err)
	}
}

func TestTextChecks(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "hi")
	send := func(text string, mode models.ParseMode) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: text, ParseMode: mode})
		return err
	}
	wantClientBad(t, srv, send("<b>unclosed", models.ParseModeHTML), "sendMessage", `can't parse entities: Can't find end tag corresponding to start tag "b"`)
	wantClientBad(t, srv, send("<blink>x</blink>", models.ParseModeHTML), "sendMessage", `can't parse entities: Unsupported start tag "blink" at byte offset 0`)
	wantClientBad(t, srv, send("Tom & Jerry", models.ParseModeHTML), "sendMessage", `can't parse entities: Character '&' at byte offset 4`)
	wantClientBad(t, srv, send("1 < 2", models.ParseModeHTML), "sendMessage", `can't parse entities: Unsupported start tag "" at byte offset 2`)
	wantClientBad(t, srv, send("v1.2", models.ParseModeMarkdown), "sendMessage", `can't parse entities: Character '.' is reserved and must be escaped with the preceding '\'`)
	wantClientBad(t, srv, send("x", "XML"), "sendMessage", "unsupported parse_mode")

	wantClientBad(t, srv, send("", ""), "sendMessage", "message text is empty")
	wantClientBad(t, srv, send(" \n\t ", ""), "sendMessage", "message text is empty")
	wantClientBad(t, srv, send("<b> </b>", models.ParseModeHTML), "sendMessage", "message text is empty")

	wantClientBad(t, srv, send(strings.Repeat("a", 4097), ""), "sendMessage", "message is too long")
	wantClientBad(t, srv, send(strings.Repeat("😀", 2049), ""), "sendMessage", "message is too long") // 4098 UTF-16 units
	wantClientBad(t, srv, send("<b>"+strings.Repeat("&amp;", 4097)+"</b>", models.ParseModeHTML), "sendMessage", "message is too long")
	before := len(srv.Violations())
	for _, ok := range []struct {
		text string
		mode models.ParseMode
	}{
		{strings.Repeat("ж", 4096), ""},
		{strings.Repeat("😀", 2048), ""},
		{"<b>" + strings.Repeat("x", 4096) + "</b>", models.ParseModeHTML}, // tags do not count
		{strings.Repeat("&lt;", 4096), models.ParseModeHTML},               // entities count as one
		{"  padded  ", ""},
		{`<b>b</b> <a href="https://e.com/?a=1&amp;b=2">l</a> <tg-spoiler>s</tg-spoiler>`, models.ParseModeHTML},
		{`*b* v1\.2`, models.ParseModeMarkdown},
	} {
		if err := send(ok.text, ok.mode); err != nil {
			t.Fatalf("valid text (%d bytes, %q) rejected: %v", len(ok.text), ok.mode, err)
		}
	}
	if len(srv.Violations()) != before {
		t.Fatalf("valid texts recorded violations: %v", srv.Violations()[before:])
	}
	found := false
	for _, m := range srv.Chat(alice.ID) {
		if m.Text == "  padded  " {
			found = m.Plain == "padded"
		}
	}
	if !found {
		t.Fatal("text not trimmed like Telegram")
	}
}

func TestCaptionChecks(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	srv.SendText(alice, "hi")
	doc := func(caption string) error {
		_, err := b.SendDocument(testCtx(t), &bot.SendDocumentParams{ChatID: alice.ID, Caption: caption,
			Document: &models.InputFileUpload{Filename: "a.txt", Data: strings.NewReader("data")}})
		return err
	}
	wantClientBad(t, srv, doc(strings.Repeat("c", 1025)), "sendDocument", "message caption is too long")
	if err := doc(strings.Repeat("c", 1024)); err != nil {
		t.Fatal(err)
	}
	if err := doc(""); err != nil {
		t.Fatalf("no caption: %v", err)
	}
}

func TestInlineButtonChecks(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	srv.SendText(alice, "hi")
	send := func(buttons ...models.InlineKeyboardButton) error {
		_, err := b.SendMessage(testCtx(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "pick", ReplyMarkup: keyboard(buttons...)})
		return err
	}
	wantClientBad(t, srv, send(models.InlineKeyboardButton{Text: "long", CallbackData: strings.Repeat("d", 65)}), "sendMessage", "BUTTON_DATA_INVALID")
	wantClientBad(t, srv, send(models.InlineKeyboardButton{Text: "bytes", CallbackData: strings.Repeat("ж", 33)}), "sendMessage", "BUTTON_DATA_INVALID") // 66 bytes
	wantClientBad(t, srv, send(models.InlineKeyboardButton{Text: "nothing"}), "sendMessage", "Text buttons are unallowed in the inline keyboard")
	wantClientBad(t, srv, send(models.InlineKeyboardButton{Text: "both", URL: "https://e.com", CallbackData: "x"}), "sendMessage", "exactly one of its action fields must be used, got callback_data, url")
	wantClientBad(t, srv, send(models.InlineKeyboardButton{Text: "", CallbackData: "x"}), "sendMessage", "Text must be non-empty")
	wantClientBad(t, srv, send(models.InlineKeyboardButton{Text: "bad url", URL: "javascript:alert(1)"}), "sendMessage", "inline keyboard button URL 'javascript:alert(1)' is invalid")
	// raw clients can send an empty callback_data, which Telegram refuses
	wantBad(t, srv, postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1001", "text": "x",
		"reply_markup": `{"inline_keyboard":[[{"text":"A","callback_data":""}]]}`}), "sendMessage", "BUTTON_DATA_INVALID")

	before := len(srv.Violations())
	for _, ok := range [][]models.InlineKeyboardButton{
		{{Text: "max", CallbackData: strings.Repeat("d", 64)}},
		{{Text: "url", URL: "https://example.com/x"}, {Text: "tg", URL: "tg://resolve?domain=x"}},
		{{Text: "copy", CopyText: models.CopyTextButton{Text: "to clipboard"}}},
		{{Text: "switch", SwitchInlineQueryCurrentChat: "q"}},
		{{Text: "app", WebApp: &models.WebAppInfo{URL: "https://app.example.com"}}},
	} {
		if err := send(ok...); err != nil {
			t.Fatalf("valid buttons %+v rejected: %v", ok, err)
		}
	}
	if len(srv.Violations()) != before {
		t.Fatalf("valid buttons recorded violations: %v", srv.Violations()[before:])
	}
}

func TestEditChecks(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "hi")
	kb := keyboard(models.InlineKeyboardButton{Text: "A", CallbackData: "a"})
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "<b>menu</b>", ParseMode: models.ParseModeHTML, ReplyMarkup: kb})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: m.ID + 100, Text: "x"})
	wantClientBad(t, srv, err, "editMessageText", "message to edit not found")

	// same text, same entities, same keyboard: Telegram refuses, but a double tap makes any bot do it
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: m.ID, Text: "<b>menu</b>", ParseMode: models.ParseModeHTML, ReplyMarkup: kb})
	wantRefused(t, srv, err, "editMessageText", "message is not modified: specified new message content and reply markup are exactly the same")
	// the same rendered text written differently is still not a modification
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: m.ID, Text: "<strong>menu</strong>", ParseMode: models.ParseModeHTML, ReplyMarkup: kb})
	wantRefused(t, srv, err, "editMessageText", "message is not modified")
	_, err = b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: alice.ID, MessageID: m.ID, ReplyMarkup: kb})
	wantRefused(t, srv, err, "editMessageReplyMarkup", "message is not modified")

	before := len(srv.Violations())
	// dropping the bold is a change
	if _, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: m.ID, Text: "menu", ReplyMarkup: kb}); err != nil {
		t.Fatal(err)
	}
	// so is dropping the keyboard (no reply_markup removes it)
	if _, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: m.ID, Text: "menu"}); err != nil {
		t.Fatal(err)
	}
	if len(srv.Violations()) != before {
		t.Fatalf("real edits recorded violations: %v", srv.Violations()[before:])
	}
	// a user's message cannot be edited
	user := srv.Chat(alice.ID)
	_ = user
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: 1, Text: "hacked"})
	wantClientBad(t, srv, err, "editMessageText", "message can't be edited")
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{InlineMessageID: "AAAA", Text: "x"})
	wantClientBad(t, srv, err, "editMessageText", "MESSAGE_ID_INVALID")
	_, err = b.EditMessageCaption(ctx, &bot.EditMessageCaptionParams{ChatID: alice.ID, MessageID: m.ID, Caption: "c"})
	wantClientBad(t, srv, err, "editMessageCaption", "there is no caption in the message to edit")
}

func TestCallbackAnswerChecks(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "hi")
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "pick", ReplyMarkup: keyboard(models.InlineKeyboardButton{Text: "A", CallbackData: "a"})})
	if err != nil {
		t.Fatal(err)
	}
	srv.PressButton(alice, m.ID, "a")
	ups, _ := poll(t, srv, nil)
	cq := ups[len(ups)-1].CallbackQuery
	if got := srv.UnansweredCallbacks(); len(got) != 1 || got[0] != cq.ID {
		t.Fatalf("unanswered = %v", got)
	}
	if ok, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cq.ID, Text: "done"}); err != nil || !ok {
		t.Fatalf("first answer: %v", err)
	}
	if got := srv.UnansweredCallbacks(); len(got) != 0 {
		t.Fatalf("unanswered after answer = %v", got)
	}
	_, err = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cq.ID})
	wantClientBad(t, srv, err, "answerCallbackQuery", "query is too old and response timeout expired or query ID is invalid")
	_, err = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: "12345"})
	wantClientBad(t, srv, err, "answerCallbackQuery", "query ID is invalid")
}

func TestChatNotFound(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "unsolicited"})
	wantClientBad(t, srv, err, "sendMessage", "chat not found")
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: "@somechannel", Text: "x"})
	wantClientBad(t, srv, err, "sendMessage", "chat not found")
	_, err = b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: 5, Action: models.ChatActionTyping})
	wantClientBad(t, srv, err, "sendChatAction", "chat not found")
	srv.SendText(alice, "hi")
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "now fine"}); err != nil {
		t.Fatal(err)
	}
	// a public supergroup known from an update can be addressed by @username
	srv.SendMessage(alice, models.Message{Chat: models.Chat{ID: -1001, Type: models.ChatTypeSupergroup, Title: "G", Username: "forumgroup"}, Text: "hey"})
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: "@forumgroup", Text: "hello group"}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Chat(-1001); len(got) != 1 || got[0].Text != "hello group" {
		t.Fatalf("group chat = %+v", got)
	}
}

func TestReplyParametersCheck(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.SendText(alice, "question")
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "answer", ReplyParameters: &models.ReplyParameters{MessageID: 99}})
	wantClientBad(t, srv, err, "sendMessage", "message to be replied not found")
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "answer", ReplyParameters: &models.ReplyParameters{MessageID: 99, AllowSendingWithoutReply: true}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "answer", ReplyParameters: &models.ReplyParameters{MessageID: 1}}); err != nil {
		t.Fatal(err)
	}
}

func TestWithoutSpec(t *testing.T) {
	srv := New(Options{Token: testToken})
	defer srv.Close()
	srv.SendText(alice, "hi")
	// no schema checks: an unknown parameter passes
	if r := postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1001", "text": "x", "colour": "red"}); !r.OK {
		t.Fatalf("lenient mode rejected: %s", r.Description)
	}
	// Telegram's own checks still apply
	wantBad(t, srv, postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1001", "text": "<b>x", "parse_mode": "HTML"}), "sendMessage", "can't parse entities")
	wantBad(t, srv, postForm(t, srv, "sendMessage", map[string]string{"text": "x"}), "sendMessage", "chat_id is empty")
	wantBad(t, srv, postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1001", "text": "x", "reply_markup": `{"inline_keyboard":[[{"text":"A"}]]}`}), "sendMessage", "Text buttons are unallowed")
	wantBad(t, srv, postForm(t, srv, "getChat", map[string]string{"chat_id": "1001"}), "getChat", "method not modelled by the test double")
	b := newClient(t, srv)
	if m, err := b.SendMessage(testCtx(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "client"}); err != nil || m.Text != "client" {
		t.Fatalf("client send = %+v, %v", m, err)
	}
}
