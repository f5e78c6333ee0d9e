package qa

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/forumbot/forumbot/bot/catalog"
)

// analysis is what a question asks and which forums it is about.
type analysis struct {
	q         *question
	places    []placeMatch
	entities  []entityMatch
	labelHits map[ref]int // label words from the question's other words
	kindHits  map[ref]int // label words from its words for a kind of figure
	cueHits   map[ref]int // label words from its cue words ("место", "премиям")
	// unknownFigure: a how-many question counts something no figure is
	// about ("сколько грантов").
	unknownFigure bool
	fact          Fact
	next          bool
	last          bool
	unknowns      []string // written words that look like names the catalog lacks
	// cands are the indices of the forums the question is about, in catalog
	// order; hard says a place, year or ordinal chose them.
	cands []int
	hard  bool
}

// understand reads a question: its numbers and cue words, the places and
// names it gives, the figures it may ask for; then which forums it is about
// and what it asks.
func (e *Engine) understand(text string, now time.Time) *analysis {
	q := parse(text, now)
	if q.sig&sPresenter != 0 && q.asksWhoActs() {
		// "Кто вручал награды?": who handed them out, which the catalog
		// does not hold; its winners would answer another question.
		q.sig |= sNoData
	}
	a := &analysis{q: q}
	a.places = e.names.findPlaces(q)
	q.findFigureKinds()
	a.entities = e.names.findEntities(q)
	a.labelHits = e.names.figureLabelHits(q, func(t *token) bool { return t.use == useNone || t.use == useName })
	a.kindHits = e.names.figureLabelHits(q, func(t *token) bool { return t.use == useFigure })
	a.cueHits = e.names.figureLabelHits(q, func(t *token) bool {
		return t.use == useCue && t.sig != sFiller && t.sig&sForum == 0
	})
	for i := range q.toks {
		if t := &q.toks[i]; t.label && t.use == useNone {
			t.use = useFigure // the words a figure's label has are taken
		}
	}
	a.unknownFigure = a.countsUnknown() || a.countsAttendance(e)
	a.unknowns = e.unknownNames(q)
	if len(a.unknowns) == 0 {
		a.unknowns = e.unknownAward(q)
	}
	if !q.isQuestion() && (len(a.places) > 0 || len(a.entities) > 0 || q.ordinal > 0 || q.sig&sForum != 0) {
		for i := range q.toks {
			if q.toks[i].use == useCue && factWord(q.toks[i].sig) {
				q.fragment = true
				break
			}
		}
	}
	a.dropWeakNames()
	a.cands = e.candidates(a)
	a.fact = a.decide()
	return a
}

// decide picks what the question asks for from the cue words it has.
func (a *analysis) decide() Fact {
	s := a.q.sig
	howMany := s&sHowMany != 0
	figure := len(a.q.kinds) > 0 || len(a.labelHits) > 0 || s&sFigure != 0
	awardNamed, speakerNamed := a.namedKinds()
	var f Fact
	switch {
	case howMany && a.q.countsForums() && !figure && s&sAward == 0:
		f = FactCount
	case howMany && figure:
		f = FactFigure
	case s&sWin != 0:
		f = FactAward
	case howMany && s&sAward != 0:
		f = FactAward
	case s&sWhen != 0:
		f = FactWhen
	case s&sWhere != 0:
		f = FactWhere
	case howMany:
		f = FactFigure
	case s&sOrganizer != 0:
		f = FactWho
	case s&sSpoke != 0:
		f = FactWho
	case s&sWho != 0 && (s&sAward != 0 || awardNamed && !speakerNamed):
		f = FactAward
	case s&sAbout != 0:
		f = FactAbout
	case s&sOutcome != 0:
		f = FactOutcome
	case s&sWho != 0:
		f = FactWho
	case awardNamed && !speakerNamed && a.q.isQuestion() && !a.strongLabel():
		// "Жас буын что за проект?": a winner or a project of an award is
		// named; its award is the answer, not a figure about projects.
		f = FactAward
	case a.strongLabel() && a.q.isQuestion():
		f = FactFigure // "Какое место заняла область по премиям?"
	case s&sAward != 0:
		f = FactAward
	case figure && a.q.isQuestion():
		f = FactFigure
	case s&sDate != 0:
		f = FactWhen
	case s&sPlace != 0:
		f = FactWhere
	}
	if f == FactNone && speakerNamed && a.q.isQuestion() {
		f = FactAbout // "Арман Қырықбаев?": what the speaker said
	}
	a.next = s&sNext != 0
	a.last = s&sLast != 0 && !a.next
	if f == FactNone || f == FactWhen || f == FactWhere {
		switch {
		case a.next:
			f = FactNext
		case a.last:
			f = FactLast
		}
	}
	return f
}

// dropWeakNames drops the names found by one word only, less than half of
// the name, when that word is also a word of a figure's label and some
// figure's label has two words of the question or more: "how much state
// social contracting" asks for a figure, and "social" alone does not name
// the "Fair of Social Ideas" contest.
func (a *analysis) dropWeakNames() {
	best := 0
	for _, n := range a.labelHits {
		best = max(best, n)
	}
	if best < 2 {
		return
	}
	a.entities = slices.DeleteFunc(a.entities, func(m entityMatch) bool {
		if len(m.toks) != 1 || m.score >= 0.5 {
			return false
		}
		t := &a.q.toks[m.toks[0]]
		if !t.label {
			return false
		}
		if t.use == useName {
			t.use = useFigure
		}
		return true
	})
}

// strongLabel reports whether the question, its cue words included, has
// two words of some figure's label, one of them a cue word.
func (a *analysis) strongLabel() bool {
	for r, n := range a.cueHits {
		if n+a.labelHits[r] >= 2 {
			return true
		}
	}
	return false
}

// countsUnknown reports whether a how-many question counts something the
// catalog has no figure for: neither of the two words after "сколько",
// "қанша" or "how many" (fillers, places and numbers aside, up to the next
// cue word) is a kind of figure or a word of a figure's label. "Сколько
// грантов получили НПО?" counts grants, not NGOs.
func (a *analysis) countsUnknown() bool {
	toks := a.q.toks
	for i := range toks {
		if toks[i].sig&sHowMany == 0 {
			continue
		}
		seen := 0
		for k := i + 1; k < len(toks) && seen < 2; k++ {
			t := &toks[k]
			switch {
			case t.use == useFigure || t.label:
				return false
			case t.sig&sHowMany != 0 || t.sig == sFiller || t.sig&sForum != 0 ||
				t.use == usePlace || t.use == useNumber:
				continue
			case t.use == useCue:
				return seen > 0
			}
			seen++
		}
		return seen > 0
	}
	return false
}

// countsAttendance reports whether a how-many question asks how many came
// to or took part in a forum ("сколько людей пришло", "қанша адам
// қатысты") while no figure's label has the word of attending: a figure
// that shares another word ("people" of "people in the project") is not
// the answer.
func (a *analysis) countsAttendance(e *Engine) bool {
	if a.q.sig&sHowMany == 0 || a.q.sig&sAttend == 0 {
		return false
	}
	hits := e.names.figureLabelHits(a.q, func(t *token) bool { return t.sig&sAttend != 0 })
	return len(hits) == 0
}

// namedKinds reports whether the question names a part of an award (a
// contest, a nomination, a winner...) and whether it names a speaker.
func (a *analysis) namedKinds() (award, speaker bool) {
	for _, m := range a.entities {
		switch k := m.kind; {
		case k.awardLevel():
			award = true
		case k == kindSpeaker:
			speaker = true
		}
	}
	return award, speaker
}

// unknownNames returns the names a question gives that the catalog does not
// hold: a quoted name the engine did not recognise in full («Молодой лидер»,
// «Жас көшбасшы» beside «Жас буын»), or a
// word written with a capital letter, not first, that no text of the
// catalog has ("Париже" in "Когда был форум в Париже?").
func (e *Engine) unknownNames(q *question) []string {
	var out []string
	// Quoted stretches: unknown unless a place or a name took a word of it.
	spans := map[int][]string{}
	known, left := map[int]bool{}, map[int]bool{}
	var order []int
	for _, t := range q.toks {
		if t.quote == 0 {
			continue
		}
		if _, ok := spans[t.quote]; !ok {
			order = append(order, t.quote)
		}
		if n := len(spans[t.quote]); n == 0 || spans[t.quote][n-1] != t.raw {
			spans[t.quote] = append(spans[t.quote], t.raw)
		}
		switch t.use {
		case usePlace, useName, useNumber:
			known[t.quote] = true
		case useNone:
			// A word of the quote that no name took: the quote names
			// something else («Жас көшбасшы» is not «Жас буын»).
			if !isGeneric(compiled().generic, t.fold, t.stem) {
				left[t.quote] = true
			}
		}
	}
	for _, k := range order {
		if !known[k] || left[k] {
			out = append(out, strings.Join(spans[k], " "))
		}
	}
	for _, t := range q.toks {
		if t.use != useNone || t.quote != 0 || !t.upper || t.word == 0 || isDigits(t.fold) || utf8.RuneCountInString(t.fold) < 3 {
			continue
		}
		if !e.knownStem(t.stem) {
			out = append(out, t.raw)
		}
	}
	return append(out, e.unknownLowerNames(q)...)
}

// unknownLowerNames returns the names written in lower case, as users
// mostly write, that the catalog does not hold: two or more words in a row
// that no text of the catalog and no word table knows, nor a typo of one
// ("марат бекетов"), or one such word shaped like a surname or a patronymic
// ("ерболов", "beketova", "нурланулы"). Left alone, the search would pick a
// forum for them by a faint likeness.
func (e *Engine) unknownLowerNames(q *question) []string {
	var out []string
	strange := func(t *token) bool { return e.strange(t) || t.alien && t.use == useNone }
	toks := q.toks
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		if !strange(t) || t.upper && t.word > 0 {
			continue // a capitalised word is judged by unknownNames
		}
		words := []string{t.raw}
		k := i + 1
		for ; k < len(toks) && strange(&toks[k]); k++ {
			if toks[k].word != toks[k-1].word {
				words = append(words, toks[k].raw)
			}
		}
		if len(words) > 1 || surnameShaped(t.fold) || t.alien {
			// The first name before a surname is part of the name, known
			// word or not ("марат бекетов").
			if len(words) == 1 && i > 0 && toks[i-1].use == useNone && toks[i-1].word == t.word-1 && !isDigits(toks[i-1].fold) {
				words = append([]string{toks[i-1].raw}, words...)
			}
			out = append(out, strings.Join(words, " "))
		}
		i = k - 1
	}
	return out
}

// surnameEndings are the folded endings of Kazakh and Russian surnames and
// patronymics, in Cyrillic and in Latin letters.
var surnameEndings = []string{
	"ов", "ев", "ова", "ева", "ина", "ын", "ин", "улы", "уулы", "кызы", "овна", "евна", "ович", "евич",
	"ov", "ev", "ova", "eva", "uly", "kyzy", "ovna", "evna", "ovich", "evich",
}

// surnameShaped reports whether a folded word of five runes or more ends
// like a surname or a patronymic.
func surnameShaped(fold string) bool {
	if utf8.RuneCountInString(fold) < 5 {
		return false
	}
	for _, s := range surnameEndings {
		if strings.HasSuffix(fold, catalog.Fold(s)) {
			return true
		}
	}
	return false
}

// strange reports whether a word nothing took is one the engine does not
// know: four runes or more, not a number, outside quotes.
func (e *Engine) strange(t *token) bool {
	return t.use == useNone && t.quote == 0 && !isDigits(t.fold) &&
		utf8.RuneCountInString(t.fold) >= 4 && !e.knownWord(t)
}

// knownWord reports whether a word is one the engine knows: a word of the
// catalog's texts or of the word tables, another form of one, or a typo of
// one.
func (e *Engine) knownWord(t *token) bool {
	if e.knownStem(t.stem) {
		return true
	}
	tb := compiled()
	for _, c := range tb.cues {
		for _, w := range c.words {
			if w.match(t, false) || !w.root && utf8.RuneCountInString(w.fold) >= prefixMinRunes && oneEdit(w.fold, t.fold) {
				return true
			}
		}
	}
	for _, f := range tb.figures {
		for _, w := range f.words {
			if w.match(t, false) {
				return true
			}
		}
	}
	if isGeneric(tb.generic, t.fold, t.stem) {
		return true
	}
	if _, ok := tb.ordinals[t.stem]; ok {
		return true
	}
	// A typo of a catalog word, unless the word is shaped like a surname:
	// a surname of the catalog is the names' to find, and "мамин" is not
	// "Мамания".
	if utf8.RuneCountInString(t.stem) >= prefixMinRunes && !surnameShaped(t.fold) {
		first, _ := firstRune(t.stem)
		for s := range e.stems {
			if r, _ := firstRune(s); r == first && utf8.RuneCountInString(s) >= prefixMinRunes && oneEdit(s, t.stem) {
				return true
			}
		}
	}
	return false
}

// knownStem reports whether some text of the catalog has a word with the
// stem, or one the stem extends ("облыстағы" and "облыс").
func (e *Engine) knownStem(stem string) bool {
	if e.stems[stem] {
		return true
	}
	r, k := 0, 0
	for k < len(stem) {
		_, size := utf8.DecodeRuneInString(stem[k:])
		k += size
		r++
		if r >= typoMinRunes && e.stems[stem[:k]] {
			return true
		}
	}
	return false
}

// candidates returns the forums the question is about: those in the places,
// years and with the ordinal it names, narrowed to the ones its names point
// to; with none of these, the ones the catalog's search finds for the words
// left.
func (e *Engine) candidates(a *analysis) []int {
	set := make([]int, 0, len(e.forums))
	for i, f := range e.forums {
		if e.inFilters(a, i, f) {
			set = append(set, i)
		}
	}
	a.hard = len(a.places) > 0 || len(a.q.years) > 0 || a.q.ordinal > 0
	if a.hard && len(set) == 0 {
		return nil
	}
	if len(a.entities) > 0 {
		// The forums the names point to, among those; names that point
		// elsewhere are not about this question's forums and are dropped
		// ("альянс" of a Kyzylorda award in a question about Zhetysu).
		var named []int
		kept := a.entities[:0]
		for _, m := range a.entities {
			in := false
			for _, r := range e.names.entities[m.entity].refs {
				if slices.Contains(set, r.forum) {
					in = true
					if !slices.Contains(named, r.forum) {
						named = append(named, r.forum)
					}
				}
			}
			if in {
				kept = append(kept, m)
			}
		}
		a.entities = kept
		if len(named) > 0 {
			slices.Sort(named)
			return named
		}
		return set
	}
	if a.hard {
		return set
	}
	var words []string
	for _, t := range a.q.toks {
		if t.use == useNone {
			words = append(words, t.fold)
		}
	}
	if len(words) == 0 {
		return set
	}
	// The search would choose the forums by words the engine does not know
	// ("когда был форум в семее"): by a faint likeness, not by what the
	// question names. The question is about something the catalog lacks.
	if len(a.unknowns) == 0 && a.q.sig&sNoData == 0 {
		for i := range a.q.toks {
			if t := &a.q.toks[i]; e.strange(t) {
				a.unknowns = append(a.unknowns, t.raw)
			}
		}
		if len(a.unknowns) > 0 {
			return nil
		}
	}
	hits := e.ix.Search(strings.Join(words, " "), 0)
	if len(hits) == 0 {
		return set
	}
	const asks = sWhen | sWhere | sWho | sOrganizer | sWin | sAward | sHowMany | sAbout | sOutcome | sNext | sLast | sDate | sPlace | sFigure | sSpoke
	if passingOnly(hits[0].Matched) && (a.q.sig&asks != 0 || len(a.q.kinds) > 0 || len(a.labelHits) > 0) {
		// The words are found only in passing, in a report's body
		// ("форум молодёжи": youth is named in an agenda; "Назарбаев"
		// proposed the forums): no forum is named by them, and answering
		// for the forums that mention them would answer another question.
		var raw []string
		for _, t := range a.q.toks {
			if t.use == useNone && (len(raw) == 0 || raw[len(raw)-1] != t.raw) {
				raw = append(raw, t.raw)
			}
		}
		a.unknowns = append(a.unknowns, strings.Join(raw, " "))
		return nil
	}
	// The hits that match as many words as the best one, about as well:
	// the fraction of Score grows with the weight of the fields matched.
	var found []int
	best := hits[0].Score
	for _, h := range hits {
		if int(h.Score) < int(best) || h.Score-float64(int(h.Score)) < searchMargin*(best-float64(int(best))) {
			break
		}
		for i, f := range e.forums {
			if f == h.Forum {
				found = append(found, i)
			}
		}
	}
	slices.Sort(found)
	return found
}

// passingOnly reports whether a search hit matched only in the body of a
// report (its summary, agenda, figures), where forums mention what they are
// not about, or in names the name index did not take, rather than in what
// names a forum (its city, title, theme, outcomes).
func passingOnly(matched []string) bool {
	for _, f := range matched {
		switch f {
		case catalog.FieldSummary, catalog.FieldAgenda, catalog.FieldFigure, catalog.FieldLink, catalog.FieldSource,
			// Names: the name index judged them already, and found none.
			catalog.FieldAward, catalog.FieldSpeaker, catalog.FieldOrganizer, catalog.FieldVenue:
		default:
			return false
		}
	}
	return len(matched) > 0
}

// searchMargin is how close to the best search hit, in the relevance part of
// its score, another hit must come to be a candidate too.
const searchMargin = 0.75

// inFilters reports whether forum i is in one of the places the question
// names, in one of its years, and has its ordinal.
func (e *Engine) inFilters(a *analysis, i int, f *catalog.Forum) bool {
	if len(a.places) > 0 && !slices.ContainsFunc(a.places, func(m placeMatch) bool { return e.inPlace(i, f, m.place) }) {
		return false
	}
	if len(a.q.years) > 0 && !slices.ContainsFunc(a.q.years, func(y int) bool { return inYear(f, y) }) {
		return false
	}
	if a.q.ordinal > 0 && f.Ordinal != a.q.ordinal {
		return false
	}
	return true
}

func (e *Engine) inPlace(i int, f *catalog.Forum, p int) bool {
	pl := &e.names.places[p]
	if slices.Contains(pl.regions, f.Region) {
		return true
	}
	for _, k := range e.names.cityKeys[i] {
		if slices.Contains(pl.cities, k) {
			return true
		}
	}
	return false
}

// inYear reports whether a forum took place, in whole or in part, in year
// y as far as the catalog knows.
func inYear(f *catalog.Forum, y int) bool {
	if f.Start.Known() && f.Start.Year == y {
		return true
	}
	return f.End != nil && f.End.Known() && f.Start.Known() && f.Start.Year <= y && y <= f.End.Year
}

// unknownAward returns the name of an award, a contest or a nomination a
// question gives that no name of the catalog took: the words beside the
// word "award", "номинация", "байқау" that nothing understood, one of them
// at least no word of the catalog's contests and nominations ("the youth
// award", "в конкурсе лучший волонтёр"). Asked about it, the catalog's
// other awards are not the answer.
func (e *Engine) unknownAward(q *question) []string {
	toks := q.toks
	isAward := func(t *token) bool { return t.use == useCue && t.sig&sAward != 0 && t.sig&sWin == 0 }
	free := func(t *token) bool {
		return (t.use == useNone || t.use == useFigure) && t.quote == 0 && !isDigits(t.fold) &&
			utf8.RuneCountInString(t.fold) >= 4
	}
	for i := range toks {
		if !isAward(&toks[i]) {
			continue
		}
		var words []string
		// The words right before it ("youth award", "жас көшбасшы
		// номинациясы"), or else right after it ("номинация лучший
		// волонтёр").
		k := i
		for k > 0 && free(&toks[k-1]) {
			k--
		}
		for ; k < i; k++ {
			words = append(words, toks[k].raw)
		}
		if len(words) == 0 {
			for k := i + 1; k < len(toks) && free(&toks[k]); k++ {
				words = append(words, toks[k].raw)
			}
		}
		if len(words) > 0 && slices.ContainsFunc(words, func(w string) bool { return !e.awardWord(w) }) {
			return []string{strings.Join(append(words, toks[i].raw), " ")}
		}
	}
	return nil
}

// awardWord reports whether a written word is, in some form or with a typo,
// a word of the names of the catalog's contests and nominations.
func (e *Engine) awardWord(w string) bool {
	for _, f := range catalog.Tokens(w) {
		st := catalog.Stem(f)
		if e.awardStems[st] {
			continue
		}
		found := false
		for s := range e.awardStems {
			short, long := s, st
			if len(short) > len(long) {
				short, long = long, short
			}
			if utf8.RuneCountInString(short) >= prefixMinRunes && strings.HasPrefix(long, short) ||
				utf8.RuneCountInString(short) >= typoMinRunes && oneEdit(s, st) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
