package bot

import (
	"encoding/json"
	"testing"

	"github.com/go-telegram/bot/models"
)

// FuzzUpdateJSON: whatever JSON the Bot API (or someone posing as it)
// sends as an update, decoding it and finding its chat, sender, kind,
// language and command never panics.
func FuzzUpdateJSON(f *testing.F) {
	for _, s := range []string{
		`{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false,"first_name":"A"},"text":"/start@bot x"}}`,
		`{"update_id":2,"callback_query":{"id":"c","from":{"id":7,"is_bot":false,"first_name":"B"},"chat_instance":"i","data":"f:1","message":{"message_id":3,"date":0,"chat":{"id":-100,"type":"supergroup"}}}}`,
		`{"update_id":3,"callback_query":{"id":"c","from":{"id":7,"is_bot":false,"first_name":"B"},"chat_instance":"i","data":"x"}}`,
		`{"update_id":4,"my_chat_member":{"chat":{"id":5,"type":"private"},"from":{"id":5,"is_bot":false,"first_name":"C"},"date":1,"old_chat_member":{"status":"member","user":{"id":1,"is_bot":true,"first_name":"bot"}},"new_chat_member":{"status":"kicked","user":{"id":1,"is_bot":true,"first_name":"bot"},"until_date":0}}}`,
		`{"update_id":5,"edited_message":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"}}}`,
		`{"message":null}`, `{}`, `null`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var upd models.Update
		if err := json.Unmarshal(data, &upd); err != nil {
			return
		}
		chatID, _ := ChatKey(&upd)
		_ = kind(&upd)
		_ = isPrivate(&upd)
		p := &Pipeline{DefaultLang: "kk"}
		if lang := p.langOf(&upd, ""); lang == "" {
			t.Fatal("no language")
		}
		if m := upd.Message; m != nil {
			if c, ok := ParseCommand(m.Text, "bot"); ok && c.Name == "" {
				t.Fatalf("a command without a name from %q", m.Text)
			}
		}
		if chatID == 0 && (upd.Message != nil && upd.Message.Chat.ID != 0) {
			t.Fatalf("a message in chat %d has no ordering key", upd.Message.Chat.ID)
		}
	})
}
