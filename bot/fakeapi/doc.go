// Package fakeapi is an in-process test double of the Telegram Bot API,
// served over real HTTP on 127.0.0.1, strict enough to catch the mistakes
// that real Telegram rejects (and a few it silently tolerates).
//
// Every request is checked against the machine-readable Bot API spec
// (shared/botapi/api.json beside the repository): unknown parameters,
// missing required ones and wrong types, nested objects included, are
// answered with 400 and recorded as violations. On top of the schema it
// applies Telegram's own checks: text length and emptiness after entity
// parsing, HTML/MarkdownV2 syntax, inline button rules, editing a missing
// or unchanged message, answering a callback query twice, writing to a chat
// that never talked to the bot, and so on.
//
// Typical end-to-end test:
//
//	srv := fakeapi.New(fakeapi.Options{Spec: fakeapi.SpecForTest(t), Token: "123:abc"})
//	defer srv.Close()
//	b, _ := bot.New("123:abc", bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
//	go b.Start(ctx)                       // the real bot, long-polling the double
//
//	alice := fakeapi.User{ID: 42, FirstName: "Alice"}
//	srv.SendText(alice, "/start")         // the user writes
//	call, err := srv.WaitCall(ctx, func(c fakeapi.Call) bool { return c.Method == "sendMessage" })
//	msgs := srv.Chat(alice.ID)            // what Alice sees now, edits applied
//	srv.PressButton(alice, msgs[0].ID, "menu:events")
//	if v := srv.Violations(); len(v) > 0 { t.Fatal(v) }
//
// Faults (Inject) make the double answer 429 with retry_after, 403 blocked,
// 400 with migrate_to_chat_id, 5xx, or answer slowly. SpecForTest skips the
// test when the shared/ folder is absent; with Options.Spec nil the double
// still serves (for the terminal demo) but does no schema checks.
package fakeapi
