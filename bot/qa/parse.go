package qa

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/forumbot/forumbot/bot/catalog"
)

// token is one word of a question, folded and stemmed like the catalog.
type token struct {
	fold  string
	stem  string
	raw   string // the written word it comes from
	word  int    // its index among the written words
	upper bool   // the written word starts with a capital letter
	quote int    // the quoted stretch («...», "...", “...”) it is in, from 1; 0 outside quotes
	roman bool   // the written word is a Roman numeral
	use   use    // what the parser took it for
	sig   signal // the cue's signals, for a cue word
	label bool   // a word of a figure's label
	alien bool   // a surname the catalog's person's name is not ("Ахметова" beside "Ахмет")
}

// use is what a token was taken for.
type use uint8

const (
	useNone   use = iota
	useNumber     // a year or an ordinal
	useCue        // a word of cueWords
	usePlace      // a city or a region
	useName       // a name from the catalog
	useFigure     // a word that asks for a kind of figure
)

// question is what the parser made of a message.
type question struct {
	toks    []token
	sig     signal
	mark    bool // a question mark
	years   []int
	ordinal int
	kinds   []string // figure kinds asked for
	// counted is the kind of figure a how-many question counts, when one
	// word says it; "" otherwise.
	counted string
	// fragment: a message of a few words with no question word that names
	// a fact and what it is about, a forum, place or name: it asks.
	fragment bool
	// matches are the stems of the names' vocabulary each token matches,
	// once looked up.
	matches [][]vmatch
}

// patWord is one word of a pattern: a word with its stem, or a root that
// folded words start with.
type patWord struct {
	s    string // the root, or the stem
	fold string // the folded word
	root bool
}

// match reports whether t is the pattern's word: the same word, or, unless
// strict, another form of it with the same stem and no shorter ("кімдер"
// for "кім", but not "қай" for "қайда", which stems to it).
func (p patWord) match(t *token, strict bool) bool {
	switch {
	case p.root:
		return strings.HasPrefix(t.fold, p.s)
	case strict:
		return t.fold == p.fold
	}
	return t.stem == p.s && len(t.fold) >= len(p.fold)
}

// compilePattern turns a pattern of the word tables into its words.
func compilePattern(pattern string) []patWord {
	var out []patWord
	for _, w := range strings.Fields(pattern) {
		root := strings.HasSuffix(w, "*")
		toks := catalog.Tokens(strings.TrimSuffix(w, "*"))
		for i, t := range toks {
			if root && i == len(toks)-1 {
				out = append(out, patWord{s: t, root: true})
			} else {
				out = append(out, patWord{s: catalog.Stem(t), fold: t})
			}
		}
	}
	return out
}

// matchAt reports whether the words of p match toks from i on, all of them
// still unused.
func matchAt(p []patWord, toks []token, i int, strict bool) bool {
	if i+len(p) > len(toks) {
		return false
	}
	for k, w := range p {
		if toks[i+k].use != useNone || !w.match(&toks[i+k], strict) {
			return false
		}
	}
	return true
}

type cuePattern struct {
	words []patWord
	sig   signal
}

type figurePattern struct {
	words []patWord
	kind  string
}

// tables are the word tables, compiled once.
type tables struct {
	cues []cuePattern // longest first
	// The cues by their first word: its fold, its stem, or the first rune
	// of its root; each list in the order of cues.
	cuesByFold map[string][]int
	cuesByStem map[string][]int
	cuesByRoot map[rune][]int
	figures    []figurePattern
	generic    [][]patWord // genericNameWords, one word each
	placeGen   [][]patWord
	ordinals   map[string]int // stem of an ordinal word -> its value
	modRoles   [][]patWord    // moderatorRoles
	deputy     [][]patWord    // deputyWords
	tens       map[string]int
	suffixes   map[string]bool
	askFirst   map[string]bool // askFirstWords, folded
	// nominativeWho and passive: nominativeWhoWords and passiveWords,
	// folded.
	nominativeWho, passive map[string]bool
}

var compiled = sync.OnceValue(func() *tables {
	tb := &tables{ordinals: map[string]int{}, tens: map[string]int{}, suffixes: map[string]bool{}, askFirst: map[string]bool{}}
	for _, w := range askFirstWords {
		tb.askFirst[catalog.Fold(w)] = true
	}
	tb.nominativeWho, tb.passive = map[string]bool{}, map[string]bool{}
	for _, w := range nominativeWhoWords {
		tb.nominativeWho[catalog.Fold(w)] = true
	}
	for _, w := range passiveWords {
		tb.passive[catalog.Fold(w)] = true
	}
	for _, c := range cueWords {
		tb.cues = append(tb.cues, cuePattern{compilePattern(c.pattern), c.sig})
	}
	slices.SortStableFunc(tb.cues, func(a, b cuePattern) int { return len(b.words) - len(a.words) })
	tb.cuesByFold, tb.cuesByStem, tb.cuesByRoot = map[string][]int{}, map[string][]int{}, map[rune][]int{}
	for i, c := range tb.cues {
		if w := c.words[0]; w.root {
			r, _ := firstRune(w.s)
			tb.cuesByRoot[r] = append(tb.cuesByRoot[r], i)
		} else {
			tb.cuesByFold[w.fold] = append(tb.cuesByFold[w.fold], i)
			tb.cuesByStem[w.s] = append(tb.cuesByStem[w.s], i)
		}
	}
	for _, f := range figureKinds {
		tb.figures = append(tb.figures, figurePattern{compilePattern(f.pattern), f.kind})
	}
	slices.SortStableFunc(tb.figures, func(a, b figurePattern) int { return len(b.words) - len(a.words) })
	for _, g := range genericNameWords {
		for _, w := range compilePattern(g) {
			tb.generic = append(tb.generic, []patWord{w})
		}
	}
	for _, d := range deputyWords {
		tb.deputy = append(tb.deputy, compilePattern(d))
	}
	for _, m := range moderatorRoles {
		tb.modRoles = append(tb.modRoles, compilePattern(m))
	}
	for _, g := range placeGenericWords {
		tb.placeGen = append(tb.placeGen, compilePattern(g))
	}
	for n, forms := range ordinalWords {
		for _, w := range forms {
			for _, t := range catalog.Tokens(w) {
				tb.ordinals[catalog.Stem(t)] = n
			}
		}
	}
	for w, n := range kazakhTens {
		tb.tens[catalog.Fold(w)] = n
	}
	for _, s := range ordinalSuffixes {
		for _, t := range catalog.Tokens(s) {
			tb.suffixes[t] = true
		}
	}
	return tb
})

// isGeneric reports whether the folded word with its stem is one of words.
func isGeneric(words [][]patWord, fold, stem string) bool {
	t := token{fold: fold, stem: stem}
	for _, p := range words {
		if p[0].match(&t, false) {
			return true
		}
	}
	return false
}

// tokenize splits text into written words (letters and digits; any other
// rune, the hyphen too, separates them) and folds each.
func tokenize(text string) []token {
	var toks []token
	word := 0
	start := -1
	quote, quotes := 0, 0
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := text[start:end]
		start = -1
		first, _ := firstRune(w)
		hasDigit := strings.ContainsAny(w, "0123456789")
		for _, f := range catalog.Tokens(w) {
			t := token{fold: f, stem: catalog.Stem(f), raw: w, word: word, upper: unicode.IsUpper(first), quote: quote}
			t.roman = !hasDigit && isDigits(f)
			toks = append(toks, t)
		}
		word++
	}
	isWordRune := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) }
	prev := ' '
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			prev = r
			continue
		}
		flush(i)
		// A single quote opens before a word and closes after one; within
		// a word ("region's") it is an apostrophe.
		// The rune's width in text, not utf8.RuneLen(r): an invalid byte
		// reads as U+FFFD, three bytes long, but takes one.
		_, width := utf8.DecodeRuneInString(text[i:])
		next, _ := utf8.DecodeRuneInString(text[i+width:])
		single := strings.ContainsRune(`'‘’`, r)
		switch {
		case quote == 0 && (strings.ContainsRune(`«„“"`, r) || single && !isWordRune(prev) && isWordRune(next)):
			quotes++
			quote = quotes
		case quote > 0 && (strings.ContainsRune(`»“”"`, r) || single && isWordRune(prev) && !isWordRune(next)):
			quote = 0
		}
		prev = r
	}
	flush(len(text))
	return toks
}

// abbreviations are the shortenings people write for words of the
// catalog's texts, which spell them out: "СМИ" is "средства массовой
// информации" there. (НПО, ҮЕҰ, NGO are written both ways and are words
// of the tables themselves.)
var abbreviations = map[string]string{
	"СМИ": "средства массовой информации",
	"БАҚ": "бұқаралық ақпарат құралдары",
	"ЭКЦ": "этнокультурные центры",
	"ЕКО": "этномәдени орталық",
	"ОО":  "общественное объединение",
	"ҚБ":  "қоғамдық бірлестік",
}

// foldedAbbreviations maps the folded abbreviations to the tokens they
// stand for.
var foldedAbbreviations = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	for k, v := range abbreviations {
		m[catalog.Fold(k)] = catalog.Tokens(v)
	}
	return m
})

// expandAbbreviations replaces each abbreviation among toks with the
// words it stands for, from the same written word.
func expandAbbreviations(toks []token) []token {
	abbr := foldedAbbreviations()
	n := 0
	for i := range toks {
		if _, ok := abbr[toks[i].fold]; ok {
			n++
		}
	}
	if n == 0 {
		return toks
	}
	out := make([]token, 0, len(toks)+2*n)
	for _, t := range toks {
		words, ok := abbr[t.fold]
		if !ok {
			out = append(out, t)
			continue
		}
		for _, w := range words {
			e := t
			e.fold, e.stem, e.roman = w, catalog.Stem(w), false
			out = append(out, e)
		}
	}
	return out
}

func firstRune(s string) (rune, bool) {
	for _, r := range s {
		return r, true
	}
	return 0, false
}

// parse reads the numbers, the cue words and the figure words of text; the
// engine adds places and names.
func parse(text string, now time.Time) *question {
	tb := compiled()
	q := &question{toks: expandAbbreviations(tokenize(text)), mark: strings.ContainsAny(text, "?？")}
	toks := q.toks
	// Numbers: years, and ordinals written as Roman numerals, "8-ші",
	// "8th", "8 форум" or in words.
	for i := range toks {
		t := &toks[i]
		next := func() *token {
			if i+1 < len(toks) {
				return &toks[i+1]
			}
			return nil
		}
		switch {
		case t.roman:
			n, _ := strconv.Atoi(t.fold)
			q.ordinal, t.use = n, useNumber
		case isDigits(t.fold):
			n, err := strconv.Atoi(t.fold)
			if err != nil {
				continue
			}
			nx := next()
			switch {
			case len(t.fold) == 4 && n >= 1991 && n <= 2100:
				q.years = append(q.years, n)
				t.use = useNumber
				if nx != nil && tb.suffixes[nx.fold] {
					nx.use = useNumber
				}
			case n > 0 && n < 100 && nx != nil && tb.suffixes[nx.fold]:
				q.ordinal, t.use, nx.use = n, useNumber, useNumber
			case n > 0 && n < 100 && nx != nil && strings.HasPrefix(nx.fold, "форум"):
				q.ordinal, t.use = n, useNumber
			}
		default:
			// An ordinal in words counts before "forum" only: "восьмой
			// форум", but not "в первые годы".
			n, ok := tb.ordinals[t.stem]
			if !ok || !forumWithin(toks, i+1, 3) {
				continue
			}
			t.use = useNumber
			if i > 0 && toks[i-1].use == useNone && n < 10 {
				if tens, ok := tb.tens[toks[i-1].fold]; ok {
					n += tens
					toks[i-1].use = useNumber
				}
			}
			q.ordinal = n
		}
	}
	// Cue words, longest phrase first at each position, the very words
	// before other forms of them.
	var cands []int
	for i := range toks {
		if toks[i].use != useNone {
			continue
		}
		r, _ := firstRune(toks[i].fold)
	cues:
		for _, strict := range []bool{true, false} {
			by := tb.cuesByFold[toks[i].fold]
			if !strict {
				by = tb.cuesByStem[toks[i].stem]
			}
			cands = append(append(cands[:0], by...), tb.cuesByRoot[r]...)
			slices.Sort(cands) // longest first, as in tb.cues
			for _, ci := range cands {
				c := &tb.cues[ci]
				if matchAt(c.words, toks, i, strict) {
					for k := range c.words {
						toks[i+k].use = useCue
						toks[i+k].sig = c.sig
					}
					q.sig |= c.sig
					break cues
				}
			}
		}
	}
	switch {
	case q.sig&sThisYear != 0:
		q.years = append(q.years, now.Year())
	case q.sig&sLastYear != 0:
		q.years = append(q.years, now.Year()-1)
	case q.sig&sNextYear != 0:
		q.years = append(q.years, now.Year()+1)
	}
	return q
}

// findFigureKinds takes the words that ask for a kind of figure ("ҮЕҰ",
// "НПО", "projects") among the tokens nothing else took.
func (q *question) findFigureKinds() {
	tb := compiled()
	kindAt := map[int]string{}
	for i := range q.toks {
		for _, f := range tb.figures {
			if matchAt(f.words, q.toks, i, false) {
				for k := range f.words {
					q.toks[i+k].use = useFigure
					kindAt[i+k] = f.kind
				}
				if !slices.Contains(q.kinds, f.kind) {
					q.kinds = append(q.kinds, f.kind)
				}
				break
			}
		}
	}
	// The kind counted: the one figure word right after "how many", the
	// next word not one ("сколько денег на НПО" counts money; "how many
	// NGO projects" has no one word for it).
	for i := range q.toks {
		if q.toks[i].sig&sHowMany == 0 || q.toks[i].sig&sAsk == 0 {
			continue
		}
		k := i + 1
		for k < len(q.toks) && q.toks[k].sig&sHowMany != 0 {
			k++
		}
		if kind, ok := kindAt[k]; ok {
			end := k + 1
			for end < len(q.toks) && q.toks[end].word == q.toks[k].word {
				end++
			}
			if _, more := kindAt[end]; !more {
				q.counted = kind
			}
		}
		break
	}
}

// isQuestion reports whether the message asks something rather than names
// something to search for.
func (q *question) isQuestion() bool {
	return q.mark || q.sig&sAsk != 0 || len(q.toks) > 1 && compiled().askFirst[q.toks[0].fold] || q.fragment
}

// factWord reports whether a cue says which fact is wanted on its own, as
// a noun does in a message of a few words ("тема форума в таразе",
// "zhetysu forum speakers", "native land nomination winner"): what was
// said, spoken, adopted, a venue or a date, a winner; not a bare "награды"
// ("awards 2023" is a search).
func factWord(s signal) bool {
	return s&(sSpoke|sAbout|sOutcome|sPlace|sDate) != 0 || s&sWin != 0 && s&sAward != 0
}

// asksWhoActs reports whether the question asks who did something, with a
// nominative "who" and no passive ("who presented", not "who was
// presented" nor "кому вручили").
func (q *question) asksWhoActs() bool {
	tb := compiled()
	who := false
	for i := range q.toks {
		switch f := q.toks[i].fold; {
		case tb.passive[f]:
			return false
		case tb.nominativeWho[f]:
			who = true
		}
	}
	return who
}

// nominativeWhoWords ask who did something; passiveWords make the verb's
// subject the one it was done to.
var (
	nominativeWhoWords = []string{"кім", "кто", "who"}
	passiveWords       = []string{"was", "were", "been", "был", "была", "были"}
)

// askFirstWords open an English question that asks yes or no ("is entry
// free", "was there a forum"); elsewhere in a message they say nothing.
var askFirstWords = []string{"is", "are", "was", "were", "can", "could", "will", "do", "has", "have"}

// countsForums reports whether the question counts forums: "қанша форум",
// "сколько всего форумов", "how many NGO forums", "сколько раз".
func (q *question) countsForums() bool {
	if q.sig&sTimes != 0 {
		return true
	}
	for i := range q.toks {
		if q.toks[i].sig&sHowMany == 0 {
			continue
		}
		// The first word after the cue that is not a filler.
		for k := i + 1; k < len(q.toks); k++ {
			t := &q.toks[k]
			if t.sig&sHowMany != 0 && t.sig&sAsk != 0 || t.sig == sFiller {
				continue
			}
			if t.sig&sForum != 0 {
				return true
			}
			break
		}
	}
	return false
}

// hasStem reports whether a word of the question has the stem.
func (q *question) hasStem(stem string) bool {
	for i := range q.toks {
		if q.toks[i].stem == stem {
			return true
		}
	}
	return false
}

// freeStem reports whether a word of the question that nothing took has
// the stem.
func (q *question) freeStem(stem string) bool {
	for i := range q.toks {
		if q.toks[i].use == useNone && q.toks[i].stem == stem {
			return true
		}
	}
	return false
}

// forumWithin reports whether one of the n words from toks[i] on is a form
// of "forum".
func forumWithin(toks []token, i, n int) bool {
	for k := i; k < len(toks) && k < i+n; k++ {
		if strings.HasPrefix(toks[k].fold, "форум") {
			return true
		}
	}
	return false
}

// roleWord reports whether a word of the question that nothing else took
// has the stem of a speaker's role word, or starts with it ("акимата" and
// "аким").
func (q *question) roleWord(roleStem string) bool {
	if utf8.RuneCountInString(roleStem) < prefixMinRunes {
		return false
	}
	for i := range q.toks {
		if t := &q.toks[i]; t.use == useNone && strings.HasPrefix(t.stem, roleStem) {
			return true
		}
	}
	return false
}
