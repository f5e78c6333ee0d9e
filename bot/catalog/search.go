package catalog

import (
	"cmp"
	"math"
	"math/bits"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Names of the fields a search can match, as Hit.Matched reports them.
const (
	FieldCity      = "city"
	FieldRegion    = "region"
	FieldYear      = "year"
	FieldTitle     = "title"
	FieldOrdinal   = "ordinal"
	FieldAward     = "award"
	FieldVenue     = "venue"
	FieldTheme     = "theme"
	FieldOrganizer = "organizer"
	FieldSpeaker   = "speaker"
	FieldSummary   = "summary"
	FieldAgenda    = "agenda"
	FieldOutcome   = "outcome"
	FieldFigure    = "figure"
	FieldLink      = "link"
	FieldSource    = "source"
)

// searchField is a searchable part of a forum; its bit in a fieldMask is
// 1<<searchField.
type searchField uint8

const (
	fCity searchField = iota
	fRegion
	fYear
	fTitle
	fOrdinal
	fAward
	fVenue
	fTheme
	fOrganizer
	fSpeaker
	fSummary
	fAgenda
	fOutcome
	fFigure
	fLink
	fSource
	numFields
)

type fieldMask uint16

var fieldNames = [numFields]string{
	FieldCity, FieldRegion, FieldYear, FieldTitle, FieldOrdinal, FieldAward,
	FieldVenue, FieldTheme, FieldOrganizer, FieldSpeaker, FieldSummary,
	FieldAgenda, FieldOutcome, FieldFigure, FieldLink, FieldSource,
}

// fieldWeights are how much a match in each field counts. Where and when a
// forum took place, its title and ordinal say what it is; the body text only
// mentions things.
var fieldWeights = [numFields]float64{
	fCity:      10,
	fRegion:    8,
	fYear:      8,
	fTitle:     6,
	fOrdinal:   6,
	fAward:     3,
	fVenue:     3,
	fTheme:     3,
	fOrganizer: 2,
	fSpeaker:   2,
	fSummary:   1,
	fAgenda:    1,
	fOutcome:   1,
	fFigure:    1,
	fLink:      1,
	fSource:    0.5,
}

// awardBoostWeight replaces the weight of the award field when the query
// asks about awards ("award", "марапат", "конкурс", ...).
const awardBoostWeight = 9

// How much a term counts by how it matched.
const (
	qualityExact  = 1.0
	qualityPrefix = 0.7
	qualityTypo   = 0.5
)

// otherFieldShare is the share of its weight that every matched field but the
// best adds to a term's score: a city named in the title as well counts a
// little more than the city alone.
const otherFieldShare = 0.1

// scoreHalf is the relevance at which the fractional part of Hit.Score is
// one half.
const scoreHalf = 10

// Hit is one forum found by Index.Search.
type Hit struct {
	Forum *Forum
	// Score orders the hits, highest first. Its integer part is how many
	// meaningful query terms the forum matched; its fraction, from 0 to 1,
	// grows with the weight of the fields they matched in and with how
	// exactly they matched.
	Score float64
	// Matched names the fields that matched (FieldCity, FieldAward, ...),
	// weightiest first.
	Matched []string
}

// Index is a search index over one version of a catalog. Build it with
// NewIndex once per catalog version; it is read-only afterwards and safe for
// concurrent use. It keeps pointers into the catalog, which must not change
// while the index is used.
type Index struct {
	forums []*Forum
	// terms maps a stem to its id; stems[id] is the stem, postings[id] the
	// forums that have it, by forum.
	terms    map[string]int32
	stems    []string
	postings [][]posting
	// sorted is the term ids in stem order, for prefix look-ups.
	sorted []int32
	// deletions maps each stem of at least typoMinStem runes with one rune
	// deleted to the ids of the stems it came from, for typo tolerance.
	deletions map[string][]int32
	years     map[int][]int32
	ordinals  map[int][]int32
	awarded   []int32 // forums with at least one award
	pool      sync.Pool
}

type posting struct {
	forum  int32
	fields fieldMask
}

const (
	// typoMinToken is the least number of runes of a query word for typo
	// tolerance.
	typoMinToken = 5
	// typoMinStem is the least number of runes of a stem, on either side,
	// for typo tolerance.
	typoMinStem = 4
	// prefixMin is the least number of runes of the shorter stem of a prefix
	// match.
	prefixMin = 4
	// prefixMaxTerms bounds the stems one query term can match by prefix.
	prefixMaxTerms = 64
)

// NewIndex indexes every text of every forum of c in all its languages: the
// title, theme, summary, city, venue, the region's name and centre,
// organizers, speakers, agenda, outcomes, figures, awards, links and source,
// plus the ordinal (as a number and as a word) and the years.
func NewIndex(c *Catalog) *Index {
	ix := &Index{
		terms:     map[string]int32{},
		deletions: map[string][]int32{},
		years:     map[int][]int32{},
		ordinals:  map[int][]int32{},
	}
	if c != nil {
		for i := range c.Forums {
			ix.forums = append(ix.forums, &c.Forums[i])
		}
	}
	b := &indexBuilder{ix: ix, tokens: map[string]int32{}}
	for i, f := range ix.forums {
		b.forum = int32(i)
		b.addForum(f)
	}
	ix.sorted = make([]int32, len(ix.stems))
	for i := range ix.sorted {
		ix.sorted[i] = int32(i)
	}
	slices.SortFunc(ix.sorted, func(a, b int32) int { return strings.Compare(ix.stems[a], ix.stems[b]) })
	for id, s := range ix.stems {
		if utf8.RuneCountInString(s) < typoMinStem || allDigits(s) {
			continue
		}
		forEachDeletion(s, nil, func(d []byte) {
			ix.deletions[string(d)] = appendUniqueID(ix.deletions[string(d)], int32(id))
		})
	}
	n := len(ix.forums)
	ix.pool.New = func() any { return newSearchScratch(n) }
	return ix
}

// indexBuilder adds the terms of one forum after another to an Index.
type indexBuilder struct {
	ix    *Index
	forum int32
	// tokens caches the term id of each folded token seen, -1 for none.
	tokens map[string]int32
}

func (b *indexBuilder) addForum(f *Forum) {
	b.text(fCity, f.City)
	b.text(fTitle, f.Title)
	b.text(fVenue, f.Venue)
	b.text(fTheme, f.Theme)
	b.text(fSummary, f.Summary)
	if r, ok := RegionByCode(f.Region); ok {
		b.text(fRegion, r.Name)
		b.text(fRegion, r.Center)
	}
	b.words(fRegion, strings.ReplaceAll(f.Region, "_", " "))
	for _, t := range f.Organizers {
		b.text(fOrganizer, t)
	}
	for _, p := range f.Speakers {
		b.text(fSpeaker, p.Name)
		b.text(fSpeaker, p.Role)
	}
	for _, t := range f.Agenda {
		b.text(fAgenda, t)
	}
	for _, t := range f.Outcomes {
		b.text(fOutcome, t)
	}
	for _, g := range f.Figures {
		b.text(fFigure, g.Label)
		b.words(fFigure, g.Value)
	}
	for _, a := range f.Awards {
		// Every Text of an Award, so that a field added to it later is
		// searched too.
		v := reflect.ValueOf(a)
		for i := range v.NumField() {
			if t, ok := v.Field(i).Interface().(Text); ok {
				b.text(fAward, t)
			}
		}
	}
	if len(f.Awards) > 0 {
		b.ix.awarded = append(b.ix.awarded, b.forum)
	}
	for _, l := range f.Links {
		b.text(fLink, l.Title)
	}
	b.words(fSource, f.Source)
	if f.Ordinal > 0 {
		b.ix.ordinals[f.Ordinal] = append(b.ix.ordinals[f.Ordinal], b.forum)
		for _, w := range ordinalWords(f.Ordinal) {
			b.words(fOrdinal, w)
		}
	}
	if f.Start.Known() {
		b.ix.years[f.Start.Year] = append(b.ix.years[f.Start.Year], b.forum)
	}
	if f.End != nil && f.End.Known() && f.End.Year != f.Start.Year {
		b.ix.years[f.End.Year] = appendUniqueID(b.ix.years[f.End.Year], b.forum)
	}
}

func (b *indexBuilder) text(fl searchField, t Text) {
	for _, s := range t.All() {
		b.words(fl, s)
	}
}

// words indexes the words of s. A hyphenated word is indexed whole as well
// as by its parts, so that "Nursultan" finds "Нұр-Сұлтан".
func (b *indexBuilder) words(fl searchField, s string) {
	for _, tok := range Tokens(s) {
		b.add(fl, tok)
	}
	if !strings.Contains(s, "-") {
		return
	}
	for _, w := range strings.Fields(s) {
		if strings.Contains(strings.Trim(w, "-"), "-") {
			for _, tok := range Tokens(strings.ReplaceAll(w, "-", "")) {
				b.add(fl, tok)
			}
		}
	}
}

// add indexes one folded token.
func (b *indexBuilder) add(fl searchField, tok string) {
	id, ok := b.tokens[tok]
	if !ok {
		id = b.term(tok)
		b.tokens[tok] = id
	}
	if id < 0 {
		return
	}
	ps := b.ix.postings[id]
	if n := len(ps); n > 0 && ps[n-1].forum == b.forum {
		ps[n-1].fields |= 1 << fl
		return
	}
	b.ix.postings[id] = append(ps, posting{forum: b.forum, fields: 1 << fl})
}

// term returns the id of the term of the folded token tok, adding it, or -1
// when tok is not indexed: a stop word, a year, a single letter.
func (b *indexBuilder) term(tok string) int32 {
	if !searchable(tok) || yearToken(tok) {
		return -1
	}
	stem := Stem(tok)
	if isStop(tok, stem) {
		return -1
	}
	ix := b.ix
	id, ok := ix.terms[stem]
	if !ok {
		id = int32(len(ix.stems))
		ix.terms[stem] = id
		ix.stems = append(ix.stems, stem)
		ix.postings = append(ix.postings, nil)
	}
	return id
}

// queryTerm is one meaningful word of a query.
type queryTerm struct {
	stem  string
	runes int // of the folded word, before stemming
	kind  termKind
	num   int  // the value of a year or a number
	award bool // an award word
}

type termKind uint8

const (
	termWord termKind = iota
	termYear
	termNumber
)

// Search returns up to limit forums matching query, best first; limit 0 or
// less means no limit. The query is folded and stemmed like the catalog;
// stop words ("форум", "civil", "в", "the", ...) and one-letter words are
// dropped, and a query left with nothing meaningful finds nothing.
//
// A forum ranks by how many of the query's terms it matches, then by where
// and how well it matches them: in the city, region, year, title or ordinal
// more than in the body text, exactly more than by a prefix of the stem, by a
// prefix more than with a typo (one edit for words of five runes or more).
// A year ("2023") matches the forums held that year. A number matches the
// ordinal ("8" and "VIII" find the eighth forum) and numbers in the text. An
// award word ("award", "марапат", "награда", "жеңімпаз", "конкурс", ...)
// matches every forum that handed out awards, and raises the weight of the
// award texts for the whole query.
func (ix *Index) Search(query string, limit int) []Hit {
	terms, awards := parseQuery(query)
	if len(terms) == 0 || len(ix.forums) == 0 {
		return nil
	}
	weights := fieldWeights
	if awards {
		weights[fAward] = awardBoostWeight
	}
	sc := ix.pool.Get().(*searchScratch)
	defer ix.pool.Put(sc)
	sc.reset()
	for _, t := range terms {
		ix.matchTerm(sc, t, &weights)
		sc.endTerm(len(ix.forums))
	}
	ranked := sc.ranked[:0]
	for _, f := range sc.hit {
		s := sc.total[f]
		ranked = append(ranked, rankedForum{forum: f, score: float64(sc.count[f]) + s/(s+scoreHalf)})
	}
	sc.ranked = ranked
	slices.SortFunc(ranked, func(a, b rankedForum) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return int(a.forum - b.forum) // catalog order among equals
	})
	ranked = relevant(ranked)
	if limit > 0 && len(ranked) > limit {
		ranked = ranked[:limit]
	}
	hits := make([]Hit, len(ranked))
	for i, r := range ranked {
		hits[i] = Hit{Forum: ix.forums[r.forum], Score: r.score, Matched: sc.mask[r.forum].names()}
	}
	return hits
}

// relevant keeps, of forums ranked best first, those that match as many
// query terms as the best one, and at least half as well: "Тараз" should
// not bring along a forum whose agenda merely has a word one letter away,
// and "award 2023" wants the 2023 forum with awards, not every forum with
// awards. A query no forum matches in full still gets its best partial
// matches.
func relevant(ranked []rankedForum) []rankedForum {
	if len(ranked) == 0 {
		return ranked
	}
	bestTerms, bestQuality := math.Modf(ranked[0].score)
	n := 0
	for _, r := range ranked {
		terms, quality := math.Modf(r.score)
		if terms == bestTerms && quality >= bestQuality/2 {
			ranked[n] = r
			n++
		}
	}
	return ranked[:n]
}

// parseQuery returns the meaningful terms of query, each stem once, and
// whether one of them is an award word.
func parseQuery(query string) (terms []queryTerm, awards bool) {
	for _, tok := range Tokens(query) {
		if !searchable(tok) {
			continue
		}
		t := queryTerm{stem: Stem(tok), runes: utf8.RuneCountInString(tok)}
		if isStop(tok, t.stem) {
			continue
		}
		if allDigits(tok) {
			n, err := strconv.Atoi(tok)
			if err != nil {
				continue // beyond int: longer than any year, ordinal or figure
			}
			t.num = n
			t.kind = termNumber
			if yearToken(tok) {
				t.kind = termYear
			}
		} else if isAwardWord(tok, t.stem) {
			t.award = true
			awards = true
		}
		if slices.ContainsFunc(terms, func(o queryTerm) bool { return o.stem == t.stem }) {
			continue
		}
		terms = append(terms, t)
	}
	return terms, awards
}

// matchTerm records in sc how every forum matches t.
func (ix *Index) matchTerm(sc *searchScratch, t queryTerm, w *[numFields]float64) {
	switch t.kind {
	case termYear:
		for _, f := range ix.years[t.num] {
			sc.add(f, 1<<fYear, w[fYear])
		}
		return
	case termNumber:
		for _, f := range ix.ordinals[t.num] {
			sc.add(f, 1<<fOrdinal, w[fOrdinal])
		}
		if id, ok := ix.terms[t.stem]; ok {
			ix.addPostings(sc, id, qualityExact, w)
		}
		return
	}
	if t.award {
		for _, f := range ix.awarded {
			sc.add(f, 1<<fAward, w[fAward])
		}
	}
	if id, ok := ix.terms[t.stem]; ok {
		ix.addPostings(sc, id, qualityExact, w)
	}
	runes := utf8.RuneCountInString(t.stem)
	if runes >= prefixMin {
		// Stems of the catalog that start with the query's stem.
		i, _ := slices.BinarySearchFunc(ix.sorted, t.stem, func(id int32, s string) int {
			return strings.Compare(ix.stems[id], s)
		})
		for n := 0; i < len(ix.sorted) && n < prefixMaxTerms; i++ {
			id := ix.sorted[i]
			s := ix.stems[id]
			if !strings.HasPrefix(s, t.stem) {
				break
			}
			if s != t.stem {
				ix.addPostings(sc, id, qualityPrefix, w)
				n++
			}
		}
		// Stems of the catalog that the query's stem starts with, at least
		// half as long as it.
		k, r := 0, 0
		for k < len(t.stem) {
			_, size := utf8.DecodeRuneInString(t.stem[k:])
			k += size
			r++
			if r >= runes {
				break
			}
			if r >= prefixMin && 2*r >= runes {
				if id, ok := ix.terms[t.stem[:k]]; ok {
					ix.addPostings(sc, id, qualityPrefix, w)
				}
			}
		}
	}
	if t.runes >= typoMinToken && runes >= typoMinStem {
		ix.matchTypos(sc, t.stem, w)
	}
}

// matchTypos adds the stems one edit (insertion, deletion, substitution or
// transposition of neighbours) away from stem.
func (ix *Index) matchTypos(sc *searchScratch, stem string, w *[numFields]float64) {
	try := func(id int32) {
		if ix.stems[id] != stem && withinOneEdit(stem, ix.stems[id]) {
			ix.addPostings(sc, id, qualityTypo, w)
		}
	}
	// The query lacks a rune: it is a deletion of the stem.
	for _, id := range ix.deletions[stem] {
		try(id)
	}
	sc.buf = forEachDeletion(stem, sc.buf, func(d []byte) {
		// The query has a rune too many: the stem is a deletion of it.
		if id, ok := ix.terms[string(d)]; ok {
			try(id)
		}
		// A rune differs or two are swapped: both lose one to meet.
		for _, id := range ix.deletions[string(d)] {
			try(id)
		}
	})
}

func (ix *Index) addPostings(sc *searchScratch, id int32, quality float64, w *[numFields]float64) {
	for _, p := range ix.postings[id] {
		sc.add(p.forum, p.fields, quality*p.fields.weight(w))
	}
}

// weight is the weight of the heaviest field of m plus a share of the
// others.
func (m fieldMask) weight(w *[numFields]float64) float64 {
	best, sum := 0.0, 0.0
	for f := range numFields {
		if m&(1<<f) != 0 {
			sum += w[f]
			best = max(best, w[f])
		}
	}
	return best + otherFieldShare*(sum-best)
}

func (m fieldMask) names() []string {
	out := make([]string, 0, bits.OnesCount16(uint16(m)))
	for _, f := range fieldsByWeight {
		if m&(1<<f) != 0 {
			out = append(out, fieldNames[f])
		}
	}
	return out
}

// fieldsByWeight is the fields, weightiest first.
var fieldsByWeight = func() []searchField {
	out := make([]searchField, numFields)
	for i := range out {
		out[i] = searchField(i)
	}
	slices.SortStableFunc(out, func(a, b searchField) int {
		return cmp.Compare(fieldWeights[b], fieldWeights[a])
	})
	return out
}()

// searchScratch is the per-query state of Search, reused through Index.pool.
type searchScratch struct {
	// Of the current term, per forum: its best score and the fields.
	term     []float64
	termMask []fieldMask
	touched  []int32
	// Of the whole query, per forum.
	total []float64
	count []int
	mask  []fieldMask
	hit   []int32
	buf   []byte
	// ranked is the hits in order, reused.
	ranked []rankedForum
}

type rankedForum struct {
	forum int32
	score float64
}

func newSearchScratch(n int) *searchScratch {
	return &searchScratch{
		term:     make([]float64, n),
		termMask: make([]fieldMask, n),
		total:    make([]float64, n),
		count:    make([]int, n),
		mask:     make([]fieldMask, n),
	}
}

func (sc *searchScratch) reset() {
	for _, f := range sc.hit {
		sc.total[f], sc.count[f], sc.mask[f] = 0, 0, 0
	}
	sc.hit = sc.hit[:0]
	sc.touched = sc.touched[:0]
}

// add records a match of the current term in forum f.
func (sc *searchScratch) add(f int32, m fieldMask, score float64) {
	if sc.termMask[f] == 0 {
		sc.touched = append(sc.touched, f)
	}
	sc.termMask[f] |= m
	sc.term[f] = max(sc.term[f], score)
}

// endTerm adds the current term's matches to the totals, weighted by how
// rare the term is among the n forums.
func (sc *searchScratch) endTerm(n int) {
	if len(sc.touched) == 0 {
		return
	}
	idf := 1 + math.Log(float64(n)/float64(len(sc.touched)))
	for _, f := range sc.touched {
		if sc.count[f] == 0 {
			sc.hit = append(sc.hit, f)
		}
		sc.count[f]++
		sc.total[f] += sc.term[f] * idf
		sc.mask[f] |= sc.termMask[f]
		sc.term[f], sc.termMask[f] = 0, 0
	}
	sc.touched = sc.touched[:0]
}

// forEachDeletion calls fn with s less one rune, for each rune, using buf as
// searchScratch; it returns buf for reuse.
func forEachDeletion(s string, buf []byte, fn func([]byte)) []byte {
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		buf = append(append(buf[:0], s[:i]...), s[i+size:]...)
		fn(buf)
		i += size
	}
	return buf
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution, or transposition of two neighbouring runes.
func withinOneEdit(a, b string) bool {
	if a == b {
		return true
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	switch len(ra) - len(rb) {
	case 0:
		i := 0
		for i < len(ra) && ra[i] == rb[i] {
			i++
		}
		if slices.Equal(ra[i+1:], rb[i+1:]) {
			return true // substitution
		}
		return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && slices.Equal(ra[i+2:], rb[i+2:])
	case 1:
		i := 0
		for i < len(rb) && ra[i] == rb[i] {
			i++
		}
		return slices.Equal(ra[i+1:], rb[i:])
	}
	return false
}

func appendUniqueID(s []int32, v int32) []int32 {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// meaningful reports whether a folded token can be a search term: a number,
// or a word of two runes or more.
func searchable(tok string) bool {
	if tok == "" {
		return false
	}
	return allDigits(tok) || utf8.RuneCountInString(tok) >= 2
}

func allDigits(tok string) bool {
	for i := 0; i < len(tok); i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return false
		}
	}
	return tok != ""
}

// yearToken reports whether tok is a year a forum can have been held in.
func yearToken(tok string) bool {
	if len(tok) != 4 || !allDigits(tok) {
		return false
	}
	n, _ := strconv.Atoi(tok)
	return n >= 1900 && n <= 2199
}
