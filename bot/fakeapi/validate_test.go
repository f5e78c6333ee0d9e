package fakeapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func formReq(kv ...string) *request {
	r := &request{form: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.form[kv[i]] = kv[i+1]
	}
	return r
}

func jsonReq(t *testing.T, body string) *request {
	t.Helper()
	v, ok := decodeJSONBytes([]byte(body))
	if !ok {
		t.Fatalf("bad JSON %s", body)
	}
	return &request{form: map[string]string{}, json: v.(map[string]any)}
}

func TestDecodeParamsSchema(t *testing.T) {
	s := SpecForTest(t)
	kb := func(button string) string { return `{"inline_keyboard":[[` + button + `]]}` }
	cases := []struct {
		name, method string
		req          *request
		wantErr      string // "" = valid
	}{
		{"minimal", "sendMessage", formReq("chat_id", "1", "text", "hi"), ""},
		{"chat username", "sendMessage", formReq("chat_id", "@channel", "text", "hi"), ""},
		{"unknown field", "sendMessage", formReq("chat_id", "1", "text", "hi", "colour", "red"), `unknown parameter "colour" for method sendMessage`},
		{"missing required", "sendMessage", formReq("text", "hi"), `parameter "chat_id" is required`},
		{"integer wanted", "sendMessage", formReq("chat_id", "1", "text", "hi", "message_thread_id", "abc"), `parameter "message_thread_id" must be of type Integer, got "abc"`},
		{"boolean wanted", "sendMessage", formReq("chat_id", "1", "text", "hi", "disable_notification", "yes"), `parameter "disable_notification" must be of type Boolean`},
		{"boolean ok", "sendMessage", formReq("chat_id", "1", "text", "hi", "disable_notification", "true"), ""},
		{"float ok", "sendLocation", formReq("chat_id", "1", "latitude", "51.5", "longitude", "-0.12"), ""},
		{"float wanted", "sendLocation", formReq("chat_id", "1", "latitude", "north", "longitude", "-0.12"), `parameter "latitude" must be of type Float`},
		{"inline keyboard", "sendMessage", formReq("chat_id", "1", "text", "hi", "reply_markup", kb(`{"text":"a","callback_data":"b","copy_text":{"text":""}}`)), ""},
		{"nested button wrong type", "sendMessage", formReq("chat_id", "1", "text", "hi", "reply_markup", kb(`{"text":"a","callback_data":5}`)),
			`field "reply_markup.inline_keyboard[0][0].callback_data" must be of type String`},
		{"nested button unknown field", "sendMessage", formReq("chat_id", "1", "text", "hi", "reply_markup", kb(`{"text":"a","callback_data":"b","colour":"red"}`)),
			`unknown field "reply_markup.inline_keyboard[0][0].colour": InlineKeyboardButton has no such field`},
		{"nested button missing text", "sendMessage", formReq("chat_id", "1", "text", "hi", "reply_markup", kb(`{"callback_data":"b"}`)),
			`field "reply_markup.inline_keyboard[0][0].text" is required in InlineKeyboardButton`},
		{"keyboard not nested twice", "sendMessage", formReq("chat_id", "1", "text", "hi", "reply_markup", `{"inline_keyboard":[{"text":"a","callback_data":"b"}]}`),
			`field "reply_markup.inline_keyboard[0]" must be of type Array of InlineKeyboardButton`},
		{"reply keyboard", "sendMessage", formReq("chat_id", "1", "text", "hi", "reply_markup", `{"keyboard":[[{"text":"a"}]],"resize_keyboard":true}`), ""},
		{"remove keyboard", "sendMessage", formReq("chat_id", "1", "text", "hi", "reply_markup", `{"remove_keyboard":true}`), ""},
		{"markup not JSON", "sendMessage", formReq("chat_id", "1", "text", "hi", "reply_markup", `{inline`), `can't parse parameter "reply_markup" as JSON`},
		{"markup fits nothing", "sendMessage", formReq("chat_id", "1", "text", "hi", "reply_markup", `7`), `must be of type InlineKeyboardMarkup or ReplyKeyboardMarkup or ReplyKeyboardRemove or ForceReply`},
		{"array of entities", "sendMessage", formReq("chat_id", "1", "text", "hi", "entities", `[{"type":"bold","offset":0,"length":2}]`), ""},
		{"entity offset float", "sendMessage", formReq("chat_id", "1", "text", "hi", "entities", `[{"type":"bold","offset":0.5,"length":2}]`), `field "entities[0].offset" must be of type Integer`},
		{"scope subtype", "setMyCommands", formReq("commands", `[{"command":"a","description":"b"}]`, "scope", `{"type":"chat","chat_id":5}`), ""},
		{"scope default", "setMyCommands", formReq("commands", `[]`, "scope", `{"type":"default"}`), ""},
		{"scope wrong discriminator", "setMyCommands", formReq("commands", `[]`, "scope", `{"type":"galaxy"}`), `field "scope.type" must be one of "all_chat_administrators", "all_group_chats", "all_private_chats", "chat", "chat_administrators", "chat_member", "default" for BotCommandScope`},
		{"scope chat without chat_id", "setMyCommands", formReq("commands", `[]`, "scope", `{"type":"chat"}`), `field "scope.chat_id" is required in BotCommandScopeChat`},
		{"scope default with chat_id", "setMyCommands", formReq("commands", `[]`, "scope", `{"type":"default","chat_id":1}`), `unknown field "scope.chat_id": BotCommandScopeDefault has no such field`},
		{"menu button", "setChatMenuButton", formReq("chat_id", "1", "menu_button", `{"type":"commands"}`), ""},
		{"input file by id", "sendDocument", formReq("chat_id", "1", "document", "BQACAgI"), ""},
		{"reactions", "setMessageReaction", formReq("chat_id", "1", "message_id", "2", "reaction", `[{"type":"emoji","emoji":"👍"}]`), ""},
		{"reaction subtype mismatch", "setMessageReaction", formReq("chat_id", "1", "message_id", "2", "reaction", `[{"type":"emoji","custom_emoji_id":"x"}]`), `unknown field "reaction[0].custom_emoji_id": ReactionTypeEmoji has no such field`},
		{"no params", "getMe", formReq(), ""},
		{"no params but one sent", "getMe", formReq("x", "1"), `unknown parameter "x" for method getMe`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeParams(s, s.method(tc.method), tc.req)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error %q", err.Description)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("accepted, want error containing %q", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Description, tc.wantErr):
				t.Fatalf("error %q does not contain %q", err.Description, tc.wantErr)
			case err != nil && (err.Code != 400 || !err.violation || !strings.HasPrefix(err.Description, "Bad Request: ")):
				t.Fatalf("error %+v is not a 400 violation", err)
			}
		})
	}
}

func TestDecodeParamsFiles(t *testing.T) {
	s := SpecForTest(t)
	ics := &FileParam{Name: "event.ics", Size: 3, Content: []byte("ICS")}

	r := formReq("chat_id", "1")
	r.files = map[string]*FileParam{"document": ics}
	p, err := decodeParams(s, s.method("sendDocument"), r)
	if err != nil {
		t.Fatal(err.Description)
	}
	if got, ok := p["document"].(FileParam); !ok || got.Name != "event.ics" || string(got.Content) != "ICS" {
		t.Fatalf("document = %#v", p["document"])
	}

	// attach:// naming a file part
	r = formReq("chat_id", "1", "document", "attach://f1")
	r.files = map[string]*FileParam{"f1": ics}
	if _, err := decodeParams(s, s.method("sendDocument"), r); err != nil {
		t.Fatal(err.Description)
	}
	r = formReq("chat_id", "1", "media", `[{"type":"document","media":"attach://f1"}]`)
	r.files = map[string]*FileParam{"f1": ics}
	if _, err := decodeParams(s, s.method("sendMediaGroup"), r); err != nil {
		t.Fatal(err.Description)
	}

	// a file where the spec wants text
	r = formReq("chat_id", "1")
	r.files = map[string]*FileParam{"text": ics}
	if _, err := decodeParams(s, s.method("sendMessage"), r); err == nil || !strings.Contains(err.Description, `parameter "text" must be of type String, got a file upload`) {
		t.Fatalf("file as text: %v", err)
	}
	// a stray file part nobody references
	r = formReq("chat_id", "1", "document", "BQAC")
	r.files = map[string]*FileParam{"stray": ics}
	if _, err := decodeParams(s, s.method("sendDocument"), r); err == nil || !strings.Contains(err.Description, `unexpected file part "stray"`) {
		t.Fatalf("stray part: %v", err)
	}
	// an InputFile-only parameter given text, or attach:// to a missing part
	for _, cert := range []string{"-----BEGIN CERTIFICATE-----", "attach://nope"} {
		r = formReq("url", "https://example.com/hook", "certificate", cert)
		if _, err := decodeParams(s, s.method("setWebhook"), r); err == nil || !strings.Contains(err.Description, `parameter "certificate" must be of type InputFile`) {
			t.Fatalf("certificate %q: %v", cert, err)
		}
	}
	r = formReq("url", "https://example.com/hook", "certificate", "attach://c")
	r.files = map[string]*FileParam{"c": ics}
	if _, err := decodeParams(s, s.method("setWebhook"), r); err != nil {
		t.Fatal(err.Description)
	}
}

func TestDecodeParamsJSONBody(t *testing.T) {
	s := SpecForTest(t)
	p, err := decodeParams(s, s.method("sendMessage"), jsonReq(t, `{"chat_id":42,"text":"hi","disable_notification":true,"reply_markup":{"inline_keyboard":[[{"text":"a","callback_data":"b"}]]}}`))
	if err != nil {
		t.Fatal(err.Description)
	}
	if p["chat_id"] != "42" || p["text"] != "hi" || p["disable_notification"] != "true" {
		t.Fatalf("scalars not rendered as form text: %#v", p)
	}
	want := map[string]any{"inline_keyboard": []any{[]any{map[string]any{"text": "a", "callback_data": "b"}}}}
	if !reflect.DeepEqual(p["reply_markup"], want) {
		t.Fatalf("reply_markup = %#v", p["reply_markup"])
	}
	// JSON bodies are typed: a number where text is expected is a bug
	_, err = decodeParams(s, s.method("sendMessage"), jsonReq(t, `{"chat_id":42,"text":7}`))
	if err == nil || !strings.Contains(err.Description, `field "text" must be of type String`) {
		t.Fatalf("typed JSON: %v", err)
	}
	_, err = decodeParams(s, s.method("sendMessage"), jsonReq(t, `{"chat_id":42,"text":"x","message_thread_id":"7"}`))
	if err == nil || !strings.Contains(err.Description, `must be of type Integer`) {
		t.Fatalf("string for integer in JSON: %v", err)
	}
	_, err = decodeParams(s, s.method("sendMessage"), jsonReq(t, `{"chat_id":42,"text":null}`))
	if err == nil || !strings.Contains(err.Description, `parameter "text" is required`) {
		t.Fatalf("null required: %v", err)
	}
}

func TestDecodeParamsWithoutSpec(t *testing.T) {
	p, err := decodeParams(nil, nil, formReq("chat_id", "1", "colour", "red", "reply_markup", `{"inline_keyboard":[]}`, "text", "[not json"))
	if err != nil {
		t.Fatal(err.Description)
	}
	if p["colour"] != "red" || p["text"] != "[not json" {
		t.Fatalf("params = %#v", p)
	}
	if _, ok := p["reply_markup"].(map[string]any); !ok {
		t.Fatalf("reply_markup not decoded: %#v", p["reply_markup"])
	}
}

func TestDecodeJSONStrict(t *testing.T) {
	for _, bad := range []string{`{"a":1}x`, `{"a":1}{}`, `{`, ``} {
		if _, ok := decodeJSON(bad); ok {
			t.Errorf("decodeJSON(%q) accepted", bad)
		}
	}
	v, ok := decodeJSON(` {"n": 12345678901234567} `)
	if !ok || v.(map[string]any)["n"] != json.Number("12345678901234567") {
		t.Fatalf("decodeJSON kept %#v", v)
	}
}

func TestCheckUnionsAndPlaceholders(t *testing.T) {
	s := SpecForTest(t)
	v := validator{spec: s}
	rich := parseTypeExpr("RichText") // subtypes mix String, Array of RichText and objects
	for _, ok := range []any{
		"plain",
		[]any{"a", map[string]any{"type": "bold", "text": "b"}},
		map[string]any{"type": "bold", "text": map[string]any{"type": "italic", "text": "x"}},
	} {
		if err := v.checkOne("t", 1, ok, rich); err != nil {
			t.Errorf("RichText %v rejected: %v", ok, err)
		}
	}
	for _, bad := range []any{json.Number("5"), map[string]any{"type": "bold"}, []any{true}} {
		if err := v.checkOne("t", 1, bad, rich); err == nil {
			t.Errorf("RichText %v accepted", bad)
		}
	}
	game := parseTypeExpr("CallbackGame") // a placeholder without fields
	if err := v.checkOne("g", 1, map[string]any{"anything": 1}, game); err != nil {
		t.Errorf("CallbackGame object rejected: %v", err)
	}
	if err := v.checkOne("g", 1, "x", game); err == nil {
		t.Error("CallbackGame string accepted")
	}
}

func TestReferencesAttachment(t *testing.T) {
	r := formReq("media", `[{"type":"photo","media":"attach://file10"}]`)
	if !r.referencesAttachment("file10") || r.referencesAttachment("file1") || r.referencesAttachment("file100") {
		t.Fatal("attach:// references must match whole names")
	}
}
