package fakeapi

import (
	"reflect"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
)

func ent(typ models.MessageEntityType, off, length int) models.MessageEntity {
	return models.MessageEntity{Type: typ, Offset: off, Length: length}
}

func TestParseHTML(t *testing.T) {
	cases := []struct {
		in, plain string
		ents      []models.MessageEntity
	}{
		{"plain", "plain", nil},
		{"<b>bold</b> and <i>it</i>", "bold and it", []models.MessageEntity{ent("bold", 0, 4), ent("italic", 9, 2)}},
		{"<B>caps</B>", "caps", []models.MessageEntity{ent("bold", 0, 4)}},
		{"<strong>s</strong><em>e</em><ins>u</ins><strike>x</strike><del>d</del><s>s</s><u>u</u>", "seuxdsu",
			[]models.MessageEntity{ent("bold", 0, 1), ent("italic", 1, 1), ent("underline", 2, 1), ent("strikethrough", 3, 1), ent("strikethrough", 4, 1), ent("strikethrough", 5, 1), ent("underline", 6, 1)}},
		{"<b>outer <i>inner</i></b>", "outer inner", []models.MessageEntity{ent("bold", 0, 11), ent("italic", 6, 5)}},
		{"a &lt; b &amp;&amp; c &gt; d &quot;q&quot; &#33; &#x41;", `a < b && c > d "q" ! A`, nil},
		{"x > y", "x > y", nil},
		{`<a href="https://example.com/?a=1&amp;b=2">link</a>`, "link", []models.MessageEntity{{Type: "text_link", Offset: 0, Length: 4, URL: "https://example.com/?a=1&b=2"}}},
		{`<a href='tg://user?id=1'>me</a>`, "me", []models.MessageEntity{{Type: "text_link", Offset: 0, Length: 2, URL: "tg://user?id=1"}}},
		{`<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>`, "st", []models.MessageEntity{ent("spoiler", 0, 1), ent("spoiler", 1, 1)}},
		{`<code>x</code>`, "x", []models.MessageEntity{ent("code", 0, 1)}},
		{`<pre><code class="language-go">go</code></pre>`, "go", []models.MessageEntity{{Type: "pre", Offset: 0, Length: 2, Language: "go"}}},
		{`<pre>p</pre>`, "p", []models.MessageEntity{ent("pre", 0, 1)}},
		{`<blockquote>q</blockquote><blockquote expandable>e</blockquote>`, "qe", []models.MessageEntity{ent("blockquote", 0, 1), ent("expandable_blockquote", 1, 1)}},
		{`<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>`, "👍", []models.MessageEntity{{Type: "custom_emoji", Offset: 0, Length: 2, CustomEmojiID: "5368324170671202286"}}},
		// offsets are UTF-16: the emoji takes two units, Cyrillic one
		{"😀 <b>жирный</b>", "😀 жирный", []models.MessageEntity{ent("bold", 3, 6)}},
		{"<b></b>empty", "empty", nil},
		{"<b>x</b >", "x", []models.MessageEntity{ent("bold", 0, 1)}},
		{`<a href=e.com>e</a>`, "e", []models.MessageEntity{{Type: "text_link", Offset: 0, Length: 1, URL: "e.com"}}},
		{"<i>a</>", "a", []models.MessageEntity{ent("italic", 0, 1)}},
	}
	for _, tc := range cases {
		plain, ents, err := parseHTML(tc.in)
		if err != nil {
			t.Errorf("parseHTML(%q): %v", tc.in, err)
			continue
		}
		if plain != tc.plain {
			t.Errorf("parseHTML(%q) text = %q, want %q", tc.in, plain, tc.plain)
		}
		if len(ents) != 0 || len(tc.ents) != 0 {
			if !reflect.DeepEqual(ents, tc.ents) {
				t.Errorf("parseHTML(%q) entities = %+v, want %+v", tc.in, ents, tc.ents)
			}
		}
	}
}

func TestParseHTMLErrors(t *testing.T) {
	cases := map[string]string{
		"<foo>x</foo>":                    `Unsupported start tag "foo" at byte offset 0`,
		"<b>x":                            `Can't find end tag corresponding to start tag "b"`,
		"<b>x</i>":                        `Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`,
		"<b><i>x</b></i>":                 `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`,
		"x</b>":                           `Unexpected end tag at byte offset 1`,
		"a < b":                           `Unsupported start tag "" at byte offset 2`,
		"a <b":                            `Unclosed start tag at byte offset 2`,
		"AT&T":                            `Character '&' at byte offset 2 does not start an HTML entity`,
		"&nbsp;":                          `Character '&' at byte offset 0`,
		"&#xZZ;":                          `Character '&' at byte offset 0`,
		`<span>x</span>`:                  `Tag "span" must have class "tg-spoiler"`,
		`<span class="red">x</span>`:      `Tag "span" must have class "tg-spoiler"`,
		`<a href>x</a>`:                   `Expected equal sign in declaration of an attribute of the tag "a"`,
		`<a href="x>x</a>`:                `Unclosed start tag at byte offset 0`,
		`<tg-emoji>x</tg-emoji>`:          `Tag "tg-emoji" must have attribute "emoji-id"`,
		"<b>x</b":                         `Unclosed end tag at byte offset 4`,
		"<script>alert(1)</script>":       `Unsupported start tag "script"`,
		"<br>":                            `Unsupported start tag "br"`,
		"Price: 5 < 10 & rising <b>!</b>": `Unsupported start tag "" at byte offset 9`,
	}
	for in, want := range cases {
		_, _, err := parseHTML(in)
		if err == nil {
			t.Errorf("parseHTML(%q) accepted, want %q", in, want)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("parseHTML(%q) = %q, want %q", in, err, want)
		}
	}
}

func TestParseMarkdownV2(t *testing.T) {
	cases := []struct {
		in, plain string
		ents      []models.MessageEntity
	}{
		{"plain", "plain", nil},
		{`*bold* _it_ __under__ ~strike~ ||spoil||`, "bold it under strike spoil",
			[]models.MessageEntity{ent("bold", 0, 4), ent("italic", 5, 2), ent("underline", 8, 5), ent("strikethrough", 14, 6), ent("spoiler", 21, 5)}},
		{`Version 1\.2\-beta\!`, "Version 1.2-beta!", nil},
		{"`co.de` and ```go\nfmt.Println(\"x\")\n```", "co.de and fmt.Println(\"x\")\n",
			[]models.MessageEntity{ent("code", 0, 5), {Type: "pre", Offset: 10, Length: 17, Language: "go"}}},
		{`[site](https://example.com/a\)b)`, "site", []models.MessageEntity{{Type: "text_link", Offset: 0, Length: 4, URL: "https://example.com/a)b"}}},
		{"😀 *жирный*", "😀 жирный", []models.MessageEntity{ent("bold", 3, 6)}},
		{"> quoted\n> more\nafter", " quoted\n more\nafter", []models.MessageEntity{ent("blockquote", 0, 13)}},
		{"**> hidden\n> text||\nafter", " hidden\n text\nafter", []models.MessageEntity{ent("expandable_blockquote", 0, 13)}},
	}
	for _, tc := range cases {
		plain, ents, err := parseMarkdownV2(tc.in)
		if err != nil {
			t.Errorf("parseMarkdownV2(%q): %v", tc.in, err)
			continue
		}
		if plain != tc.plain {
			t.Errorf("parseMarkdownV2(%q) text = %q, want %q", tc.in, plain, tc.plain)
		}
		if (len(ents) != 0 || len(tc.ents) != 0) && !reflect.DeepEqual(ents, tc.ents) {
			t.Errorf("parseMarkdownV2(%q) entities = %+v, want %+v", tc.in, ents, tc.ents)
		}
	}
	errs := map[string]string{
		"Version 1.2":      `Character '.' is reserved and must be escaped with the preceding '\'`,
		"Hello!":           `Character '!' is reserved`,
		"a-b":              `Character '-' is reserved`,
		"(note)":           `Character '(' is reserved`,
		"*bold":            `Can't find end of Bold entity at byte offset 0`,
		"x _it":            `Can't find end of Italic entity at byte offset 2`,
		"```go\ncode":      `Can't find end of PreCode entity at byte offset 0`,
		"[a](http://x.io":  `Can't find end of a URL at byte offset 4`,
		"a | b":            `Character '|' is reserved`,
		"![x]":             `Custom emoji entity must contain a tg://emoji URL`,
		"![x](http://a.b)": `Custom emoji URL must have scheme tg and host emoji`,
	}
	for in, want := range errs {
		_, _, err := parseMarkdownV2(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseMarkdownV2(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestParseMarkdownLegacy(t *testing.T) {
	plain, ents, err := parseMarkdown("*bold* _it_ `c` [l](https://e.com) 1.5! \\*star")
	if err != nil {
		t.Fatal(err)
	}
	if plain != "bold it c l 1.5! *star" {
		t.Fatalf("text = %q", plain)
	}
	want := []models.MessageEntity{ent("bold", 0, 4), ent("italic", 5, 2), ent("code", 8, 1), {Type: "text_link", Offset: 10, Length: 1, URL: "https://e.com"}}
	if !reflect.DeepEqual(ents, want) {
		t.Fatalf("entities = %+v", ents)
	}
	if _, _, err := parseMarkdown("snake_case"); err == nil || !strings.Contains(err.Error(), "Can't find end of the entity starting at byte offset 5") {
		t.Fatalf("unclosed: %v", err)
	}
}

func TestTrimEntities(t *testing.T) {
	text, ents := trimEntities("\n  hi there \n", []models.MessageEntity{ent("bold", 0, 5), ent("italic", 3, 10), ent("code", 12, 1)})
	if text != "hi there" {
		t.Fatalf("text = %q", text)
	}
	want := []models.MessageEntity{ent("bold", 0, 2), ent("italic", 0, 8)}
	if !reflect.DeepEqual(ents, want) {
		t.Fatalf("entities = %+v", ents)
	}
	if got, _ := trimEntities(" \t\n", nil); got != "" {
		t.Fatalf("blank trimmed to %q", got)
	}
}

func TestUTF16Len(t *testing.T) {
	cases := map[string]int{"": 0, "abc": 3, "жир": 3, "😀": 2, "a😀b": 4, "👍🏽": 4}
	for s, want := range cases {
		if got := utf16Len(s); got != want {
			t.Errorf("utf16Len(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestCommandEntities(t *testing.T) {
	cmd := func(off, length int) []models.MessageEntity {
		return []models.MessageEntity{ent(models.MessageEntityTypeBotCommand, off, length)}
	}
	cases := []struct {
		text string
		want []models.MessageEntity
	}{
		{"/start", cmd(0, 6)},
		{"/start@forumbot_test_bot arg", cmd(0, 24)},
		{"/start arg", cmd(0, 6)},
		{"Привет /start", cmd(7, 6)},
		{"😀 /help", cmd(3, 5)},
		{"Привет, /events@forumbot_test_bot", cmd(8, 25)},
		{"/a /b", []models.MessageEntity{ent("bot_command", 0, 2), ent("bot_command", 3, 2)}},
		{"/start@ab x", cmd(0, 6)}, // a too short bot name is not part of the command
		{"and/or", nil},
		{"path /usr/bin", nil},
		{"/", nil},
		{"just text", nil},
		{"/старт", nil},
		{"/cmd_1.", cmd(0, 6)},
	}
	for _, tc := range cases {
		got := commandEntities(tc.text)
		if len(got) != 0 || len(tc.want) != 0 {
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("commandEntities(%q) = %+v, want %+v", tc.text, got, tc.want)
			}
		}
	}
}
