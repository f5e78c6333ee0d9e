package fakeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/http"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// poll calls getUpdates over raw HTTP and decodes the updates.
func poll(t *testing.T, srv *Server, fields map[string]string) ([]models.Update, apiReply) {
	t.Helper()
	r := postForm(t, srv, "getUpdates", fields)
	if !r.OK {
		return nil, r
	}
	var ups []models.Update
	if err := json.Unmarshal(r.Result, &ups); err != nil {
		t.Fatalf("updates %s: %v", r.Result, err)
	}
	return ups, r
}

func ids(ups []models.Update) []int64 {
	out := []int64{}
	for _, u := range ups {
		out = append(out, u.ID)
	}
	return out
}

func sameIDs(a []int64, b ...int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSendTextUpdate(t *testing.T) {
	srv := newStrict(t)
	id := srv.SendText(alice, "/start@forumbot_test_bot go")
	start := time.Now()
	ups, r := poll(t, srv, map[string]string{"timeout": "30"})
	if !r.OK || time.Since(start) > 2*time.Second {
		t.Fatalf("getUpdates with a queued update: ok=%v after %v", r.OK, time.Since(start))
	}
	if len(ups) != 1 || ups[0].ID != id || ups[0].Message == nil {
		t.Fatalf("updates = %+v", ups)
	}
	m := ups[0].Message
	if m.Text != "/start@forumbot_test_bot go" || m.ID == 0 || m.Date == 0 {
		t.Fatalf("message = %+v", m)
	}
	if m.Chat.ID != alice.ID || m.Chat.Type != models.ChatTypePrivate || m.Chat.FirstName != "Alice" {
		t.Fatalf("chat = %+v", m.Chat)
	}
	if m.From == nil || m.From.ID != alice.ID || m.From.IsBot || m.From.Username != "alice" || m.From.LanguageCode != "en" {
		t.Fatalf("from = %+v", m.From)
	}
	want := []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 24}}
	if len(m.Entities) != 1 || m.Entities[0] != want[0] {
		t.Fatalf("entities = %+v", m.Entities)
	}
	// the raw JSON is what Telegram sends: no empty placeholders
	var raw []map[string]any
	json.Unmarshal(r.Result, &raw)
	msg := raw[0]["message"].(map[string]any)
	for _, k := range []string{"message_id", "from", "chat", "date", "text", "entities"} {
		if _, ok := msg[k]; !ok {
			t.Errorf("message JSON lacks %q: %v", k, msg)
		}
	}
	wantNoViolations(t, srv)
}

func TestSendMessageFillsFields(t *testing.T) {
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := New(Options{Spec: SpecForTest(t), Token: testToken, Clock: func() time.Time { return clock }})
	defer srv.Close()
	srv.SendMessage(alice, models.Message{Sticker: &models.Sticker{FileID: "CAAC", FileUniqueID: "u", Type: "regular", Width: 512, Height: 512}})
	srv.SendMessage(alice, models.Message{Contact: &models.Contact{PhoneNumber: "+100", FirstName: "Al"}})
	srv.SendMessage(alice, models.Message{Document: &models.Document{FileID: "BQAD", FileUniqueID: "d", FileName: "a.pdf"}, Caption: "see /help"})
	group := models.Chat{ID: -100123, Type: models.ChatTypeSupergroup, Title: "Forum"}
	srv.SendMessage(alice, models.Message{Chat: group, Text: "hi all"})
	ups, _ := poll(t, srv, nil)
	if len(ups) != 4 {
		t.Fatalf("%d updates", len(ups))
	}
	for i, u := range ups {
		m := u.Message
		if m.ID == 0 || m.Date != int(clock.Unix()) || m.From == nil || m.From.ID != alice.ID || m.Chat.ID == 0 {
			t.Errorf("update %d: message not filled: %+v", i, m)
		}
	}
	if ups[0].Message.Sticker == nil || ups[1].Message.Contact == nil || ups[2].Message.Document == nil {
		t.Fatal("content lost")
	}
	if ups[1].Message.ID != ups[0].Message.ID+1 {
		t.Errorf("message ids in one chat do not increase: %d, %d", ups[0].Message.ID, ups[1].Message.ID)
	}
	if ce := ups[2].Message.CaptionEntities; len(ce) != 1 || ce[0].Offset != 4 || ce[0].Length != 5 {
		t.Errorf("caption entities = %+v", ce)
	}
	if c := ups[3].Message.Chat; c.ID != group.ID || c.Type != models.ChatTypeSupergroup {
		t.Errorf("group chat = %+v", c)
	}
	// the group is now known: the bot may write there
	r := postForm(t, srv, "sendMessage", map[string]string{"chat_id": strconv.FormatInt(group.ID, 10), "text": "hello"})
	if !r.OK {
		t.Fatalf("sendMessage to the group: %s", r.Description)
	}
}

func TestGetUpdatesLongPollWakesUp(t *testing.T) {
	srv := newStrict(t)
	done := make(chan []models.Update, 1)
	go func() {
		ups, _ := poll(t, srv, map[string]string{"timeout": "20"})
		done <- ups
	}()
	// the poll is waiting
	time.Sleep(100 * time.Millisecond)
	select {
	case ups := <-done:
		t.Fatalf("getUpdates returned early with %v", ups)
	default:
	}
	id := srv.SendText(alice, "wake up")
	select {
	case ups := <-done:
		if !sameIDs(ids(ups), id) {
			t.Fatalf("updates = %v", ids(ups))
		}
	case <-time.After(3 * time.Second):
		t.Fatal("long poll did not return on a new update")
	}
}

func TestGetUpdatesTimeout(t *testing.T) {
	srv := newStrict(t)
	start := time.Now()
	ups, r := poll(t, srv, map[string]string{"timeout": "1"})
	el := time.Since(start)
	if !r.OK || len(ups) != 0 || string(r.Result) != "[]" {
		t.Fatalf("got %s %v", r.Result, r.Description)
	}
	if el < 900*time.Millisecond || el > 3*time.Second {
		t.Fatalf("timeout=1 answered after %v", el)
	}
	start = time.Now()
	if _, r := poll(t, srv, map[string]string{"timeout": "0"}); !r.OK || time.Since(start) > time.Second {
		t.Fatal("timeout=0 is not a short poll")
	}
}

func TestGetUpdatesOffsetAndLimit(t *testing.T) {
	srv := newStrict(t)
	a := srv.SendText(alice, "one")
	b := srv.SendText(alice, "two")
	c := srv.SendText(alice, "three")
	if !(a < b && b < c) {
		t.Fatalf("update ids not increasing: %d %d %d", a, b, c)
	}
	ups, _ := poll(t, srv, nil)
	if !sameIDs(ids(ups), a, b, c) {
		t.Fatalf("all = %v", ids(ups))
	}
	// unconfirmed updates are delivered again
	ups, _ = poll(t, srv, map[string]string{"limit": "2"})
	if !sameIDs(ids(ups), a, b) {
		t.Fatalf("limit 2 = %v", ids(ups))
	}
	// offset confirms everything below it, forever
	ups, _ = poll(t, srv, map[string]string{"offset": strconv.FormatInt(b, 10)})
	if !sameIDs(ids(ups), b, c) {
		t.Fatalf("offset b = %v", ids(ups))
	}
	ups, _ = poll(t, srv, nil)
	if !sameIDs(ids(ups), b, c) {
		t.Fatalf("after confirming a = %v", ids(ups))
	}
	if srv.PendingUpdates() != 2 {
		t.Fatalf("pending = %d", srv.PendingUpdates())
	}
	// negative offset keeps only the last updates
	ups, _ = poll(t, srv, map[string]string{"offset": "-1"})
	if !sameIDs(ids(ups), c) {
		t.Fatalf("offset -1 = %v", ids(ups))
	}
	ups, _ = poll(t, srv, map[string]string{"offset": strconv.FormatInt(c+1, 10)})
	if len(ups) != 0 {
		t.Fatalf("after confirming all = %v", ids(ups))
	}
	calls := srv.CallsTo("getupdates")
	if len(calls) != 6 || calls[2].Str("offset") != strconv.FormatInt(b, 10) {
		t.Fatalf("recorded getUpdates calls: %d", len(calls))
	}
}

func TestGetUpdatesAllowedUpdates(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	srv.SendText(alice, "hello")
	sent, err := b.SendMessage(testCtx(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "pick",
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "A", CallbackData: "a"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	msg := srv.SendText(alice, "more text")
	press := srv.PressButton(alice, sent.ID, "a")
	memberUpdate := func(date int) models.Update {
		u := alice.model()
		return models.Update{ChatMember: &models.ChatMemberUpdated{Chat: models.Chat{ID: -5, Type: "group"}, From: u, Date: date,
			OldChatMember: models.ChatMember{Type: models.ChatMemberTypeLeft, Left: &models.ChatMemberLeft{Status: models.ChatMemberTypeLeft, User: &u}},
			NewChatMember: models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{Status: models.ChatMemberTypeMember, User: &u}}}}
	}
	member := srv.SendUpdate(memberUpdate(1))

	ups, _ := poll(t, srv, map[string]string{"offset": strconv.FormatInt(msg, 10), "allowed_updates": `["callback_query"]`})
	if !sameIDs(ids(ups), press) || ups[0].CallbackQuery == nil {
		t.Fatalf("allowed callback_query only = %v", ids(ups))
	}
	// the filtered message is dropped, and the setting sticks
	ups, _ = poll(t, srv, nil)
	if !sameIDs(ids(ups), press) {
		t.Fatalf("sticky allowed_updates = %v", ids(ups))
	}
	// an empty list restores the default, which leaves chat_member out
	member2 := srv.SendUpdate(memberUpdate(2))
	text := srv.SendText(alice, "back")
	ups, _ = poll(t, srv, map[string]string{"allowed_updates": `[]`})
	if !sameIDs(ids(ups), press, text) {
		t.Fatalf("default set = %v (chat_member %d, %d)", ids(ups), member, member2)
	}
	srv.SendUpdate(memberUpdate(3))
	ups, _ = poll(t, srv, map[string]string{"allowed_updates": `["chat_member"]`})
	if len(ups) != 1 || ups[0].ChatMember == nil {
		t.Fatalf("chat_member opt-in = %v", ids(ups))
	}
}

func TestRedeliver(t *testing.T) {
	srv := newStrict(t)
	id := srv.SendText(alice, "/pay")
	ups, _ := poll(t, srv, nil)
	if !sameIDs(ids(ups), id) {
		t.Fatal(ids(ups))
	}
	next := strconv.FormatInt(id+1, 10)
	if ups, _ := poll(t, srv, map[string]string{"offset": next}); len(ups) != 0 {
		t.Fatalf("confirmed update came back: %v", ids(ups))
	}
	srv.Redeliver(id)
	ups, _ = poll(t, srv, map[string]string{"offset": next})
	if !sameIDs(ids(ups), id) || ups[0].Message.Text != "/pay" {
		t.Fatalf("redelivered = %+v", ups)
	}
	if ups, _ := poll(t, srv, map[string]string{"offset": next}); len(ups) != 0 {
		t.Fatalf("redelivered copy not confirmed: %v", ids(ups))
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Redeliver of an unknown update did not panic")
		}
	}()
	srv.Redeliver(999999)
}

// The real client sees a re-delivered update twice, with the same update_id.
func TestRedeliverThroughClient(t *testing.T) {
	srv := newStrict(t)
	got := make(chan int64, 10)
	b, err := bot.New(testToken, bot.WithServerURL(srv.URL()), bot.WithSkipGetMe(),
		bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) { got <- u.ID }))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { b.Start(ctx); close(stopped) }()
	defer func() { cancel(); <-stopped }()

	id := srv.SendText(alice, "/start")
	if first := <-got; first != id {
		t.Fatalf("got %d, want %d", first, id)
	}
	// wait until the client confirmed it
	if err := srv.WaitConfirmed(testCtx(t), id); err != nil {
		t.Fatal(err)
	}
	srv.Redeliver(id)
	select {
	case again := <-got:
		if again != id {
			t.Fatalf("redelivered %d, want %d", again, id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("redelivered update not received")
	}
}

func TestGetUpdatesHonoursClientCancel(t *testing.T) {
	srv := newStrict(t)
	ctx, cancel := context.WithCancel(context.Background())
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("timeout", "30")
	w.Close()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+"/bot"+testToken+"/getUpdates", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("client error = %v", err)
	}
	// the server side of the poll ends promptly too
	wctx, wcancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer wcancel()
	if _, err := srv.WaitCall(wctx, func(c Call) bool { return c.Method == "getUpdates" }); err != nil {
		t.Fatalf("server still polling after cancel: %v", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("took %v", el)
	}
}

func TestGetUpdatesEndsOnClose(t *testing.T) {
	srv := New(Options{Spec: SpecForTest(t)})
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/botX/getUpdates?timeout=30", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	srv.Close()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("long poll survived Close")
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("Close took %v", el)
	}
	srv.Close() // idempotent
}

func TestSecondPollerTerminatesFirst(t *testing.T) {
	srv := newStrict(t)
	first := make(chan apiReply, 1)
	go func() {
		_, r := poll(t, srv, map[string]string{"timeout": "20"})
		first <- r
	}()
	time.Sleep(100 * time.Millisecond)
	second := make(chan apiReply, 1)
	go func() {
		_, r := poll(t, srv, map[string]string{"timeout": "20"})
		second <- r
	}()
	select {
	case r := <-first:
		if r.OK || r.ErrorCode != http.StatusConflict || r.Description != "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" {
			t.Fatalf("first poll = %+v", r)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("first poll not terminated")
	}
	id := srv.SendText(alice, "x")
	r := <-second
	var ups []models.Update
	json.Unmarshal(r.Result, &ups)
	if !r.OK || !sameIDs(ids(ups), id) {
		t.Fatalf("second poll = %+v", r)
	}
	wantNoViolations(t, srv) // two polls in a row are not a bot bug by themselves
}

func TestWebhookBlocksGetUpdates(t *testing.T) {
	srv := newStrict(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	queued := srv.SendText(alice, "queued")
	if ok, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "https://bot.example.com/hook", SecretToken: "s3cr3t-_", MaxConnections: 10, AllowedUpdates: []string{"message"}}); err != nil || !ok {
		t.Fatalf("setWebhook: %v", err)
	}
	info, err := b.GetWebhookInfo(ctx)
	if err != nil || info.URL != "https://bot.example.com/hook" || info.PendingUpdateCount != 1 || info.MaxConnections != 10 || len(info.AllowedUpdates) != 1 {
		t.Fatalf("webhook info = %+v, %v", info, err)
	}
	_, r := poll(t, srv, nil)
	if r.OK || r.ErrorCode != http.StatusConflict {
		t.Fatalf("getUpdates with a webhook = %+v", r)
	}
	if _, err := b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil {
		t.Fatal(err)
	}
	// a poll already waiting when the webhook is set is ended
	waiting := make(chan apiReply, 1)
	go func() {
		_, r := poll(t, srv, map[string]string{"timeout": "20", "offset": strconv.FormatInt(queued+1, 10)})
		waiting <- r
	}()
	time.Sleep(100 * time.Millisecond)
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "https://bot.example.com/hook"}); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-waiting:
		if r.OK || r.ErrorCode != http.StatusConflict || r.Description != "Conflict: terminated by setWebhook request" {
			t.Fatalf("waiting poll = %+v", r)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("setWebhook did not end the waiting poll")
	}
	wantViolation(t, srv, "getUpdates", "can't use getUpdates method while webhook is active")

	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "http://insecure.example.com"}); err == nil {
		t.Fatal("http webhook accepted")
	}
	wantViolation(t, srv, "setWebhook", "An HTTPS URL must be provided for webhook")
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "https://bot.example.com/hook", SecretToken: "no spaces"}); err == nil {
		t.Fatal("bad secret token accepted")
	}
	if ok, err := b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{DropPendingUpdates: true}); err != nil || !ok {
		t.Fatalf("deleteWebhook: %v", err)
	}
	info, _ = b.GetWebhookInfo(ctx)
	if info.URL != "" || info.PendingUpdateCount != 0 {
		t.Fatalf("after delete = %+v", info)
	}
	if ups, r := poll(t, srv, nil); !r.OK || len(ups) != 0 {
		t.Fatalf("after delete with drop_pending_updates = %+v %v", r, ids(ups))
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	spec := SpecForTest(t)
	runtime.GC()
	before := runtime.NumGoroutine()
	for i := 0; i < 3; i++ {
		srv := New(Options{Spec: spec, Token: testToken})
		tr := &http.Transport{}
		client := &http.Client{Transport: tr}
		b, err := bot.New(testToken, bot.WithServerURL(srv.URL()), bot.WithHTTPClient(time.Minute, client),
			bot.WithDefaultHandler(func(context.Context, *bot.Bot, *models.Update) {}), bot.WithErrorsHandler(func(error) {}))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() { b.Start(ctx); close(stopped) }()
		id := srv.SendText(alice, "hi")
		feed, _ := srv.Subscribe() // left open: Close must end it
		if err := srv.WaitConfirmed(testCtx(t), id); err != nil {
			t.Fatal(err)
		}
		go func() {
			time.Sleep(50 * time.Millisecond)
			cancel()
		}()
		srv.Close()
		<-stopped
		cancel()
		tr.CloseIdleConnections()
		for range feed { // drained and closed by Close
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= before {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines before, %d after Close:\n%s", before, n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
