package catalog

// stopWords are words in Kazakh, Russian and English that say nothing about
// which forum is meant: every forum is a civil forum, and questions are full
// of "which", "when", "in", "the". They are neither indexed nor searched for.
// The ordinal suffixes left over from "8-ші", "8-й", "8th" are here too.
// Only these exact forms are stop words, so that a stem shared by chance
// ("жыл" of "жылы" and of "жилье") loses nothing.
var stopWords = []string{
	// Kazakh.
	"және", "мен", "бен", "пен", "үшін", "туралы", "бойынша", "бұл", "осы",
	"сол", "ол", "олар", "да", "де", "та", "те", "ма", "ме", "ба", "бе", "па",
	"пе", "ғой", "қандай", "қай", "қайсы", "қашан", "қайда", "неше", "не",
	"нені", "кім", "қалай", "жыл", "жылы", "жылғы", "жылдың", "жылда", "өтті",
	"өтеді", "өткен", "болды", "болған", "маған", "айтып", "беріңіз", "ші",
	"шы", "інші", "ыншы", "нші", "ншы",
	// Russian.
	"в", "во", "на", "и", "или", "а", "но", "о", "об", "обо", "по", "с", "со",
	"к", "ко", "у", "из", "за", "для", "от", "до", "при", "про", "что", "как",
	"где", "когда", "какой", "какая", "какие", "каком", "который", "которые",
	"это", "этот", "эта", "эти", "был", "была", "были", "было", "год", "года",
	"году", "г", "й", "го", "ом", "ий", "ый", "ой", "ая", "мне", "расскажи",
	"расскажите", "покажи", "покажите", "все", "ли", "же", "бы", "есть",
	"прошел", "проходил", "проводился",
	// English.
	"the", "a", "an", "of", "in", "on", "at", "and", "or", "for", "to",
	"with", "by", "from", "is", "are", "was", "were", "be", "what", "which",
	"when", "where", "who", "how", "about", "year", "th", "st", "nd", "rd",
	"me", "show", "tell", "please", "all", "held",
}

// stopStemWords are stop words in any of their forms: whatever stems like
// them ("форумы", "Форумда", "forums", "гражданского") is a stop word.
var stopStemWords = []string{
	"форум", "forum", "азаматтық", "гражданский", "civil",
}

// awardWords are words that ask about the awards of a forum.
var awardWords = []string{
	"award", "awards", "awarded", "prize", "prizes", "winner", "winners",
	"contest", "contests", "competition", "nomination", "laureate",
	"марапат", "марапаттау", "марапатталды", "жүлде", "жүлдегер", "жеңімпаз",
	"жеңімпаздар", "байқау", "номинация", "лауреат",
	"награда", "награды", "наград", "награждение", "награжден", "премия",
	"премии", "победитель", "победители", "конкурс", "конкурса", "приз",
	"призы",
}

var (
	stopFolded, _           = wordSets(stopWords)
	_, stopStems            = wordSets(stopStemWords)
	awardFolded, awardStems = wordSets(awardWords)
)

// wordSets returns the folded forms and the stems of words.
func wordSets(words []string) (folded, stems map[string]bool) {
	folded, stems = map[string]bool{}, map[string]bool{}
	for _, w := range words {
		for _, tok := range Tokens(w) {
			folded[tok] = true
			stems[Stem(tok)] = true
		}
	}
	return folded, stems
}

// isStop reports whether the folded token tok, with the stem stem, is a stop
// word.
func isStop(tok, stem string) bool { return stopFolded[tok] || stopStems[stem] }

// isAwardWord reports whether the folded token tok, with the stem stem, asks
// about awards.
func isAwardWord(tok, stem string) bool { return awardFolded[tok] || awardStems[stem] }

// ordinalNames are the ordinal words for the first forums, indexed by
// number: Russian and English, and Kazakh up to ten (from eleven on Kazakh
// ordinals are two words, "он бірінші", which a word index cannot hold).
var ordinalNames = [][3]string{
	1:  {"бірінші", "первый", "first"},
	2:  {"екінші", "второй", "second"},
	3:  {"үшінші", "третий", "third"},
	4:  {"төртінші", "четвертый", "fourth"},
	5:  {"бесінші", "пятый", "fifth"},
	6:  {"алтыншы", "шестой", "sixth"},
	7:  {"жетінші", "седьмой", "seventh"},
	8:  {"сегізінші", "восьмой", "eighth"},
	9:  {"тоғызыншы", "девятый", "ninth"},
	10: {"оныншы", "десятый", "tenth"},
	11: {"", "одиннадцатый", "eleventh"},
	12: {"", "двенадцатый", "twelfth"},
	13: {"", "тринадцатый", "thirteenth"},
	14: {"", "четырнадцатый", "fourteenth"},
	15: {"", "пятнадцатый", "fifteenth"},
	16: {"", "шестнадцатый", "sixteenth"},
	17: {"", "семнадцатый", "seventeenth"},
	18: {"", "восемнадцатый", "eighteenth"},
	19: {"", "девятнадцатый", "nineteenth"},
	20: {"жиырмасыншы", "двадцатый", "twentieth"},
}

// ordinalWords returns the ordinal words of n, for the first twenty. The
// number itself, which Roman numerals fold to, is matched apart.
func ordinalWords(n int) []string {
	var out []string
	if n < len(ordinalNames) {
		for _, w := range ordinalNames[n] {
			if w != "" {
				out = append(out, w)
			}
		}
	}
	return out
}
