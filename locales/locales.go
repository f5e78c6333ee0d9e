// Package locales holds every sentence the bot says, in Kazakh (the state
// language, first), Russian and English, and the few rules that turn data
// into words: CLDR plurals (through go-i18n) and dates.
//
// The message files are embedded in the binary: kk.yaml, ru.yaml and en.yaml
// hold the core, and a feature may keep its own set beside them, named
// <feature>.<lang>.yaml (proposals.kk.yaml, ...).
// A message is either a string or a map of CLDR plural forms (one, few,
// many, other); placeholders are Go templates such as {{.Count}}. A test
// checks that every language has every key with the same placeholders.
package locales

import (
	"embed"
	"fmt"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

//go:embed *.yaml
var files embed.FS

// fileLang is the language of a message file: "kk" for kk.yaml and for
// proposals.kk.yaml.
func fileLang(name string) string {
	parts := strings.Split(strings.TrimSuffix(name, ".yaml"), ".")
	return parts[len(parts)-1]
}

// filesOf lists the message files of lang, core file first.
func filesOf(lang string) ([]string, error) {
	entries, err := files.ReadDir(".")
	if err != nil {
		return nil, err
	}
	out := []string{lang + ".yaml"}
	for _, e := range entries {
		if n := e.Name(); n != lang+".yaml" && fileLang(n) == lang {
			out = append(out, n)
		}
	}
	return out, nil
}

// Supported lists the bot's languages in the order they are offered.
var Supported = []string{"kk", "ru", "en"}

// Default is the language used when nothing else is known.
const Default = "kk"

var (
	loadOnce sync.Once
	bundle   *i18n.Bundle
	locs     map[string]*Localizer
	loadErr  error
)

func load() {
	bundle = i18n.NewBundle(language.Kazakh)
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	locs = make(map[string]*Localizer, len(Supported))
	for _, lang := range Supported {
		names, err := filesOf(lang)
		if err != nil {
			loadErr = err
			return
		}
		for _, name := range names {
			data, err := files.ReadFile(name)
			if err != nil {
				loadErr = err
				return
			}
			if _, err := bundle.ParseMessageFileBytes(data, name); err != nil {
				loadErr = fmt.Errorf("locales: %s: %w", name, err)
				return
			}
		}
		locs[lang] = &Localizer{lang: lang, l: i18n.NewLocalizer(bundle, lang)}
	}
}

// For returns the localizer of lang; an unsupported lang gets Kazakh.
func For(lang string) *Localizer {
	loadOnce.Do(load)
	if loadErr != nil {
		// The files are embedded and tested; failing here means a broken build.
		panic(loadErr)
	}
	if l, ok := locs[lang]; ok {
		return l
	}
	return locs[Default]
}

// Match maps a Telegram language_code ("ru", "ru-RU", "kk", "en-GB") to a
// supported language, or "" when there is none.
func Match(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	if i := strings.IndexAny(code, "-_"); i >= 0 {
		code = code[:i]
	}
	for _, s := range Supported {
		if code == s {
			return s
		}
	}
	return ""
}

// IsSupported reports whether lang is one of Supported.
func IsSupported(lang string) bool { return Match(lang) == lang && lang != "" }

// Localizer speaks one language.
type Localizer struct {
	lang string
	l    *i18n.Localizer
}

// Lang is the localizer's language code.
func (l *Localizer) Lang() string { return l.lang }

// T returns message id with the template data given as key/value pairs:
// T("welcome", "Name", "Aigerim"). A missing key yields the id itself, which
// the completeness test prevents from ever shipping.
func (l *Localizer) T(id string, kv ...any) string {
	return l.localize(id, nil, kv)
}

// N returns the plural form of message id for count; the count is available
// to the template as {{.Count}}.
func (l *Localizer) N(id string, count int, kv ...any) string {
	return l.localize(id, count, kv)
}

func (l *Localizer) localize(id string, count any, kv []any) string {
	data := make(map[string]any, len(kv)/2+1)
	for i := 0; i+1 < len(kv); i += 2 {
		data[fmt.Sprint(kv[i])] = kv[i+1]
	}
	if count != nil {
		data["Count"] = count
	}
	s, err := l.l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil {
		return id
	}
	return s
}
