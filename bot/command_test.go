package bot

import "testing"

func TestParseCommand(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text string
		ok   bool
		want Command
	}{
		{"/start", true, Command{Name: "start"}},
		{"/START", true, Command{Name: "start"}},
		{"/start forum_taraz-viii-2018", true, Command{Name: "start", Args: "forum_taraz-viii-2018"}},
		{"/start@forumbot_test_bot", true, Command{Name: "start", Mention: "forumbot_test_bot"}},
		{"/Start@ForumBot_Test_Bot арг", true, Command{Name: "start", Mention: "ForumBot_Test_Bot", Args: "арг"}},
		{"/start@other_bot", false, Command{Name: "start", Mention: "other_bot"}},
		{"Сәлем /help", true, Command{Name: "help"}},
		{"Привет, бот! /search Тараз 2018", true, Command{Name: "search", Args: "Тараз 2018"}},
		{"  /past  ", true, Command{Name: "past"}},
		{"/help, please", true, Command{Name: "help", Args: "please"}},
		{"Тараз", false, Command{}},
		{"", false, Command{}},
		{"/", false, Command{}},
		{"/ start", false, Command{}},
		{"a/b", false, Command{}},
		{"https://t.me/x", false, Command{}},
		{"/стартуй", false, Command{}},
		{"/startпривет", false, Command{}},
		{"/abcdefghijabcdefghijabcdefghijabc", false, Command{}},
		{"2/3 /lang", true, Command{Name: "lang"}},
	}
	for _, c := range cases {
		got, ok := ParseCommand(c.text, "forumbot_test_bot")
		if ok != c.ok || (c.ok || c.want.Name != "") && got != c.want {
			t.Errorf("ParseCommand(%q) = %+v, %v; want %+v, %v", c.text, got, ok, c.want, c.ok)
		}
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/start", "Сәлем /help@bot x", "/a@", "//", "/start\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := ParseCommand(s, "bot")
		if ok && (c.Name == "" || len(c.Name) > maxCommandLen) {
			t.Fatalf("ParseCommand(%q) = %+v", s, c)
		}
	})
}
