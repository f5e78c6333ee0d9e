package qa

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/forumbot/forumbot/bot/catalog"
)

// nameWord is one word of a name: its stem in the vocabulary, whether it
// only says what kind of thing the name is ("облысы", "байқауы"), and how
// much it tells the name apart from the others.
type nameWord struct {
	id      int32
	generic bool
	weight  float64
	df      int
}

// wordRef points at one word of one variant of a place or an entity.
type wordRef struct {
	item, variant, word int32
}

// place is a city or a region a question can name. A forum is in it when
// the forum's region is one of regions or its city is one of cities.
type place struct {
	name     catalog.Text // as answers show it
	regions  []string
	cities   []string // city keys, see cityKey
	variants [][]nameWord
}

// entityKind is what a catalog name names.
type entityKind uint8

const (
	kindContest entityKind = iota
	kindNomination
	kindWinner
	kindOrganization
	kindProject
	kindSpeaker
	kindOrganizer
	kindVenue
)

// awardLevel reports whether names of kind k are parts of an award.
func (k entityKind) awardLevel() bool { return k <= kindProject }

// entity is a name the catalog holds: a contest, a nomination, a winner, a
// speaker, an organization, a venue. The same name in several places of
// the catalog is one entity with several refs.
type entity struct {
	kind     entityKind
	name     catalog.Text
	person   bool
	variants [][]nameWord
	refs     []ref
}

// ref is where an entity occurs: a forum, and the award or speaker there
// (-1 for the forum as a whole).
type ref struct {
	forum, item int
}

// nameIndex recognises the places and the names of one catalog.
type nameIndex struct {
	voc        *vocab
	places     []place
	placeWords map[int32][]wordRef
	entities   []entity
	nameWords  map[int32][]wordRef
	labels     [][][]int32 // per forum, per figure: the stems of its label
	labelWords map[int32][]ref
	cityKeys   [][]string // per forum
	// forumDF is, per stem, how many forums' texts have a word with it.
	forumDF map[string]int
}

// cityKey is the folded, stemmed form of a city name, the same for "Тараз",
// "Taraz" and "Таразда".
func cityKey(s string) string {
	toks := catalog.Tokens(s)
	for i, t := range toks {
		toks[i] = catalog.Stem(t)
	}
	return strings.Join(toks, " ")
}

// buildNames indexes the names of forums; perForum are the stems of each
// forum's texts (forumStems).
func buildNames(forums []*catalog.Forum, perForum []map[string]bool) *nameIndex {
	tb := compiled()
	nx := &nameIndex{
		voc: newVocab(), placeWords: map[int32][]wordRef{}, nameWords: map[int32][]wordRef{},
		labelWords: map[int32][]ref{}, forumDF: map[string]int{},
	}
	for _, fs := range perForum {
		for s := range fs {
			nx.forumDF[s]++
		}
	}
	// words folds and stems the variants of t into name words.
	words := func(t catalog.Text, generic [][]patWord) [][]nameWord {
		var out [][]nameWord
		for _, s := range t.All() {
			var ws []nameWord
			for _, tok := range catalog.Tokens(s) {
				if utf8.RuneCountInString(tok) < 2 && !isDigits(tok) {
					continue // an initial, "А. Башбаев"
				}
				stem := catalog.Stem(tok)
				ws = append(ws, nameWord{id: nx.voc.add(stem), generic: isGeneric(generic, tok, stem)})
			}
			if len(ws) > 0 && !slices.ContainsFunc(out, func(o []nameWord) bool { return slices.Equal(o, ws) }) {
				out = append(out, ws)
			}
		}
		return out
	}

	// Places: every region by its name and its centre, and every city a
	// forum names.
	addPlace := func(p place) {
		for _, o := range nx.places {
			if o.name == p.name && slices.Equal(o.regions, p.regions) {
				return
			}
		}
		nx.places = append(nx.places, p)
	}
	centres := map[string]bool{}
	for _, r := range catalog.Regions {
		addPlace(place{name: r.Name, regions: []string{r.Code}, variants: words(r.Name, tb.placeGen)})
		keys := []string{}
		for _, s := range r.Center.All() {
			keys = append(keys, cityKey(s))
			centres[cityKey(s)] = true
		}
		addPlace(place{name: r.Center, regions: []string{r.Code}, cities: keys, variants: words(r.Center, tb.placeGen)})
	}
	nx.cityKeys = make([][]string, len(forums))
	for i, f := range forums {
		for _, t := range []catalog.Text{f.City, f.CityIn} {
			for _, s := range t.All() {
				nx.cityKeys[i] = append(nx.cityKeys[i], cityKey(s))
			}
		}
		if f.City.IsZero() || centres[cityKey(f.City.In("ru"))] {
			continue
		}
		var keys []string
		for _, s := range f.City.All() {
			keys = append(keys, cityKey(s))
		}
		variants := words(f.City, tb.placeGen)
		variants = append(variants, words(f.CityIn, tb.placeGen)...)
		addPlace(place{name: f.City, cities: keys, variants: variants})
	}
	for i, p := range nx.places {
		for v, ws := range p.variants {
			for w, nw := range ws {
				nx.placeWords[nw.id] = append(nx.placeWords[nw.id], wordRef{int32(i), int32(v), int32(w)})
			}
		}
	}

	// Entities: the names of awards, speakers, organizers and venues.
	byKey := map[string]int{}
	addEntity := func(kind entityKind, t catalog.Text, r ref, person bool) {
		if t.IsZero() {
			return
		}
		key := string(rune('a'+kind)) + cityKey(t.In("kk")) + "|" + cityKey(t.In("en"))
		if i, ok := byKey[key]; ok {
			nx.entities[i].refs = append(nx.entities[i].refs, r)
			return
		}
		vs := words(t, tb.generic)
		specific := false
		for _, v := range vs {
			for _, w := range v {
				specific = specific || !w.generic
			}
		}
		if !specific {
			return // "Гражданский центр": nothing but generic words
		}
		if person {
			// A name of one to three words, with no generic word, is a
			// person's; "Бес үздік ҮЕҰ (атаулары ...)" is not.
			for _, v := range vs {
				person = person && len(v) <= 3 && !slices.ContainsFunc(v, func(w nameWord) bool { return w.generic })
			}
		}
		byKey[key] = len(nx.entities)
		nx.entities = append(nx.entities, entity{kind: kind, name: t, person: person, variants: vs, refs: []ref{r}})
	}
	for fi, f := range forums {
		for ai, a := range f.Awards {
			r := ref{fi, ai}
			addEntity(kindContest, a.Contest, r, false)
			addEntity(kindNomination, a.Nomination, r, false)
			addEntity(kindWinner, a.Winner, r, true)
			addEntity(kindOrganization, a.Organization, r, false)
			addEntity(kindProject, a.Project, r, false)
		}
		for si, s := range f.Speakers {
			addEntity(kindSpeaker, s.Name, ref{fi, si}, true)
		}
		for oi, o := range f.Organizers {
			addEntity(kindOrganizer, o, ref{fi, oi}, false)
		}
		addEntity(kindVenue, f.Venue, ref{fi, -1}, false)
	}
	// A word found in many names tells them apart less.
	df := map[int32]int{}
	for _, e := range nx.entities {
		seen := map[int32]bool{}
		for _, v := range e.variants {
			for _, w := range v {
				if !seen[w.id] {
					seen[w.id] = true
					df[w.id]++
				}
			}
		}
	}
	for i := range nx.entities {
		e := &nx.entities[i]
		for v := range e.variants {
			for w := range e.variants[v] {
				nw := &e.variants[v][w]
				nw.df = df[nw.id]
				if !nw.generic {
					nw.weight = 1 / float64(nw.df)
				}
				nx.nameWords[nw.id] = append(nx.nameWords[nw.id], wordRef{int32(i), int32(v), int32(w)})
			}
		}
	}

	// Figure labels, for questions about a figure by its own words
	// ("delegates").
	nx.labels = make([][][]int32, len(forums))
	for fi, f := range forums {
		nx.labels[fi] = make([][]int32, len(f.Figures))
		for gi, g := range f.Figures {
			seen := map[int32]bool{}
			for _, v := range words(g.Label, tb.generic) {
				for _, w := range v {
					if w.generic || seen[w.id] || utf8.RuneCountInString(nx.voc.stems[w.id]) < 4 {
						continue
					}
					seen[w.id] = true
					nx.labels[fi][gi] = append(nx.labels[fi][gi], w.id)
					nx.labelWords[w.id] = append(nx.labelWords[w.id], ref{fi, gi})
				}
			}
		}
	}
	nx.voc.finish()
	return nx
}

// rareMinRunes is the least length of a stem that, found in no other name,
// names an entity on its own.
const rareMinRunes = 6

// placeMatch is a place a question names, with the tokens that name it.
type placeMatch struct {
	place int
	score int
	toks  []int
}

// entityMatch is a catalog name a question names.
type entityMatch struct {
	entity int
	kind   entityKind
	score  float64
	toks   []int
}

// tokenMatches returns, for each token that eligible accepts, the stems of
// the vocabulary it matches (looked up once per question).
func (nx *nameIndex) tokenMatches(q *question, eligible func(*token) bool) [][]vmatch {
	if q.matches == nil {
		q.matches = make([][]vmatch, len(q.toks))
		for i := range q.toks {
			q.matches[i] = nx.lookupToken(&q.toks[i])
		}
	}
	out := make([][]vmatch, len(q.toks))
	for i := range q.toks {
		if eligible(&q.toks[i]) {
			out[i] = q.matches[i]
		}
	}
	return out
}

// lookupToken returns the stems of the vocabulary a question's word
// matches.
func (nx *nameIndex) lookupToken(t *token) []vmatch {
	if utf8.RuneCountInString(t.fold) < 2 && !isDigits(t.fold) {
		return nil
	}
	out := nx.voc.lookup(t.stem, nil)
	// A misspelt word can lose too much to the stemmer ("Кызыларде" stems
	// to "кизи"): the word less one to three final runes may be a typo of
	// a known stem ("кизилар" of "кизилор").
	n := utf8.RuneCountInString(t.fold)
	trimmed := t.fold
	for k := 1; k <= 3 && n-k >= typoMinRunes; k++ {
		_, size := utf8.DecodeLastRuneInString(trimmed)
		trimmed = trimmed[:len(trimmed)-size]
		if trimmed == t.stem {
			break
		}
		for _, m := range nx.voc.lookup(trimmed, nil) {
			m.quality = matchTypo
			if !slices.ContainsFunc(out, func(o vmatch) bool { return o.id == m.id }) {
				out = append(out, m)
			}
		}
	}
	return out
}

// variantHits collects, for every variant some token touches, which of
// its words matched and by which token (with the match's quality).
type variantHit struct {
	tok     []int // per word: the token, or -1
	quality []int
}

func collectHits(matches [][]vmatch, postings map[int32][]wordRef, variants func(item, v int32) []nameWord) map[[2]int32]*variantHit {
	hits := map[[2]int32]*variantHit{}
	for ti, ms := range matches {
		for _, m := range ms {
			for _, wr := range postings[m.id] {
				k := [2]int32{wr.item, wr.variant}
				h := hits[k]
				if h == nil {
					n := len(variants(wr.item, wr.variant))
					h = &variantHit{tok: make([]int, n), quality: make([]int, n)}
					for i := range h.tok {
						h.tok[i] = -1
					}
					hits[k] = h
				}
				if m.quality > h.quality[wr.word] {
					h.tok[wr.word], h.quality[wr.word] = ti, m.quality
				}
			}
		}
	}
	return hits
}

// findPlaces returns the places the question names, the best reading of
// each stretch of words first: "Алматы облысында" is the region, not the
// city.
func (nx *nameIndex) findPlaces(q *question) []placeMatch {
	matches := nx.tokenMatches(q, func(t *token) bool { return t.use == useNone })
	hits := collectHits(matches, nx.placeWords, func(item, v int32) []nameWord { return nx.places[item].variants[v] })
	var cands []placeMatch
	for k, h := range hits {
		ws := nx.places[k[0]].variants[k[1]]
		score, ok := 0, true
		var toks []int
		for w := range ws {
			if h.tok[w] >= 0 {
				// A closer match counts more: "алматинской" is the
				// region's own word, and only starts like "Алматы".
				score += 14 + 2*h.quality[w]
				toks = append(toks, h.tok[w])
			}
		}
		for w, nw := range ws {
			switch {
			case h.tok[w] >= 0:
			case nw.generic:
				if t := abbreviatedBeside(q, nx.voc.stems[nw.id], toks); t >= 0 {
					score += 14 + 2*matchPrefix
					toks = append(toks, t)
				} else {
					score--
				}
			default:
				ok = false
			}
		}
		if ok && !slices.ContainsFunc(ws, func(w nameWord) bool { return !w.generic }) {
			ok = false
		}
		if ok {
			cands = append(cands, placeMatch{place: int(k[0]), score: score, toks: toks})
		}
	}
	slices.SortFunc(cands, func(a, b placeMatch) int {
		if a.score != b.score {
			return b.score - a.score
		}
		return a.place - b.place
	})
	var out []placeMatch
	taken := map[int]bool{}
	for _, c := range cands {
		if slices.ContainsFunc(c.toks, func(t int) bool { return taken[t] }) {
			continue
		}
		if slices.ContainsFunc(out, func(o placeMatch) bool { return o.place == c.place }) {
			continue
		}
		for _, t := range c.toks {
			taken[t] = true
			q.toks[t].use = usePlace
		}
		out = append(out, c)
	}
	return out
}

// abbreviatedBeside returns the token right before or after one of toks
// that nothing took and that shortens the stem of a generic word of a
// place name, three runes or more ("обл" of "облысы", "области"), or -1.
func abbreviatedBeside(q *question, stem string, toks []int) int {
	for _, t := range toks {
		for _, k := range []int{t - 1, t + 1} {
			if k < 0 || k >= len(q.toks) || slices.Contains(toks, k) {
				continue
			}
			tk := &q.toks[k]
			if tk.use == useNone && utf8.RuneCountInString(tk.fold) >= 3 && len(tk.fold) < len(stem) && strings.HasPrefix(stem, tk.fold) {
				return k
			}
		}
	}
	return -1
}

// findEntities returns the catalog names the question names, the best of
// each kind.
func (nx *nameIndex) findEntities(q *question) []entityMatch {
	matches := nx.tokenMatches(q, func(t *token) bool {
		return t.use == useNone || t.use == usePlace || t.use == useFigure
	})
	hits := collectHits(matches, nx.nameWords, func(item, v int32) []nameWord { return nx.entities[item].variants[v] })
	best := map[int]entityMatch{}
	for k, h := range hits {
		e := &nx.entities[k[0]]
		ws := e.variants[k[1]]
		total, got := 0.0, 0.0
		// own: a word that is not a place's; a place alone names no
		// entity ("Талдықорған" is not "Мейір-Талдықорған").
		distinct, exactish, rare, own := false, false, false, false
		var toks []int
		lastSpecific := -1
		otherPerson := false
		matchedStem := ""
		for w, nw := range ws {
			if !nw.generic {
				total += nw.weight
				lastSpecific = w
			}
			if h.tok[w] < 0 || nw.generic {
				continue
			}
			if e.person && (surnameExtended(q.toks[h.tok[w]].fold, nx.voc.stems[nw.id], e.name) ||
				h.quality[w] == matchPrefix && longerName(q.toks[h.tok[w]].fold, nx.voc.stems[nw.id], e.name)) {
				otherPerson = true // "Ахметова" is not "Ахмет"
				q.toks[h.tok[w]].alien = true
			}
			got += nw.weight
			toks = append(toks, h.tok[w])
			matchedStem = nx.voc.stems[nw.id]
			own = own || q.toks[h.tok[w]].use != usePlace
			distinct = distinct || nw.df == 1
			runes := utf8.RuneCountInString(nx.voc.stems[nw.id])
			exactish = exactish || h.quality[w] >= matchPrefix || runes >= typoMinRunes
			rare = rare || nw.df == 1 && runes >= rareMinRunes && h.quality[w] >= matchPrefix
		}
		if total == 0 || got == 0 || !exactish || !own || otherPerson {
			continue
		}
		// Every word of the name is in the question, its generic words
		// too ("Лучшая организация года").
		whole := true
		for w, nw := range ws {
			whole = whole && (h.tok[w] >= 0 || nw.generic && q.hasStem(nx.voc.stems[nw.id]))
		}
		score := got / total
		// Half the name's weight with a word no other name has, or every
		// word of it; or, for a long name, two of its words and a third of
		// it, or one long word no other name has ("Жәрмеңке", "Ярмарка").
		accept := score >= 0.5 && distinct || whole || len(toks) >= 2 && score >= 0.3 || rare
		if len(toks) == 1 && !whole && nx.forumDF[matchedStem] > 1 {
			// One word of a longer name that the texts of several forums
			// have ("Казахстан" of a medal's name, "жас" of «Жас буын»
			// and of "жастар") names none of them.
			accept = false
		}
		if e.person && lastSpecific >= 0 && h.tok[lastSpecific] >= 0 && utf8.RuneCountInString(nx.voc.stems[ws[lastSpecific].id]) >= 4 {
			accept = true // a surname
		}
		if !accept {
			continue
		}
		if old, ok := best[int(k[0])]; !ok || score > old.score {
			best[int(k[0])] = entityMatch{entity: int(k[0]), kind: e.kind, score: score, toks: toks}
		}
	}
	// Of each kind, the names that fit best.
	top := map[entityKind]float64{}
	for _, m := range best {
		k := nx.entities[m.entity].kind
		top[k] = max(top[k], m.score)
	}
	var out []entityMatch
	for _, m := range best {
		if m.score >= top[nx.entities[m.entity].kind] {
			out = append(out, m)
			for _, t := range m.toks {
				if q.toks[t].use == useNone {
					q.toks[t].use = useName
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b entityMatch) int { return a.entity - b.entity })
	return out
}

// figureLabelHits returns, per forum and figure, how many of the words of
// the question that eligible accepts its label has, and marks those words.
func (nx *nameIndex) figureLabelHits(q *question, eligible func(*token) bool) map[ref]int {
	matches := nx.tokenMatches(q, eligible)
	out := map[ref]int{}
	for ti, ms := range matches {
		seen := map[ref]bool{}
		for _, m := range ms {
			if m.quality < matchPrefix {
				continue
			}
			if len(nx.labelWords[m.id]) > 0 {
				q.toks[ti].label = true
			}
			for _, r := range nx.labelWords[m.id] {
				if !seen[r] {
					seen[r] = true
					out[r]++
				}
			}
		}
	}
	return out
}

// surnameSuffixes are what turns a name into another surname: "Ахмет" and
// "Ахметов", "Ахметова", "Ахметұлы".
var surnameSuffixes = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range []string{"ов", "ев", "ова", "ева", "ин", "ина", "улы", "уулы", "кызы", "ov", "ev", "ova", "eva", "uly", "kyzy"} {
		m[catalog.Fold(s)] = true
	}
	return m
}()

// surnameExtended reports whether a question's folded word is a word of a
// person's name, by its stem, with a surname's suffix added that the name
// itself does not have: "ахметова" is not "Ахмет".
func surnameExtended(fold, stem string, name catalog.Text) bool {
	rest, ok := strings.CutPrefix(fold, stem)
	if !ok || !surnameSuffixes[rest] {
		return false
	}
	for _, s := range name.All() {
		for _, t := range catalog.Tokens(s) {
			if t == fold {
				return false
			}
		}
	}
	return true
}

// longerName reports whether a question's folded word, which starts with
// stem, the stem of a word of a person's name, goes on past that word otherwise
// than by a case ending: "султанбекова" is not "Сұлтанова", though both
// start with "султан"; "кыдырбаевой" is "Қыдырбаева".
func longerName(fold, stem string, name catalog.Text) bool {
	best := -3 // the runes the word shares with the closest name word, less that word's
	for _, s := range name.All() {
		for _, t := range catalog.Tokens(s) {
			if !strings.HasPrefix(t, stem) {
				continue
			}
			rt, rf := []rune(t), []rune(fold)
			n := 0
			for n < len(rt) && n < len(rf) && rt[n] == rf[n] {
				n++
			}
			best = max(best, n-len(rt))
		}
	}
	return best < -2
}
