package qa

import (
	"strings"
	"sync"
	"unicode"

	"github.com/forumbot/forumbot/bot/catalog"
)

// The language of a question, to reply in it: people write to a bot in
// the language they think in, not the one the chat is set to, and a reply
// in another language reads as a wrong answer.

// langWords are words only one of the languages uses, as people write them
// in questions (the Kazakh ones in Cyrillic without the Kazakh letters and
// in Latin letters too: folded, they are one). Shared words ("форум",
// place names) are not here.
var langWords = map[string][]string{
	"kk": {
		"қашан", "қайда", "кім", "кімдер", "қанша", "неше", "қандай", "қай", "не", "ма", "ме", "ба", "бе",
		"болды", "өтті", "өтеді", "болады", "туралы", "форумы", "форумында", "форумда", "форумға",
		"жылы", "бар", "еді", "екен", "және", "ше", "қалай", "сөйледі", "жеңді", "марапат",
	},
	"ru": {
		"когда", "где", "кто", "что", "сколько", "скока", "скоко", "скок", "какой", "какая", "какие", "каком",
		"был", "была", "было", "были", "будет", "прошел", "прошёл", "проходил", "в", "на", "о", "про",
		"ли", "форуме", "форума", "форумов", "выступал", "победил", "тема", "ещё", "есть", "это",
		"год", "года", "году",
	},
	"en": {
		"when", "where", "who", "what", "how", "which", "many", "much", "was", "were", "is", "are",
		"the", "did", "does", "of", "in", "at", "to", "won", "spoke", "forum", "forums", "there",
	},
}

// langTables holds langWords folded: Kazakh and Russian words in
// Cyrillic, English words as written (folding would spell them in
// Cyrillic).
var langTables = sync.OnceValue(func() map[string]map[string]bool {
	m := map[string]map[string]bool{}
	for lang, ws := range langWords {
		m[lang] = map[string]bool{}
		for _, w := range ws {
			if lang == "en" {
				m[lang][w] = true
			} else {
				m[lang][catalog.Fold(w)] = true
			}
		}
	}
	return m
})

// kazakhLetters are the letters of Kazakh that Russian lacks.
const kazakhLetters = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"

// questionLang returns the language a question is written in, when that is
// clear, else "". Clear means: Kazakh letters or words, Russian words or
// English words, in one language and no word of the chat's language
// (chat): a question that mixes in the chat's language is answered in it.
func questionLang(text, chat string) string {
	tb := langTables()
	hits := map[string]int{}
	if strings.ContainsAny(text, kazakhLetters) {
		hits["kk"] += 2
	}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		low := strings.ToLower(w)
		latin := isLatin(low)
		if latin && tb["en"][low] {
			hits["en"]++
			continue
		}
		f := catalog.Fold(low)
		if !latin && tb["ru"][f] {
			hits["ru"]++
		}
		if tb["kk"][f] {
			hits["kk"]++
		}
	}
	if hits[chat] > 0 {
		return ""
	}
	best, n := "", 0
	for _, lang := range catalog.Langs {
		switch {
		case hits[lang] > n:
			best, n = lang, hits[lang]
		case hits[lang] == n && n > 0:
			best = "" // a tie: not clear
		}
	}
	return best
}

// isLatin reports whether a word is written in Latin letters.
func isLatin(w string) bool {
	for _, r := range w {
		if r > unicode.MaxLatin1 {
			return false
		}
	}
	return w != ""
}
