package fakeapi

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// TestFindSpecWalksUp builds its own shared/ beside a nested "repo" in a
// temp dir, so it needs nothing from the real ../shared (every test that
// calls SpecForTest exercises that one).
func TestFindSpecWalksUp(t *testing.T) {
	// from a directory with nothing above it, nothing is found
	dir := t.TempDir()
	t.Chdir(dir)
	if got := FindSpec(); got != "" && !strings.HasPrefix(got, dir) {
		// a shared/ folder above the temp dir (say /tmp/shared) is found
		// legitimately; anything else is wrong
		if !strings.HasSuffix(got, filepath.Join("shared", "botapi", "api.json")) || !strings.HasPrefix(dir, filepath.Dir(filepath.Dir(filepath.Dir(got)))) {
			t.Fatalf("FindSpec() from %s = %q", dir, got)
		}
	}
	// a spec placed beside a nested "repo" is found from deep inside it
	repo := filepath.Join(dir, "main", "bot", "fakeapi")
	if err := os.MkdirAll(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "shared", "botapi"), 0o755); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "shared", "botapi", "api.json")
	if err := os.WriteFile(want, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(repo)
	if got := FindSpec(); got != want {
		t.Fatalf("FindSpec() = %q, want %q", got, want)
	}
}

func TestLoadSpec(t *testing.T) {
	s := SpecForTest(t)
	if s.Version == "" {
		t.Error("no version")
	}
	for _, m := range []string{"sendMessage", "SENDMESSAGE", "getupdates", "answerCallbackQuery"} {
		if !s.HasMethod(m) {
			t.Errorf("HasMethod(%q) = false", m)
		}
	}
	if s.HasMethod("sendTelepathy") {
		t.Error("HasMethod(sendTelepathy) = true")
	}
	sm := s.method("sendMessage")
	if f := sm.fields["chat_id"]; f == nil || !f.required || len(f.types) != 2 {
		t.Fatalf("sendMessage.chat_id = %+v", f)
	}
	if f := sm.fields["reply_markup"]; f == nil || f.required || len(f.types) != 4 {
		t.Fatalf("sendMessage.reply_markup = %+v", f)
	}
	kb := s.types["InlineKeyboardMarkup"].fields["inline_keyboard"]
	if kb.types[0].depth != 2 || kb.types[0].name != "InlineKeyboardButton" || kb.types[0].kind != kindNamed {
		t.Fatalf("inline_keyboard type = %+v", kb.types[0])
	}
	if got := s.types["BotCommandScopeChat"].fields["type"].constant; got != "chat" {
		t.Fatalf("BotCommandScopeChat.type constant = %q", got)
	}
	if got := s.types["ReactionTypeEmoji"].fields["type"].constant; got != "emoji" {
		t.Fatalf("ReactionTypeEmoji.type constant = %q", got)
	}
	if got := s.types["InlineKeyboardButton"].fields["style"].constant; got != "" {
		t.Fatalf("a non-subtype field got a constant %q", got)
	}
	if n := len(s.types["BotCommandScope"].subtypes); n != 7 {
		t.Fatalf("BotCommandScope has %d subtypes", n)
	}
}

func TestLoadSpecErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadSpec(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file: no error")
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{not json"), 0o644)
	if _, err := LoadSpec(bad); err == nil {
		t.Error("bad JSON: no error")
	}
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, []byte(`{"methods":{},"types":{}}`), 0o644)
	if _, err := LoadSpec(empty); err == nil {
		t.Error("empty spec: no error")
	}
	dangling := filepath.Join(dir, "dangling.json")
	os.WriteFile(dangling, []byte(`{"methods":{"m":{"name":"m","returns":["Boolean"],"fields":[{"name":"x","types":["Nope"],"required":true}]}},"types":{"T":{"name":"T"}}}`), 0o644)
	if _, err := LoadSpec(dangling); err == nil || !strings.Contains(err.Error(), "Nope") {
		t.Errorf("dangling type reference: err = %v", err)
	}
}

func TestDiscriminator(t *testing.T) {
	cases := map[string]string{
		`Scope type, must be chat_member`:                "chat_member",
		`Type of the reaction, always "custom_emoji"`:    "custom_emoji",
		`Must be one of "danger" (red), "success"`:       "",
		`Type of the media, must be photo.`:              "photo",
		`Optional. Unique identifier for this file`:      "",
		`The member's status in the chat, always "left"`: "left",
	}
	for desc, want := range cases {
		if got := discriminator(desc); got != want {
			t.Errorf("discriminator(%q) = %q, want %q", desc, got, want)
		}
	}
}

func jsonFieldNames(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("json")
		if tag == "" || tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		out = append(out, name)
	}
	return out
}

// The double must not reject what the real client legitimately sends: every
// parameter go-telegram/bot can send for the modelled methods, and every
// field of the objects it serialises into them, is in the spec. The only
// exceptions are go-telegram/bot v1.19.0 bugs, all on omitempty fields and
// so sent only when set, which the double rejects on purpose because
// Telegram would silently ignore them.
func TestClientParamsAreInSpec(t *testing.T) {
	s := SpecForTest(t)
	clientBugs := map[string]bool{
		"editMessageCaption.k":                        true, // ShowCaptionAboveMedia mis-tagged
		"editMessageCaption.disable_web_page_preview": true, // not a parameter of editMessageCaption
		"KeyboardButton.request_user":                 true, // removed from the Bot API
	}
	mismatches := map[string]bool{}
	methods := map[string]any{
		"sendMessage": bot.SendMessageParams{}, "sendDocument": bot.SendDocumentParams{}, "sendPhoto": bot.SendPhotoParams{},
		"editMessageText": bot.EditMessageTextParams{}, "editMessageCaption": bot.EditMessageCaptionParams{},
		"editMessageReplyMarkup": bot.EditMessageReplyMarkupParams{}, "answerCallbackQuery": bot.AnswerCallbackQueryParams{},
		"copyMessage": bot.CopyMessageParams{}, "setMyCommands": bot.SetMyCommandsParams{}, "getMyCommands": bot.GetMyCommandsParams{},
		"deleteMyCommands": bot.DeleteMyCommandsParams{}, "deleteWebhook": bot.DeleteWebhookParams{}, "setWebhook": bot.SetWebhookParams{},
		"deleteMessage": bot.DeleteMessageParams{}, "sendChatAction": bot.SendChatActionParams{}, "setChatMenuButton": bot.SetChatMenuButtonParams{},
	}
	for name, p := range methods {
		ms := s.method(name)
		if ms == nil {
			t.Errorf("spec has no %s", name)
			continue
		}
		if _, ok := handlers[strings.ToLower(name)]; !ok {
			t.Errorf("%s is not modelled", name)
		}
		for _, f := range jsonFieldNames(reflect.TypeOf(p)) {
			if ms.fields[f] == nil {
				mismatches[name+"."+f] = true
			}
		}
	}
	types := map[string]any{
		"InlineKeyboardMarkup": models.InlineKeyboardMarkup{}, "InlineKeyboardButton": models.InlineKeyboardButton{},
		"ReplyKeyboardMarkup": models.ReplyKeyboardMarkup{}, "ReplyKeyboardRemove": models.ReplyKeyboardRemove{},
		"ForceReply": models.ForceReply{}, "LinkPreviewOptions": models.LinkPreviewOptions{},
		"ReplyParameters": models.ReplyParameters{}, "MessageEntity": models.MessageEntity{}, "BotCommand": models.BotCommand{},
		"LoginUrl": models.LoginURL{}, "WebAppInfo": models.WebAppInfo{}, "CopyTextButton": models.CopyTextButton{},
		"SwitchInlineQueryChosenChat": models.SwitchInlineQueryChosenChat{}, "MenuButtonWebApp": models.MenuButtonWebApp{},
		"KeyboardButton": models.KeyboardButton{}, "KeyboardButtonRequestUsers": models.KeyboardButtonRequestUsers{},
		"KeyboardButtonRequestChat": models.KeyboardButtonRequestChat{}, "ChatAdministratorRights": models.ChatAdministratorRights{},
	}
	for name, v := range types {
		ts := s.types[name]
		if ts == nil {
			t.Errorf("spec has no type %s", name)
			continue
		}
		for _, f := range jsonFieldNames(reflect.TypeOf(v)) {
			if ts.fields[f] == nil {
				mismatches[name+"."+f] = true
			}
		}
	}
	if !reflect.DeepEqual(mismatches, clientBugs) {
		t.Fatalf("fields go-telegram can send that the spec lacks: %v, want exactly the known client bugs %v", mismatches, clientBugs)
	}
}
