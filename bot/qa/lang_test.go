package qa

import "testing"

// TestQuestionLang checks when the reply leaves the chat's language for
// the question's: only when the question is clearly in another one.
func TestQuestionLang(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ q, chat, want string }{
		{"когда был форум в таразе", "kk", "ru"},
		{"Тараздағы форум қашан өтті?", "ru", "kk"},
		{"тараз форумы кашан болды", "en", "kk"},
		{"where was the zhetysu forum", "ru", "en"},
		{"taraz forumy qashan boldy", "en", "kk"},
		// A word of the chat's language keeps it.
		{"меценат года кім болды", "ru", ""},
		{"меценат года кім болды", "kk", ""},
		{"когда был форум в таразе", "ru", ""},
		// Names alone say nothing.
		{"Тараз 2018", "en", ""},
		{"Zhomart Zhurek", "ru", ""},
	} {
		if got := questionLang(c.q, c.chat); got != c.want {
			t.Errorf("questionLang(%q, %s) = %q, want %q", c.q, c.chat, got, c.want)
		}
	}
}
