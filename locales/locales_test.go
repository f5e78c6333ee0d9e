package locales

import (
	"reflect"
	"regexp"
	"sort"
	"testing"

	"gopkg.in/yaml.v3"
)

// rawMessages reads the message files of one language as key -> (plural
// form -> text); a plain string message has the single form "". A key in two
// files of one language is an error.
func rawMessages(t *testing.T, lang string) map[string]map[string]string {
	t.Helper()
	names, err := filesOf(lang)
	if err != nil {
		t.Fatal(err)
	}
	raw := map[string]any{}
	for _, name := range names {
		data, err := files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var one map[string]any
		if err := yaml.Unmarshal(data, &one); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k, v := range one {
			if _, dup := raw[k]; dup {
				t.Errorf("%s: key %q is defined in another %s file too", name, k, lang)
			}
			raw[k] = v
		}
	}
	out := make(map[string]map[string]string, len(raw))
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			out[k] = map[string]string{"": v}
		case map[string]any:
			forms := map[string]string{}
			for f, s := range v {
				str, ok := s.(string)
				if !ok {
					t.Fatalf("%s.yaml: %s.%s is not a string", lang, k, f)
				}
				forms[f] = str
			}
			out[k] = forms
		default:
			t.Fatalf("%s.yaml: %s has type %T", lang, k, v)
		}
	}
	return out
}

var placeholderRE = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func placeholders(s string) []string {
	set := map[string]bool{}
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		set[m[1]] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The CLDR plural forms each language must give for a plural message.
var pluralForms = map[string][]string{
	"kk": {"one", "other"},
	"ru": {"few", "many", "one", "other"},
	"en": {"one", "other"},
}

func TestEveryLanguageHasEveryKeyWithTheSamePlaceholders(t *testing.T) {
	msgs := map[string]map[string]map[string]string{}
	for _, lang := range Supported {
		msgs[lang] = rawMessages(t, lang)
	}
	keys := map[string]bool{}
	for _, m := range msgs {
		for k := range m {
			keys[k] = true
		}
	}
	for k := range keys {
		var want []string
		wantFrom := ""
		for _, lang := range Supported {
			forms, ok := msgs[lang][k]
			if !ok {
				t.Errorf("%s.yaml lacks key %q", lang, k)
				continue
			}
			_, plain := forms[""]
			if !plain {
				var got []string
				for f := range forms {
					got = append(got, f)
				}
				sort.Strings(got)
				if !reflect.DeepEqual(got, pluralForms[lang]) {
					t.Errorf("%s.yaml: %s has plural forms %v, CLDR wants %v", lang, k, got, pluralForms[lang])
				}
			}
			for f, s := range forms {
				if s == "" {
					t.Errorf("%s.yaml: %s.%s is empty", lang, k, f)
				}
				ph := placeholders(s)
				if want == nil {
					want, wantFrom = ph, lang+"/"+f
					continue
				}
				if !reflect.DeepEqual(ph, want) {
					t.Errorf("%s: placeholders %v in %s/%s differ from %v in %s", k, ph, lang, f, want, wantFrom)
				}
			}
		}
	}
}

func TestKazakhIsNotRussian(t *testing.T) {
	kk, ru := rawMessages(t, "kk"), rawMessages(t, "ru")
	same := 0
	for k, forms := range kk {
		if forms[""] != "" && forms[""] == ru[k][""] && len(placeholders(forms[""])) == 0 {
			same++
			t.Logf("kk and ru agree on %s: %q", k, forms[""])
		}
	}
	if same > 3 {
		t.Errorf("%d Kazakh messages are copies of the Russian ones", same)
	}
}

func TestEveryFileIsOfASupportedLanguage(t *testing.T) {
	entries, err := files.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !IsSupported(fileLang(e.Name())) {
			t.Errorf("%s: not a kk, ru or en message file", e.Name())
		}
	}
}

func TestPlurals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		lang string
		n    int
		want string
	}{
		{"ru", 1, "1 форум"}, {"ru", 2, "2 форума"}, {"ru", 5, "5 форумов"},
		{"ru", 11, "11 форумов"}, {"ru", 21, "21 форум"}, {"ru", 22, "22 форума"}, {"ru", 112, "112 форумов"},
		{"kk", 1, "1 форум"}, {"kk", 5, "5 форум"},
		{"en", 1, "1 forum"}, {"en", 2, "2 forums"}, {"en", 0, "0 forums"},
	}
	for _, c := range cases {
		if got := For(c.lang).N("forums_count", c.n); got != c.want {
			t.Errorf("%s %d: got %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}

func TestDates(t *testing.T) {
	t.Parallel()
	cases := []struct{ lang, day, month, year string }{
		{"kk", "16 қазан 2018 ж.", "қазан 2018 ж.", "2018 ж."},
		{"ru", "16 октября 2018 г.", "октябрь 2018 г.", "2018 г."},
		{"en", "16 October 2018", "October 2018", "2018"},
	}
	for _, c := range cases {
		l := For(c.lang)
		if got := l.Date(2018, 10, 16); got != c.day {
			t.Errorf("%s Date: %q, want %q", c.lang, got, c.day)
		}
		if got := l.MonthYear(2018, 10); got != c.month {
			t.Errorf("%s MonthYear: %q, want %q", c.lang, got, c.month)
		}
		if got := l.Year(2018); got != c.year {
			t.Errorf("%s Year: %q, want %q", c.lang, got, c.year)
		}
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	cases := map[string]string{"ru": "ru", "ru-RU": "ru", "kk": "kk", "KK-kz": "kk", "en-GB": "en", "de": "", "": "", "uk": ""}
	for in, want := range cases {
		if got := Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
	if For("de").Lang() != Default {
		t.Errorf("an unsupported language falls back to %s", Default)
	}
}

func TestTemplateData(t *testing.T) {
	t.Parallel()
	if got := For("en").T("welcome", "Name", "Aigerim"); got[:15] != "Hello, Aigerim!" {
		t.Errorf("welcome: %q", got)
	}
	if got := For("kk").T("no_such_key"); got != "no_such_key" {
		t.Errorf("missing key: %q", got)
	}
}
