package qa

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// vocab is the set of stems of every name the engine recognises (places,
// contests, nominations, people, organizations, figure labels), with what a
// question's word needs to find them: an exact stem, a prefix, or a typo of
// one edit.
type vocab struct {
	ids    map[string]int32
	stems  []string
	runes  []int
	sorted []int32 // ids in stem order, for prefix look-ups
	// dels maps each stem of at least typoMinRunes runes, with one rune
	// deleted, to the ids of the stems it came from.
	dels map[string][]int32
}

const (
	// typoMinRunes is the least length, in runes, of both stems for a
	// match with one edit: shorter words differ by one letter too often.
	typoMinRunes = 5
	// prefixMinRunes is the least length of the shorter stem of a prefix
	// match: "кизилор" (Қызылорда) is a prefix of "кизилординск"
	// (Кызылординской).
	prefixMinRunes = 4
)

// Quality of a match of a question's word with a stem of the vocabulary.
const (
	matchTypo   = 1
	matchPrefix = 2
	matchExact  = 3
)

// vmatch is one stem a question's word matches.
type vmatch struct {
	id      int32
	quality int
}

func newVocab() *vocab {
	return &vocab{ids: map[string]int32{}, dels: map[string][]int32{}}
}

// add returns the id of stem, adding it.
func (v *vocab) add(stem string) int32 {
	if id, ok := v.ids[stem]; ok {
		return id
	}
	id := int32(len(v.stems))
	v.ids[stem] = id
	v.stems = append(v.stems, stem)
	v.runes = append(v.runes, utf8.RuneCountInString(stem))
	return id
}

// finish builds the look-up structures once every stem is added.
func (v *vocab) finish() {
	v.sorted = make([]int32, len(v.stems))
	for i := range v.sorted {
		v.sorted[i] = int32(i)
	}
	slices.SortFunc(v.sorted, func(a, b int32) int { return strings.Compare(v.stems[a], v.stems[b]) })
	for id, s := range v.stems {
		if v.runes[id] < typoMinRunes || isDigits(s) {
			continue
		}
		eachDeletion(s, nil, func(d []byte) {
			if !slices.Contains(v.dels[string(d)], int32(id)) {
				v.dels[string(d)] = append(v.dels[string(d)], int32(id))
			}
		})
	}
}

// lookup appends to out the stems that stem, a question's word, matches,
// each once with its best quality.
func (v *vocab) lookup(stem string, out []vmatch) []vmatch {
	put := func(id int32, q int) {
		for i := range out {
			if out[i].id == id {
				out[i].quality = max(out[i].quality, q)
				return
			}
		}
		out = append(out, vmatch{id, q})
	}
	if id, ok := v.ids[stem]; ok {
		put(id, matchExact)
	}
	if isDigits(stem) {
		return out
	}
	n := utf8.RuneCountInString(stem)
	// The question's word starts with a known stem: "кизилординск" and
	// "кизилор".
	r, k := 0, 0
	for k < len(stem) {
		_, size := utf8.DecodeRuneInString(stem[k:])
		k += size
		r++
		if r >= prefixMinRunes && r < n {
			if id, ok := v.ids[stem[:k]]; ok {
				put(id, matchPrefix)
			}
		}
	}
	// A known stem starts with the question's word.
	if n >= typoMinRunes {
		i, _ := slices.BinarySearchFunc(v.sorted, stem, func(id int32, s string) int {
			return strings.Compare(v.stems[id], s)
		})
		for ; i < len(v.sorted) && strings.HasPrefix(v.stems[v.sorted[i]], stem); i++ {
			if v.stems[v.sorted[i]] != stem {
				put(v.sorted[i], matchPrefix)
			}
		}
	}
	// One edit away.
	if n >= typoMinRunes {
		try := func(id int32) {
			if v.stems[id] != stem && oneEdit(stem, v.stems[id]) {
				put(id, matchTypo)
			}
		}
		for _, id := range v.dels[stem] {
			try(id)
		}
		var buf [64]byte
		eachDeletion(stem, buf[:0], func(d []byte) {
			if id, ok := v.ids[string(d)]; ok && v.runes[id] >= typoMinRunes {
				try(id)
			}
			for _, id := range v.dels[string(d)] {
				try(id)
			}
		})
	}
	return out
}

// eachDeletion calls fn with s less one rune, for each of its runes,
// building them in buf.
func eachDeletion(s string, buf []byte, fn func([]byte)) {
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		buf = append(append(buf[:0], s[:i]...), s[i+size:]...)
		fn(buf)
		i += size
	}
}

// oneEdit reports whether a and b differ by exactly one insertion,
// deletion, substitution, or swap of neighbouring runes.
func oneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	i := 0
	for i < len(rb) && ra[i] == rb[i] {
		i++
	}
	switch len(ra) - len(rb) {
	case 0:
		if i == len(ra) {
			return false
		}
		if slices.Equal(ra[i+1:], rb[i+1:]) {
			return true
		}
		return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && slices.Equal(ra[i+2:], rb[i+2:])
	case 1:
		return slices.Equal(ra[i+1:], rb[i:])
	}
	return false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
