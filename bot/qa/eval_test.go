package qa

import (
	"fmt"
	"html"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/forumbot/forumbot/bot/catalog"
)

// evalQuestion is one question of testdata/questions.yaml.
type evalQuestion struct {
	Lang     string   `yaml:"lang"`
	Q        string   `yaml:"q"`
	Forum    string   `yaml:"forum"`
	Fact     Fact     `yaml:"fact"`
	Contains []string `yaml:"contains"`
	Unknown  bool     `yaml:"unknown"`
	Kind     string   `yaml:"kind"`
	Now      string   `yaml:"now"`
	// Lacks are pieces of text the reply must not hold: the facts of a
	// neighbouring question (another nomination's winner) that a reply
	// listing everything would give.
	Lacks []string `yaml:"lacks"`
	// Chat is the language the chat is set to, when the question is asked
	// in another one (lang): the reply must be in the question's language.
	Chat string `yaml:"chat"`
}

type evalSet struct {
	Now       string         `yaml:"now"`
	Questions []evalQuestion `yaml:"questions"`
}

// The thresholds the issue sets.
const (
	minAccuracy    = 0.90
	maxFalseAnswer = 0.05
)

var expectedKinds = map[string]Kind{
	"not_question":   NotQuestion,
	"not_understood": NotUnderstood,
	"ambiguous":      Ambiguous,
}

func loadEvalSet(t testing.TB) evalSet { return loadEvalFile(t, "testdata/questions.yaml") }

// loadEvalFile reads a question set in the format of questions.yaml.
func loadEvalFile(t testing.TB, path string) evalSet {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s evalSet
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

var almaty = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Almaty")
	if err != nil {
		panic(err)
	}
	return loc
}()

// day reads "2026-11-21" as noon of that day in Almaty.
func day(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02", s, almaty)
	if err != nil {
		t.Fatalf("bad day %q: %v", s, err)
	}
	return d.Add(12 * time.Hour)
}

// plain is a reply's text as the user reads it.
func plain(s string) string { return html.UnescapeString(s) }

// judge says whether r is the right reply to q, and why not.
func judge(q evalQuestion, r Result) (ok bool, why string) {
	text := plain(r.Text)
	for _, c := range q.Contains {
		if !strings.Contains(text, c) {
			return false, fmt.Sprintf("lacks %q", c)
		}
	}
	for _, c := range q.Lacks {
		if strings.Contains(text, c) {
			return false, fmt.Sprintf("holds %q", c)
		}
	}
	switch {
	case q.Kind != "":
		if want := expectedKinds[q.Kind]; r.Kind != want {
			return false, fmt.Sprintf("kind %s, want %s", r.Kind, want)
		}
		return true, ""
	case q.Unknown:
		if r.Kind != Unknown {
			return false, fmt.Sprintf("kind %s, want %s", r.Kind, Unknown)
		}
		return true, ""
	}
	if r.Kind != Answered && r.Kind != Several {
		return false, fmt.Sprintf("kind %s, want an answer", r.Kind)
	}
	if q.Fact != FactNone && r.Fact != q.Fact {
		return false, fmt.Sprintf("fact %q, want %q", r.Fact, q.Fact)
	}
	if q.Forum != "" && (len(r.Forums) == 0 || r.Forums[0].ID != q.Forum) {
		var ids []string
		for _, f := range r.Forums {
			ids = append(ids, f.ID)
		}
		return false, fmt.Sprintf("forums %v, want %s first", ids, q.Forum)
	}
	return true, ""
}

// answers reports whether r gives a fact (rather than saying the catalog
// does not hold it, asking which forum, or not answering).
func answers(r Result) bool { return r.Kind == Answered || r.Kind == Several }

// TestQuestionSet runs the question set on the built-in catalog and reports
// the accuracy (the right fact first) and the false-answer rate (an answer
// where the catalog does not hold the fact).
func TestQuestionSet(t *testing.T) { runEvalSet(t, loadEvalSet(t)) }

// TestHeldOutSet runs testdata/heldout.yaml and heldout2.yaml, sets written
// in the way users write (misspelt, transliterated, with filler words), a
// third of each or more questions the catalog cannot answer, with the same
// bars. Once the engine was changed with their results in view, neither is
// unseen any more.
func TestHeldOutSet(t *testing.T) {
	for _, s := range []struct {
		path    string
		perLang int // the least number of questions in each language
	}{
		{"testdata/heldout.yaml", 30},
		// A smaller second batch, written once the engine had been changed
		// for the first.
		{"testdata/heldout2.yaml", 15},
		{"testdata/heldout3.yaml", 15},
		// Written before the changes for the misses of unseen questions
		// (abbreviations, "обл", a nomination's winner, the question's
		// language); its first run is in its header.
		{"testdata/heldout4.yaml", 30},
	} {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(s.path, "testdata/"), ".yaml"), func(t *testing.T) {
			runHeldOut(t, loadEvalFile(t, s.path), s.perLang)
		})
	}
}

func runHeldOut(t *testing.T, set evalSet, minPerLang int) {
	perLang := map[string]int{}
	unknown := 0
	for _, q := range set.Questions {
		perLang[q.Lang]++
		if q.Unknown {
			unknown++
		}
	}
	for _, lang := range catalog.Langs {
		if perLang[lang] < minPerLang {
			t.Errorf("%s: %d questions, want at least %d", lang, perLang[lang], minPerLang)
		}
	}
	if 3*unknown < len(set.Questions) {
		t.Errorf("%d of %d questions the catalog cannot answer, want at least a third", unknown, len(set.Questions))
	}
	runEvalSet(t, set)
}

// TestUnseenSet runs testdata/heldout5.yaml, written after every change
// for heldout4.yaml and not tuned on: it holds the false-answer bar, and
// the accuracy of its first run (85.9 %, below the 90 % of the tuned sets)
// so that a change that loses ground on unseen questions shows.
func TestUnseenSet(t *testing.T) {
	t.Parallel()
	set := loadEvalFile(t, "testdata/heldout5.yaml")
	runEvalSetBars(t, set, 0.85)
}

// runEvalSet answers every question of set on the built-in catalog, logs
// the wrong replies, the accuracy and the false-answer rate, and fails when
// either misses its bar.
func runEvalSet(t *testing.T, set evalSet) {
	t.Helper()
	runEvalSetBars(t, set, minAccuracy)
}

// runEvalSetBars is runEvalSet with another accuracy bar.
func runEvalSetBars(t *testing.T, set evalSet, minAcc float64) {
	t.Helper()
	c := catalog.Builtin()
	e := New(c, catalog.NewIndex(c))
	defaultNow := day(t, set.Now)
	right, unknowns, falseAnswers := 0, 0, 0
	// wrongAnswers are replies that give a fact (answered, several) and are
	// wrong: a false answer to a question the catalog cannot answer, or the
	// wrong fact, forum or language for one it can.
	wrongAnswers := 0
	byLang := map[string][2]int{}
	for _, q := range set.Questions {
		now := defaultNow
		if q.Now != "" {
			now = day(t, q.Now)
		}
		chat := q.Lang
		if q.Chat != "" {
			chat = q.Chat
		}
		r := e.Answer(q.Q, chat, now)
		ok, why := judge(q, r)
		n := byLang[q.Lang]
		n[1]++
		if ok {
			right++
			n[0]++
		} else {
			if answers(r) {
				wrongAnswers++
			}
			t.Logf("WRONG [%s] %q: %s\n\treply (%s): %s", q.Lang, q.Q, why, r.Kind, strings.ReplaceAll(plain(r.Text), "\n", "\n\t"))
		}
		byLang[q.Lang] = n
		if q.Unknown {
			unknowns++
			if answers(r) {
				falseAnswers++
			}
		}
	}
	accuracy := float64(right) / float64(len(set.Questions))
	falseRate := float64(falseAnswers) / float64(unknowns)
	t.Logf("accuracy: %d/%d = %.1f%% (kk %d/%d, ru %d/%d, en %d/%d)", right, len(set.Questions), 100*accuracy,
		byLang["kk"][0], byLang["kk"][1], byLang["ru"][0], byLang["ru"][1], byLang["en"][0], byLang["en"][1])
	t.Logf("false answers: %d of %d questions the catalog cannot answer = %.1f%%", falseAnswers, unknowns, 100*falseRate)
	t.Logf("wrong replies that give a fact: %d of %d questions = %.1f%%", wrongAnswers, len(set.Questions), 100*float64(wrongAnswers)/float64(len(set.Questions)))
	if accuracy < minAcc {
		t.Errorf("accuracy %.1f%% is below %.0f%%", 100*accuracy, 100*minAcc)
	}
	if falseRate > maxFalseAnswer {
		t.Errorf("false-answer rate %.1f%% is above %.0f%%", 100*falseRate, 100*maxFalseAnswer)
	}
}

// TestQuestionSetCoverage checks that the set is as the issue asks: at least
// 150 questions, 50 per language, every kind of question in every language,
// questions the catalog cannot answer, and every built-in forum.
func TestQuestionSetCoverage(t *testing.T) {
	set := loadEvalSet(t)
	if n := len(set.Questions); n < 150 {
		t.Errorf("%d questions, want at least 150", n)
	}
	perLang := map[string]int{}
	facts := map[string]map[Fact]int{}
	unknown := map[string]int{}
	forums := map[string]bool{}
	for i, q := range set.Questions {
		perLang[q.Lang]++
		if facts[q.Lang] == nil {
			facts[q.Lang] = map[Fact]int{}
		}
		facts[q.Lang][q.Fact]++
		if q.Unknown {
			unknown[q.Lang]++
		}
		if q.Forum != "" {
			if _, ok := catalog.Builtin().ByID(q.Forum); !ok {
				t.Errorf("question %d: no forum %q in the built-in catalog", i, q.Forum)
			}
			forums[q.Forum] = true
		}
		expects := 0
		for _, b := range []bool{q.Forum != "" || q.Fact != "", q.Unknown, q.Kind != ""} {
			if b {
				expects++
			}
		}
		if expects != 1 {
			t.Errorf("question %d %q: give exactly one of forum/fact, unknown, kind", i, q.Q)
		}
		if q.Kind != "" {
			if _, ok := expectedKinds[q.Kind]; !ok {
				t.Errorf("question %d: unknown kind %q", i, q.Kind)
			}
		}
		if q.Forum != "" && len(q.Contains) == 0 {
			t.Errorf("question %d %q: an answer needs the text it must contain", i, q.Q)
		}
	}
	for _, lang := range catalog.Langs {
		if perLang[lang] < 50 {
			t.Errorf("%s: %d questions, want at least 50", lang, perLang[lang])
		}
		for _, f := range []Fact{FactWhen, FactWhere, FactWho, FactAward, FactFigure, FactAbout, FactOutcome, FactNext, FactLast, FactCount} {
			if facts[lang][f] == 0 {
				t.Errorf("%s: no question about %q", lang, f)
			}
		}
		if unknown[lang] < 5 {
			t.Errorf("%s: %d questions the catalog cannot answer, want at least 5", lang, unknown[lang])
		}
	}
	for _, f := range catalog.Builtin().Forums {
		if !forums[f.ID] {
			t.Errorf("no question about %s", f.ID)
		}
	}
	if !slices.ContainsFunc(set.Questions, func(q evalQuestion) bool { return q.Now != "" }) {
		t.Error("no question about an upcoming forum")
	}
}
