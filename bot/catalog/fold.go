package catalog

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold returns the search key of s: the one normalisation every comparison of
// user text with catalog text goes through (search here, question answering
// next). Two spellings of the same word, in Kazakh or Russian Cyrillic, in
// the official or an informal Kazakh Latin, upper or lower case, fold to the
// same key as far as is practical.
//
// The canonical form is lowercase Cyrillic over the Russian base alphabet
// without ы, й, ё, э, я, ю, ц, щ, ъ, ь. Cyrillic, not ASCII, because almost
// all catalog text and most user queries are Kazakh or Russian Cyrillic: the
// key stays readable, and Stem can work on Kazakh and Russian endings for a
// query typed in Latin too ("Tarazda" folds to "таразда" and stems to
// "тараз"). English text is transliterated as well; that makes it
// unreadable but still matches itself, which is all a search key needs.
//
// Steps, in order:
//
//   - A Roman numeral written as a word of I, V, X, L (Latin, or the upper
//     case Cyrillic look-alikes І and Х Kazakh texts often use) with a value
//     of 1 to 49 becomes its arabic number: "VIII" and "ХІ" fold to "8" and
//     "11". A single letter counts only when it is an upper case V, X, Х or
//     І, so "v Taraze" and the English "I" are left alone.
//   - Unicode case folding (golang.org/x/text/cases).
//   - Kazakh letters fold to their nearest Russian letter: ә→а, ғ→г, қ→к,
//     ң→н, ө→о, ұ→у, ү→у, һ→х, і→и.
//   - ы and й fold to и as well (with ё→е, э→е): Latin spellings use y or i
//     for all of them ("Kyzylorda", "Zhetysu" for Жетісу, "Semey" for
//     Семей), so a key that kept them apart would miss those queries. я and
//     ю become "иа" and "иу", ц and щ become "тс" and "шч", ъ and ь are
//     dropped, so that the Latin spellings "ya", "yu", "ts", "shch" meet them.
//   - Latin transliterates to Cyrillic: zh→ж, sh→ш, ch→ч, kh→х, gh→г, ph→ф;
//     j→ж, q→к, w→у, h→х, x→кс, y→и; c is с before e, i, y and к elsewhere.
//     The letters of the official Kazakh Latin alphabets (2018 and 2021)
//     are covered: á ä→а, ǵ ğ→г, ń ñ→н, ó ö→о, ú ü ū ý→у, ı i í→и, ş→ш,
//     ç→ч.
//   - Other diacritics are dropped through Unicode canonical decomposition
//     (golang.org/x/text/unicode/norm): é→е, ï→и.
//   - A letter followed by a digit or a digit followed by a letter is split
//     ("2023ж" → "2023 ж", "8th" → "8 тх"), so numbers always stand alone.
//   - Every rune that is not a letter or a digit is a separator: runs of
//     separators become one space, with none at either end.
//
// Letters of other scripts pass through lowercased. Fold is idempotent and
// safe for concurrent use; it allocates only the returned string.
func Fold(s string) string {
	st := folderPool.Get().(*folder)
	defer folderPool.Put(st)
	src := st.romans(s)
	src = st.lower(src)
	out := st.mapRunes(src)
	if len(out) == 0 {
		return ""
	}
	return string(out)
}

// Tokens returns the words of Fold(s) in order. Since Fold is idempotent,
// Tokens of already folded text splits it on spaces.
func Tokens(s string) []string {
	return strings.Fields(Fold(s))
}

// folder holds the scratch buffers of one Fold call; they are reused through
// folderPool so that Fold allocates only its result.
type folder struct {
	caser cases.Caser
	roman []byte
	low   []byte
	out   []byte
	last  int // class of the last rune in out
}

var folderPool = sync.Pool{New: func() any {
	return &folder{caser: cases.Fold()}
}}

// romans copies s to st.roman with the words that are Roman numerals
// replaced by their arabic value.
func (st *folder) romans(s string) []byte {
	st.roman = st.roman[:0]
	copied := 0 // bytes of s already in st.roman
	start := -1 // of the current word
	for i := 0; i <= len(s); {
		size := 1
		if i < len(s) {
			var word bool
			switch c := s[i]; {
			case c < utf8.RuneSelf:
				word = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
			case isCyrillic2(s, i):
				// The Cyrillic block: letters and combining marks but for
				// the thousands sign ҂.
				size, word = 2, c != 0xd2 || s[i+1] != 0x82
			default:
				var r rune
				r, size = utf8.DecodeRuneInString(s[i:])
				word = isWordRune(r)
			}
			if word {
				if start < 0 {
					start = i
				}
				i += size
				continue
			}
		}
		if start >= 0 {
			if v := romanValue(s[start:i]); v > 0 {
				st.roman = append(st.roman, s[copied:start]...)
				st.roman = strconv.AppendInt(st.roman, int64(v), 10)
				copied = i
			}
			start = -1
		}
		i += size
	}
	st.roman = append(st.roman, s[copied:]...)
	return st.roman
}

// isWordRune reports whether r belongs to a word rather than separating
// words.
func isWordRune(r rune) bool {
	if isApostrophe(r) {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isCyrillic2 reports whether s[i:] starts with a well-formed two-byte
// encoding of a rune of the Cyrillic block, U+0400 to U+04FF.
func isCyrillic2[T string | []byte](s T, i int) bool {
	return s[i] >= 0xd0 && s[i] <= 0xd3 && i+1 < len(s) && s[i+1]&0xc0 == 0x80
}

// decodeCyrillic2 decodes the rune isCyrillic2 found at s[i:].
func decodeCyrillic2(s []byte, i int) rune {
	return rune(s[i]&0x1f)<<6 | rune(s[i+1]&0x3f)
}

// isApostrophe reports whether r is one of the apostrophes, which separate
// words ("Kazakhstan's") even when Unicode calls them letters.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', 'ʼ', 'ʻ', '`', '´':
		return true
	}
	return false
}

// romanDigit returns the value of a Roman numeral letter, accepting the
// Cyrillic look-alikes І (U+0406) and Х (U+0425) in upper case only: in
// lower case they are letters of words, and Fold's own output, which is
// lower case Cyrillic, must never read as a numeral.
func romanDigit(r rune) int {
	switch r {
	case 'I', 'i', 'І':
		return 1
	case 'V', 'v':
		return 5
	case 'X', 'x', 'Х':
		return 10
	case 'L', 'l':
		return 50
	}
	return 0
}

var romanCanon = func() [50]string {
	var t [50]string
	tens := []string{"", "x", "xx", "xxx", "xl"}
	ones := []string{"", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"}
	for v := 1; v < 50; v++ {
		t[v] = tens[v/10] + ones[v%10]
	}
	return t
}()

// romanValue returns the value of word as a Roman numeral from 1 to 49
// written the canonical way, or 0.
func romanValue(word string) int {
	var buf [8]byte // the longest, "xxxviii", has seven letters
	n := 0
	runes := 0
	var first rune
	for _, r := range word {
		d := romanDigit(r)
		if d == 0 || n == len(buf) {
			return 0
		}
		if runes == 0 {
			first = r
		}
		runes++
		switch d {
		case 1:
			buf[n] = 'i'
		case 5:
			buf[n] = 'v'
		case 10:
			buf[n] = 'x'
		case 50:
			buf[n] = 'l'
		}
		n++
	}
	if runes == 1 {
		switch first {
		case 'V', 'X', 'Х', 'І':
		default:
			return 0
		}
	}
	for v := 1; v < 50; v++ {
		if romanCanon[v] == string(buf[:n]) {
			return v
		}
	}
	return 0
}

// lower applies Unicode case folding to src, into st.low unless src is
// already folded.
func (st *folder) lower(src []byte) []byte {
	c := st.caser
	c.Reset()
	if n, err := c.Span(src, true); err == nil && n == len(src) {
		return src
	}
	c.Reset()
	dst := st.low[:cap(st.low)]
	if len(dst) < len(src)+8 {
		dst = make([]byte, len(src)*2+8)
	}
	w, r := 0, 0
	for {
		nDst, nSrc, err := c.Transform(dst[w:], src[r:], true)
		w += nDst
		r += nSrc
		if err == transform.ErrShortDst {
			grown := make([]byte, len(dst)*2)
			copy(grown, dst[:w])
			dst = grown
			continue
		}
		break
	}
	st.low = dst
	return dst[:w]
}

// Character classes of the last rune written by mapRunes.
const (
	classSpace = iota
	classLetter
	classDigit
)

// put appends s of class to st.out, with a space first when the class
// changes between letter and digit.
func (st *folder) put(s string, class int) {
	if s == "" {
		return
	}
	if st.last != classSpace && st.last != class {
		st.out = append(st.out, ' ')
	}
	st.out = append(st.out, s...)
	st.last = class
}

// putRune is put for a single rune.
func (st *folder) putRune(r rune, class int) {
	if st.last != classSpace && st.last != class {
		st.out = append(st.out, ' ')
	}
	st.out = utf8.AppendRune(st.out, r)
	st.last = class
}

// space ends the current word.
func (st *folder) space() {
	if st.last != classSpace {
		st.out = append(st.out, ' ')
		st.last = classSpace
	}
}

// mapRunes maps the case-folded src to the canonical alphabet into st.out.
func (st *folder) mapRunes(src []byte) []byte {
	st.out = st.out[:0]
	st.last = classSpace
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 'a' && c <= 'z':
				var next byte
				if i+1 < len(src) {
					next = src[i+1]
				}
				s, n := foldLatin(c, next)
				st.put(s, classLetter)
				i += n
			case c >= '0' && c <= '9':
				st.putRune(rune(c), classDigit)
				i++
			default:
				st.space()
				i++
			}
			continue
		}
		if isCyrillic2(src, i) {
			if e := cyrillicTable[decodeCyrillic2(src, i)-0x400]; e.ok {
				st.put(e.s, classLetter)
				i += 2
				continue
			}
		}
		r, size := utf8.DecodeRune(src[i:])
		i += size
		switch {
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
			// A combining mark: the diacritic of the previous letter.
		case unicode.IsLetter(r) && !isApostrophe(r):
			if s, keep := foldLetter(r); s != "" {
				st.put(s, classLetter)
			} else if keep != 0 {
				// Lower case once more: x/text's case folding turns lower
				// case Cherokee to upper case and back, which would make
				// Fold not idempotent.
				st.putRune(unicode.ToLower(keep), classLetter)
			}
		case unicode.IsDigit(r):
			st.putRune(r, classDigit)
		default:
			st.space()
		}
	}
	if n := len(st.out); n > 0 && st.out[n-1] == ' ' {
		st.out = st.out[:n-1]
	}
	return st.out
}

// latin transliterates the ASCII lowercase letter c, looking at the next
// byte for digraphs. It returns the Cyrillic text and how many bytes of the
// input it used.
func foldLatin(c, next byte) (string, int) {
	if next == 'h' {
		switch c {
		case 'z':
			return "ж", 2
		case 's':
			return "ш", 2
		case 'c':
			return "ч", 2
		case 'k':
			return "х", 2
		case 'g':
			return "г", 2
		case 'p':
			return "ф", 2
		}
	}
	if c == 'c' {
		switch next {
		case 'e', 'i', 'y':
			return "с", 1
		}
		return "к", 1
	}
	return latinCyrillic[c-'a'], 1
}

var latinCyrillic = [26]string{
	"а", "б", "к", "д", "е", "ф", "г", "х", "и", "ж", "к", "л", "м",
	"н", "о", "п", "к", "р", "с", "т", "у", "в", "у", "кс", "и", "з",
}

// letter maps one case-folded non-ASCII letter to the canonical alphabet: to
// the text s, or, when s is empty, to the rune keep (0 to drop the letter).
func foldLetter(r rune) (s string, keep rune) {
	if s, ok := cyrillicFold[r]; ok {
		return s, 0
	}
	switch r {
	case 'ı':
		return "и", 0
	case 'ş', 'ș':
		return "ш", 0
	case 'ç':
		return "ч", 0
	case 'ý':
		return "у", 0
	}
	// Drop diacritics: the first rune of the canonical decomposition is the
	// base letter ("é" is "e" + U+0301, "й" is "и" + U+0306).
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	if d := norm.NFD.Properties(buf[:n]).Decomposition(); len(d) > 0 {
		base, _ := utf8.DecodeRune(d)
		if base >= 'a' && base <= 'z' {
			return latinCyrillic[base-'a'], 0
		}
		if base >= utf8.RuneSelf && base != r && unicode.IsLetter(base) {
			return foldLetter(base)
		}
	}
	return "", r
}

// cyrillicTable is cyrillicFold as an array over the Cyrillic block, for
// speed.
var cyrillicTable = func() (t [0x100]struct {
	s  string
	ok bool
}) {
	for r, s := range cyrillicFold {
		t[r-0x400].s, t[r-0x400].ok = s, true
	}
	return t
}()

// cyrillicFold is the fold of the lowercase Cyrillic letters that are not
// already canonical.
var cyrillicFold = map[rune]string{
	'а': "а", 'б': "б", 'в': "в", 'г': "г", 'д': "д", 'е': "е", 'ж': "ж",
	'з': "з", 'и': "и", 'к': "к", 'л': "л", 'м': "м", 'н': "н", 'о': "о",
	'п': "п", 'р': "р", 'с': "с", 'т': "т", 'у': "у", 'ф': "ф", 'х': "х",
	'ч': "ч", 'ш': "ш",
	'ә': "а", 'ғ': "г", 'қ': "к", 'ң': "н", 'ө': "о", 'ұ': "у", 'ү': "у",
	'һ': "х", 'і': "и",
	'ы': "и", 'й': "и", 'ё': "е", 'э': "е", 'я': "иа", 'ю': "иу",
	'ц': "тс", 'щ': "шч", 'ъ': "", 'ь': "",
	// Ukrainian and Belarusian letters, for names.
	'є': "е", 'ї': "и", 'ў': "у", 'ґ': "г",
}

// Stem strips the common Kazakh and Russian inflectional endings from a
// folded token (one word of Fold's output), so that "Таразда", "Тараздағы",
// "Таразға", "Таразе", "Тараза" all come to "тараз", and "Алматыдағы" and
// "Алматы" to "алмат". It is deliberately crude: the stem need not be a word,
// it only has to be the same for the forms of one word and different for
// different words often enough for a search. Both sides of every comparison
// go through it.
//
// The longest ending that matches is removed, up to three times (Kazakh
// stacks them: "облыстарда" = облыс+тар+да). An ending is removed only when
// at least three runes remain, four for a one-rune ending, so short words
// ("мен", "бала", "ата") are left alone. A Kazakh ending must also suit the
// rune before it (-та only after a voiceless consonant, -ны only after a
// vowel, ...), which spares many Russian words ("работа" stems to "работ",
// not "рабо"). Tokens holding a digit are never stemmed.
//
// Crudeness shows at the edges: "Өскемен" loses its "-мен" like an
// instrumental (all its forms still meet at "оске"), and "облыс" and
// "облысы" stem to "облис" and "обли"; Index.Search makes up for such splits
// with prefix matching.
func Stem(token string) string {
	if strings.ContainsAny(token, "0123456789") {
		return token
	}
	n := utf8.RuneCountInString(token)
	for range 3 {
		last, _ := utf8.DecodeLastRuneInString(token)
		cut := false
		for _, e := range stemEndings[last] {
			if n-e.runes < e.min || !strings.HasSuffix(token, e.s) {
				continue
			}
			rest := token[:len(token)-len(e.s)]
			if prev, _ := utf8.DecodeLastRuneInString(rest); !e.after.ok(prev) {
				continue
			}
			token, n, cut = rest, n-e.runes, true
			break
		}
		if !cut {
			break
		}
	}
	return token
}

// stemEnding is one inflectional ending in folded form, with the number of runes
// that must remain before it and what the rune before it must be.
type stemEnding struct {
	s     string
	runes int
	min   int
	after afterCond
}

// afterCond restricts the rune an ending may follow. Kazakh endings come in
// variants chosen by the sound before them (-да after a vowel or a voiced
// consonant, -та after a voiceless one); checking that keeps a Russian word
// like "работа" from losing "-та".
type afterCond uint8

const (
	afterAny       afterCond = iota
	afterVowel               // а е и о у
	afterVoiced              // a vowel or a voiced consonant
	afterVoiceless           // к п с т ф х ч ш
	afterConsonant           // a voiced consonant, or у, и (й) which Kazakh treats as one
	afterNasal               // м н, or a vowel
)

func (c afterCond) ok(r rune) bool {
	vowel := strings.ContainsRune("аеиоу", r)
	voiceless := strings.ContainsRune("кпстфхчш", r)
	switch c {
	case afterVowel:
		return vowel
	case afterVoiced:
		return !voiceless
	case afterVoiceless:
		return voiceless
	case afterConsonant:
		return r == 'у' || r == 'и' || !vowel && !voiceless
	case afterNasal:
		return vowel || r == 'м' || r == 'н'
	}
	return true
}

// stemEndings are the endings by their last rune, longest first, so that
// the first match is the longest.
var stemEndings = func() map[rune][]stemEnding {
	list := []struct {
		s     string
		after afterCond
	}{
		// Kazakh, folded (ы and і are и, қ is к, ғ is г, ң is н).
		// Locative -да/-де/-та/-те and -дағы/-дегі/-тағы/-тегі.
		{"да", afterVoiced}, {"де", afterVoiced}, {"та", afterVoiceless}, {"те", afterVoiceless},
		{"даги", afterVoiced}, {"деги", afterVoiced}, {"таги", afterVoiceless}, {"теги", afterVoiceless},
		// Dative -ға/-ге/-қа/-ке.
		{"га", afterVoiced}, {"ге", afterVoiced}, {"ка", afterVoiceless}, {"ке", afterVoiceless},
		// Genitive -ның/-нің/-дың/-дің/-тың/-тің.
		{"нин", afterNasal}, {"дин", afterConsonant}, {"тин", afterVoiceless},
		// Ablative -нан/-нен/-дан/-ден/-тан/-тен.
		{"нан", afterNasal}, {"нен", afterNasal}, {"дан", afterVoiced}, {"ден", afterVoiced},
		{"тан", afterVoiceless}, {"тен", afterVoiceless},
		// Instrumental -мен/-бен/-пен.
		{"мен", afterAny}, {"бен", afterVoiced}, {"пен", afterVoiceless},
		// Accusative -ны/-ні/-ды/-ді/-ты/-ті.
		{"ни", afterVowel}, {"ди", afterConsonant}, {"ти", afterVoiceless},
		// Plural -лар/-лер/-дар/-дер/-тар/-тер.
		{"лар", afterVoiced}, {"лер", afterVoiced}, {"дар", afterVoiced}, {"дер", afterVoiced},
		{"тар", afterVoiceless}, {"тер", afterVoiceless},
		// Possessive of the third person -сы/-сі after a vowel; -ы/-і after
		// a consonant is the one-rune "и" below.
		{"си", afterAny},
		// Russian, folded (ы, й are и; я is иа, ю is иу). Adjectives:
		// -ый/-ий, -ой, -ая, -ое, -ые/-ие, -ого, -ому, -ым, -ых, -ую, -ыми, -ей.
		{"ии", afterAny}, {"ои", afterAny}, {"аиа", afterAny}, {"ое", afterAny}, {"ие", afterAny},
		{"ого", afterAny}, {"его", afterAny}, {"ому", afterAny}, {"ему", afterAny},
		{"им", afterAny}, {"их", afterAny}, {"уиу", afterAny}, {"ими", afterAny}, {"еи", afterAny},
		// Nouns: -ом/-ем, -ам/-ах/-ами, -ях/-ями, -ов/-ев, -ю/-я.
		{"ом", afterAny}, {"ем", afterAny}, {"ам", afterAny}, {"ах", afterAny}, {"ами", afterAny},
		{"иах", afterAny}, {"иами", afterAny}, {"ов", afterAny}, {"ев", afterAny},
		{"иу", afterAny}, {"иа", afterAny},
		// One-rune endings: Russian cases, the Kazakh -ы/-і.
		{"а", afterAny}, {"е", afterAny}, {"и", afterAny}, {"о", afterAny}, {"у", afterAny},
	}
	out := make([]stemEnding, 0, len(list))
	for _, l := range list {
		r := utf8.RuneCountInString(l.s)
		min := 3
		if r == 1 {
			min = 4
		}
		out = append(out, stemEnding{s: l.s, runes: r, min: min, after: l.after})
	}
	slices.SortStableFunc(out, func(a, b stemEnding) int { return b.runes - a.runes })
	byLast := map[rune][]stemEnding{}
	for _, e := range out {
		last, _ := utf8.DecodeLastRuneInString(e.s)
		byLast[last] = append(byLast[last], e)
	}
	return byLast
}()
