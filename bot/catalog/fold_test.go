package catalog

import (
	"slices"
	"strings"
	"testing"
)

func TestFoldKazakhLetters(t *testing.T) {
	t.Parallel()
	tests := []struct{ upper, lower, want string }{
		{"Ә", "ә", "а"},
		{"Ғ", "ғ", "г"},
		{"Қ", "қ", "к"},
		{"Ң", "ң", "н"},
		{"Ө", "ө", "о"},
		{"Ұ", "ұ", "у"},
		{"Ү", "ү", "у"},
		{"Һ", "һ", "х"},
		{"І", "і", "и"}, // a lone capital І is the Roman numeral one; see TestFoldRoman
		{"Ы", "ы", "и"},
		{"Й", "й", "и"},
		{"Ё", "ё", "е"},
		{"Э", "э", "е"},
		{"Я", "я", "иа"},
		{"Ю", "ю", "иу"},
		{"Ц", "ц", "тс"},
		{"Щ", "щ", "шч"},
		{"Ъ", "ъ", ""},
		{"Ь", "ь", ""},
	}
	for _, tt := range tests {
		t.Run(tt.lower, func(t *testing.T) {
			t.Parallel()
			// Inside a word, so that the letter is not read as a numeral.
			if got := Fold("б" + tt.lower + "б"); got != "б"+tt.want+"б" {
				t.Errorf("Fold(%q) = %q, want %q", "б"+tt.lower+"б", got, "б"+tt.want+"б")
			}
			if got := Fold("Б" + tt.upper + "Б"); got != "б"+tt.want+"б" {
				t.Errorf("Fold(%q) = %q, want %q", "Б"+tt.upper+"Б", got, "б"+tt.want+"б")
			}
		})
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"?!.,;:—()«»", ""},
		{"Тараз", "тараз"},
		{"ТАРАЗ", "тараз"},
		{"  Тараз!!! — (2023)  ", "тараз 2023"},
		{"Талдықорған", "талдикорган"},
		{"Қызылорда", "кизилорда"},
		{"Жетісу", "жетису"},
		{"Жомарт жүрек", "жомарт журек"},
		{"Әлеуметтік идеялар мен жобалар жәрмеңкесі-2023", "алеуметтик идеиалар мен жобалар жарменкеси 2023"},
		{"Нұр-Сұлтан", "нур султан"},
		{"Ёлка", "елка"},
		{"объём", "обем"},
		// Digits and letters are split apart.
		{"2023ж.", "2023 ж"},
		{"2023г.", "2023 г"},
		{"8th", "8 тх"},
		{"8-ші", "8 ши"},
		// Decomposed input: и + combining breve is й.
		{"и\u0306", "и"},
		// Diacritics of other Latin letters are dropped.
		{"Café naïve", "кафе наиве"},
		// Apostrophes separate words.
		{"Kazakhstan's", "казахстан с"},
		// Letters of other scripts are kept, lowercased.
		{"Ωμέγα", "ωμεγα"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestFoldLatin checks that Latin spellings fold to the key of the Cyrillic
// name.
func TestFoldLatin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cyrillic string
		latin    []string
	}{
		{"Тараз", []string{"taraz", "Taraz", "TARAZ"}},
		{"Талдықорған", []string{"taldykorgan", "Taldyqorgan", "Taldyqorğan", "taldyqorghan", "TALDYKORGAN"}},
		{"Талдыкорган", []string{"taldykorgan"}},
		{"Қызылорда", []string{"kyzylorda", "qyzylorda", "Qyzylorda", "Qızılorda"}},
		{"Кызылорда", []string{"Kyzylorda"}},
		{"Жетісу", []string{"zhetysu", "Zhetisu", "jetisu", "Jetisý", "Jetіsu"}},
		{"Жетысу", []string{"Zhetysu"}},
		{"Алматы", []string{"almaty", "Almaty", "Almatı", "ALMATY"}},
		{"Шымкент", []string{"shymkent", "Shymkent", "Şymkent", "Shımkent"}},
		{"Астана", []string{"astana", "Astana"}},
		{"Жомарт жүрек", []string{"Zhomart zhurek", "Jomart jürek", "Jomart júrek"}},
		// The 2018 Latin alphabet with acutes, the 2021 one with umlauts and
		// breves.
		{"Әлеуметтік", []string{"Áleýmettik", "Äleumettik"}},
		{"Ғылым", []string{"Ǵylym", "Ğylym", "Ghylym"}},
		{"Теңіз", []string{"Teńiz", "Teñiz"}},
		{"Өскемен", []string{"Óskemen", "Öskemen", "Oskemen"}},
		{"Ұлытау", []string{"Úlytaý", "Ūlytau", "Ulytau", "Ulytaw"}},
		{"Үміт", []string{"Úmit", "Ümit", "Umit"}},
		{"Шоқан", []string{"Shoqan", "Şoqan", "Shokan"}},
		{"Чай", []string{"Çai", "Chai", "Chay"}},
		{"Хабар", []string{"Khabar", "Habar"}},
		{"Петропавл", []string{"Petropavl"}},
		{"Центр", []string{"Tsentr"}},
		{"Щучинск", []string{"Shchuchinsk"}},
		{"Семей", []string{"Semey", "Semei"}},
		{"Аксай", []string{"Aksai", "Aksay", "Aqsai"}},
		{"Федерация", []string{"Federatsiya"}},
		{"Юрта", []string{"Yurta"}},
		{"Сити", []string{"City"}},
		{"Коктем", []string{"Coktem"}},
		{"Алекс", []string{"Alex"}},
		{"Филантропия", []string{"Philantropiya"}},
	}
	for _, tt := range tests {
		want := Fold(tt.cyrillic)
		for _, l := range tt.latin {
			t.Run(l, func(t *testing.T) {
				t.Parallel()
				if got := Fold(l); got != want {
					t.Errorf("Fold(%q) = %q, want %q (the key of %q)", l, got, want, tt.cyrillic)
				}
			})
		}
	}
}

func TestFoldRoman(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"VIII форум", "8 форум"},
		{"viii", "8"},
		{"VIII-ші", "8 ши"},
		{"XI", "11"},
		{"ХІ азаматтық форум", "11 азаматтик форум"}, // Cyrillic Х and І
		{"хі", "хи"}, // Cyrillic in lower case is a word
		{"хх", "хх"},
		{"ІІ", "2"}, // Cyrillic
		{"ІI", "2"}, // Cyrillic and Latin mixed
		{"XXIV", "24"},
		{"XLIX", "49"},
		{"X", "10"},
		{"Х", "10"}, // Cyrillic
		{"V", "5"},
		{"І", "1"}, // Cyrillic
		// Not numerals: the English I, a lower case single letter, non
		// canonical or out of range forms, words that look Roman.
		{"I", "и"},
		{"v Taraze", "в таразе"},
		{"x", "кс"},
		{"IIII", "ииии"},
		{"VX", "вкс"},
		{"L", "л"},
		{"LI", "ли"},
		{"XIV2", "ксив 2"},
		{"civil", "сивил"},
		{"Vill", "вилл"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFoldIdempotent(t *testing.T) {
	t.Parallel()
	inputs := []string{
		"Жетісу облысының II азаматтық форумы, 2023 ж., Талдықорған",
		"VIII Гражданский форум Жамбылской области — Тараз, 2018 г.",
		"Zhetysu Region II Civil Forum: social ideas & projects fair-2023",
		"Қызылорда облысының X жергілікті азаматтық форумы «Жомарт жүрек»",
		"Х ХХ І hi хи Ії",
		"İstanbul ışık ß Σίσυφος ǅ",
	}
	for _, in := range inputs {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			once := Fold(in)
			if twice := Fold(once); twice != once {
				t.Errorf("Fold(Fold(%q)) = %q, Fold = %q", in, twice, once)
			}
		})
	}
}

// FuzzFold checks that Fold never panics, is idempotent, and puts out only
// lower case canonical letters, digits and single spaces.
func FuzzFold(f *testing.F) {
	for _, s := range []string{
		"Жетісу облысының II азаматтық форумы", "VIII-ші", "hh хх ХХ", "\xff\xfeТараз\xd0",
		"Zhetysu 2023ж.", "İı ß ǅ Σς", "a\u0301\u0306", "҂ХІ", "",
		"0ꮓ", // Cherokee, which x/text folds to upper case
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Fold(s)
		if twice := Fold(once); twice != once {
			t.Fatalf("Fold(%q) = %q, but Fold of that is %q", s, once, twice)
		}
		if strings.HasPrefix(once, " ") || strings.HasSuffix(once, " ") || strings.Contains(once, "  ") {
			t.Fatalf("Fold(%q) = %q: stray spaces", s, once)
		}
		for _, r := range once {
			if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || strings.ContainsRune("ыйёэяюцщъьәғқңөұүһіЫЙЁЭЯЮЦЩЪЬӘҒҚҢӨҰҮҺІ", r) {
				t.Fatalf("Fold(%q) = %q: %q is not canonical", s, once, r)
			}
		}
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"...", nil},
		{"в Таразе", []string{"в", "таразе"}},
		{"award 2023", []string{"ауард", "2023"}},
		{"VIII-ші форум, Тараз", []string{"8", "ши", "форум", "тараз"}},
		{Fold("Талдықорған, 2023"), []string{"талдикорган", "2023"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := Tokens(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFoldAllocations(t *testing.T) {
	in := "Жетісу облысының II азаматтық форумы, Talldyqorgan 2023"
	Fold(in)     // fill the pool
	limit := 1.0 // the result
	if raceEnabled {
		// The pool drops a quarter of its items, each costing a new folder
		// with its buffers.
		limit = 8
	}
	if n := testing.AllocsPerRun(100, func() { Fold(in) }); n > limit {
		t.Errorf("Fold allocates %v times per call, want at most %v", n, limit)
	}
}

// TestStemForms checks that the forms of a word stem alike.
func TestStemForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		base  string
		forms []string
	}{
		{"Тараз", []string{"Таразда", "Тараздағы", "Таразға", "Таразе", "Тараза", "Таразу", "Таразом",
			"Тараздың", "Тараздан", "Таразбен", "Таразды", "taraz", "Tarazda"}},
		{"Талдықорған", []string{"Талдықорғанда", "Талдықорғандағы", "Талдықорғанға", "Талдықорғанның",
			"Талдықорғаннан", "Талдықорғанмен", "Талдыкоргане", "Талдыкоргана", "Талдыкорганом", "taldykorganda"}},
		{"Қызылорда", []string{"Кызылорда", "Кызылорде", "Кызылорды", "Қызылордада", "Қызылордадағы",
			"Қызылордаға", "Қызылорданың", "Қызылордадан", "kyzylorda", "qyzylordada"}},
		{"Алматы", []string{"Алматыда", "Алматыдағы", "Алматыға", "Алматының", "Алматыдан", "Алматымен",
			"Алматыны", "almaty", "Almatyda"}},
		{"Жетісу", []string{"Жетісуда", "Жетісудағы", "Жетісуға", "Жетісудың", "Жетісудан", "zhetysu", "jetisu"}},
		{"Шымкент", []string{"Шымкентте", "Шымкенттегі", "Шымкентке", "Шымкенттің", "Шымкенттен",
			"Шымкентпен", "Шымкентті", "Шымкенте"}},
		{"Астана", []string{"Астанада", "Астанадағы", "Астанаға", "Астананың", "Астанадан", "Астане", "Астаной", "Астану"}},
		// Front-vowel variants of the endings: -де, -дегі, -ге, -нің, -нен, -ді.
		{"Өскемен", []string{"Өскеменде", "Өскемендегі", "Өскеменге", "Өскеменнің", "Өскеменнен", "Өскеменмен", "Өскеменді"}},
		{"Ақтөбе", []string{"Ақтөбеде", "Ақтөбедегі", "Ақтөбеге", "Ақтөбенің", "Ақтөбеден", "Ақтөбені", "Актобе"}},
		// -те, -тегі, -ке, -тің, -тен, -ті and the plural -тер.
		{"мектеп", []string{"мектептер", "мектептерде", "мектепке", "мектептің", "мектептен", "мектепті", "мектептегі"}},
		// Plurals -лар, -лер, -дар with the endings stacked after them.
		{"жоба", []string{"жобалар", "жобаларды", "жобалардың", "жобаларға", "жобаларда", "жобалардан"}},
		{"өңір", []string{"өңірлер", "өңірлерде", "өңірлердегі", "өңірлерге", "өңірлерді"}},
		{"ұйым", []string{"ұйымдар", "ұйымдарға", "ұйымдардың", "ұйымдарды", "ұйымдармен"}},
		{"марапат", []string{"марапаттар", "марапаттары", "марапатқа", "марапаттың"}},
		{"жеңімпаз", []string{"жеңімпаздар", "жеңімпаздары", "жеңімпаздарды"}},
		{"облыс", []string{"облыстар", "облыстарда", "облыстардағы"}},
		{"гражданский", []string{"гражданского", "гражданское", "гражданская", "гражданские", "гражданских", "гражданскому"}},
		{"победитель", []string{"победители", "победителей", "победителям"}},
		{"восьмой", []string{"восьмого", "восьмом"}},
	}
	for _, tt := range tests {
		want := Stem(Fold(tt.base))
		for _, f := range tt.forms {
			t.Run(f, func(t *testing.T) {
				t.Parallel()
				if got := Stem(Fold(f)); got != want {
					t.Errorf("Stem(Fold(%q)) = %q, want %q (the stem of %q)", f, got, want, tt.base)
				}
			})
		}
	}
}

func TestStem(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"тараз", "тараз"},
		{"таразда", "тараз"},
		{"тараздаги", "тараз"},
		{"алматидаги", "алмат"},
		{"жетисудаги", "жетис"},
		{"кизилорде", "кизилор"},
		{"талдикоргандаги", "талдикорган"},
		{"облистарда", "облис"},
		// Short words are left alone.
		{"мен", "мен"},
		{"бала", "бала"},
		{"ата", "ата"},
		{"ана", "ана"},
		{"кала", "кала"},
		{"да", "да"},
		{"и", "и"},
		{"", ""},
		// The variant of a Kazakh ending must fit the sound before it:
		// -та follows a voiceless consonant only.
		{"работа", "работ"},
		{"работе", "работ"},
		// Numbers are never stemmed.
		{"2023", "2023"},
		{"8", "8"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := Stem(tt.in); got != tt.want {
				t.Errorf("Stem(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func BenchmarkFold(b *testing.B) {
	inputs := []string{
		"Тараз",
		"award 2023",
		"Жетісу облысының II азаматтық форумы, 2023 ж., Талдықорған",
		"Zhetysu Region II Civil Forum: social ideas and projects fair-2023",
		"VIII Гражданский форум Жамбылской области прошёл в Таразе",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Fold(inputs[i%len(inputs)])
	}
}
