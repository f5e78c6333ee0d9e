// Package fakeapi is an in-process test double of the Telegram Bot API,
// served over real HTTP on 127.0.0.1, strict enough to catch the mistakes
// real Telegram rejects (and a few it silently tolerates).
//
// Every request is checked against the machine-readable Bot API spec
// (shared/botapi/api.json beside the repository): unknown parameters,
// missing required ones and wrong types, nested objects included, are
// answered with 400 and recorded as violations. On top of the schema it
// applies Telegram's own checks: text emptiness and length after entity
// parsing, HTML/MarkdownV2 syntax, inline button rules, editing a missing or
// unchanged message, answering a callback query twice, writing to a chat
// that never talked to the bot, and more.
//
// A typical end-to-end test runs the real bot against it:
//
//	srv := fakeapi.New(fakeapi.Options{Spec: fakeapi.SpecForTest(t), Token: "123:abc"})
//	defer srv.Close()
//	b, _ := bot.New("123:abc", bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
//	go b.Start(ctx) // long-polls the double
//
//	alice := fakeapi.User{ID: 42, FirstName: "Alice"}
//	srv.SendText(alice, "/start") // the user writes
//	srv.WaitCall(ctx, func(c fakeapi.Call) bool { return c.Method == "sendMessage" })
//	msgs := srv.Chat(alice.ID) // what Alice sees now, edits applied
//	srv.PressButton(alice, msgs[0].ID, msgs[0].Keyboard[0][0].CallbackData)
//	...
//	if v := srv.Violations(); len(v) > 0 {
//		t.Fatal(v)
//	}
//
// Inject makes the double answer 429 with retry_after, 403 blocked, 400 with
// migrate_to_chat_id, 5xx, or answer slowly. SpecForTest skips the test when
// the shared/ folder is absent; with Options.Spec nil the double still
// serves (for the terminal demo) and applies Telegram's own checks, but
// does no schema checks.
package fakeapi
