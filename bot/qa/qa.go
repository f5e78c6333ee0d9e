// Package qa answers questions about forums asked in plain words, in
// Kazakh, Russian and English: "Тараздағы форум қашан өтті?", "Когда
// следующий форум в Алматы?", "Who won the Zhomart Zhurek contest in
// Kyzylorda?". It finds what is asked (when, where, who spoke, who won, a
// figure, what the forum was about or adopted, the next or the last forum,
// how many forums) and what about (a city or region in any form and script,
// a year, an ordinal, a contest, a nomination, a person or an organization
// the catalog names), and answers with the fact from the catalog, in one or
// two sentences made from the locale templates (qa_* keys).
//
// The catalog is the only source: nothing is written here about any forum,
// so a forum added with `forumbot import` is answered at once. When the
// catalog does not hold the fact, the answer says so and gives what it does
// hold; it never guesses.
package qa

import (
	"reflect"
	"time"

	"github.com/forumbot/forumbot/bot/catalog"
)

// Kind is what kind of reply Answer made.
type Kind uint8

const (
	// NotQuestion: the message names something rather than asks ("Тараз",
	// "award 2023"); the bot searches, as it always did.
	NotQuestion Kind = iota
	// NotUnderstood: a question, but what is asked or about which forum is
	// not clear. Understood says what was; the bot falls back to search.
	NotUnderstood
	// Answered: the fact, for one forum (or a count over the catalog).
	Answered
	// Several: the fact for each of a few forums the question fits.
	Several
	// Ambiguous: too many forums fit the question; the reply asks which one,
	// with a button for each.
	Ambiguous
	// Unknown: the catalog does not hold the fact; the reply says so and
	// gives what the catalog does hold.
	Unknown
)

var kindNames = [...]string{"not a question", "not understood", "answered", "several forums", "which forum", "fact unknown"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// Fact is what a question asks for.
type Fact string

const (
	FactNone    Fact = ""
	FactWhen    Fact = "when"    // when a forum took place
	FactWhere   Fact = "where"   // where
	FactWho     Fact = "who"     // who spoke or organized
	FactAward   Fact = "award"   // who won, which award or nomination
	FactFigure  Fact = "figure"  // a key figure: the number of NGOs, funding...
	FactAbout   Fact = "about"   // what the forum was about
	FactOutcome Fact = "outcome" // what it adopted, its results
	FactNext    Fact = "next"    // the next forum
	FactLast    Fact = "last"    // the latest forum
	FactCount   Fact = "count"   // how many forums
)

// Understood is what Answer made of a question, for the reply and for a
// fallback to search.
type Understood struct {
	Fact     Fact
	Places   []string // the places named, in the reply's language
	Years    []int
	Ordinal  int
	Names    []string // contests, nominations, people, organizations named
	Next     bool     // the next (upcoming) forum is meant
	Last     bool     // the latest forum is meant
	Unknowns []string // words that look like names the catalog does not know
}

// Empty reports whether nothing was understood.
func (u Understood) Empty() bool {
	return u.Fact == FactNone && len(u.Places) == 0 && len(u.Years) == 0 && u.Ordinal == 0 &&
		len(u.Names) == 0 && !u.Next && !u.Last
}

// Result is the reply to one question.
type Result struct {
	Kind Kind
	Fact Fact
	// Text is the reply in HTML (Telegram's parse_mode HTML): every text
	// from the catalog is escaped. Empty for NotQuestion and NotUnderstood.
	Text string
	// Forums are the forums the reply is about, to offer as buttons, in the
	// order the reply names them.
	Forums     []*catalog.Forum
	Understood Understood
	// Lang is the language of Text: the chat's, or the question's when it
	// was clearly written in another.
	Lang string
}

// Engine answers questions about one version of the catalog. Build it with
// New when the catalog changes; it is read-only afterwards and safe for
// concurrent use. It keeps pointers into the catalog, which must not change
// while the engine is used.
type Engine struct {
	forums []*catalog.Forum
	ix     *catalog.Index
	names  *nameIndex
	stems  map[string]bool // of every word of every text of the catalog
	// awardStems are the stems of the words of the contests' and the
	// nominations' names.
	awardStems map[string]bool
}

// New builds the engine for c, whose search index ix is the fallback for
// words the engine does not recognise. A nil c is an empty catalog.
func New(c *catalog.Catalog, ix *catalog.Index) *Engine {
	e := &Engine{ix: ix}
	if c != nil {
		for i := range c.Forums {
			e.forums = append(e.forums, &c.Forums[i])
		}
	}
	if e.ix == nil {
		e.ix = catalog.NewIndex(c)
	}
	perForum := make([]map[string]bool, len(e.forums))
	for i, f := range e.forums {
		perForum[i] = forumStems(f)
	}
	e.names = buildNames(e.forums, perForum)
	e.stems = catalogStems(perForum)
	e.awardStems = map[string]bool{}
	for _, f := range e.forums {
		for _, aw := range f.Awards {
			for _, t := range []catalog.Text{aw.Contest, aw.Nomination} {
				for _, s := range t.All() {
					for _, tok := range catalog.Tokens(s) {
						e.awardStems[catalog.Stem(tok)] = true
					}
				}
			}
		}
	}
	return e
}

// Answer answers question, asked in a chat that speaks lang ("kk", "ru",
// "en"), at now (its location is the forums' time zone, Asia/Almaty). The
// reply is in the question's own language when it is clearly another one
// (a Russian question in a Kazakh chat); Result.Lang says which.
func (e *Engine) Answer(question, lang string, now time.Time) Result {
	if l := questionLang(question, lang); l != "" {
		lang = l
	}
	a := e.understand(question, now)
	r := a.reply(e, lang, now)
	r.Lang = lang
	return r
}

var textType = reflect.TypeFor[catalog.Text]()

// catalogStems returns the stems of every word of every text of the forums,
// whose stems perForum holds (see forumStems), and of the regions' names.
func catalogStems(perForum []map[string]bool) map[string]bool {
	stems := map[string]bool{}
	for _, fs := range perForum {
		for s := range fs {
			stems[s] = true
		}
	}
	for _, r := range catalog.Regions {
		for _, t := range []catalog.Text{r.Name, r.Center} {
			for _, s := range t.All() {
				for _, tok := range catalog.Tokens(s) {
					stems[catalog.Stem(tok)] = true
				}
			}
		}
	}
	return stems
}

// forumStems returns the stems of every word of every text of f, in every
// language.
func forumStems(f *catalog.Forum) map[string]bool {
	stems := map[string]bool{}
	add := func(t catalog.Text) {
		for _, s := range t.All() {
			for _, tok := range catalog.Tokens(s) {
				stems[catalog.Stem(tok)] = true
			}
		}
	}
	// Every Text of a forum, so that a field added to Forum later counts too.
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			if v.Type() == textType {
				add(v.Interface().(catalog.Text))
				return
			}
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(f))
	return stems
}
