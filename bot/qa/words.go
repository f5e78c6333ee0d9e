package qa

// The word tables of the question parser, in Kazakh, Russian and English.
//
// A pattern is one word or a phrase of words separated by spaces. Each word
// is folded and stemmed like catalog text (catalog.Fold, catalog.Stem), so
// one form stands for its case endings: "кім" is "кімдер", "кімге" and
// "кімді" too, "Таразда" meets "Тараз". A word ending in "*" is a root
// instead: it matches every folded word that starts with it ("қабылда*" is
// "қабылдады", "қабылданды", "қабылдаған"). Phrases match adjacent words, and
// longer phrases are tried first, so "last year" is a year and not "last".

// signal is what a word of a question says about what is asked.
type signal uint32

const (
	sAsk       signal = 1 << iota // an interrogative or a request: it is a question
	sWhen                         // when
	sWhere                        // where
	sWho                          // who: speakers
	sOrganizer                    // who organized
	sWin                          // won, was awarded
	sAward                        // award, prize, contest, nomination
	sHowMany                      // how many, how much
	sAbout                        // what about, theme
	sOutcome                      // adopted, results
	sNext                         // next, upcoming
	sLast                         // last, latest
	sDate                         // the noun "date"
	sPlace                        // the noun "venue"
	sFigure                       // figures, statistics
	sTimes                        // "times", as in "how many times"
	sThisYear                     // this year
	sLastYear                     // last year
	sNextYear                     // next year
	sCity                         // which city, precisely
	sDay                          // which day, precisely
	sSpoke                        // spoke, speakers
	sModerator                    // who moderated
	sNoData                       // what no catalog holds: sponsors, prices, contacts
	sForum                        // the word "forum" itself
	sFiller                       // says nothing: "held", "there", "please"
	sVenue                        // the address or the building, precisely
	// sPresenter: a verb of giving an award in the active voice ("вручал",
	// "марапаттады", "presented"): with a nominative "who" it asks who
	// handed the awards out, which no catalog holds, not who won.
	sPresenter
	// sAttend: coming to or taking part in a forum; "how many" with it asks
	// for the attendance, which no report gives.
	sAttend
)

// cueWords are the words and phrases that say what is asked.
var cueWords = []struct {
	pattern string
	sig     signal
}{
	// Kazakh.
	{"қашан", sAsk | sWhen}, {"қай кезде", sAsk | sWhen}, {"қай күні", sAsk | sWhen | sDay},
	{"қай жылы", sAsk | sWhen}, {"қай айда", sAsk | sWhen | sDay}, {"нешесінде", sAsk | sWhen | sDay},
	{"қай уақытта", sAsk | sWhen}, {"күні", sDate | sDay}, {"уақыты", sDate}, {"мерзімі", sDate},
	{"нақты күні", sAsk | sDate | sDay}, {"нешінші айда", sAsk | sWhen | sDay}, {"қай айында", sAsk | sWhen | sDay},
	{"айында", sDate | sDay},
	{"қайда", sAsk | sWhere}, {"қай жерде", sAsk | sWhere}, {"қай қалада", sAsk | sWhere | sCity},
	{"қай облыста", sAsk | sWhere}, {"қай өңірде", sAsk | sWhere}, {"орны", sPlace},
	{"мекенжай*", sPlace | sVenue}, {"өткен жері", sPlace},
	{"кім", sAsk | sWho}, {"сөз сөйле*", sWho | sSpoke}, {"сөйле*", sWho | sSpoke}, {"баяндама*", sWho | sSpoke},
	{"спикер*", sWho | sSpoke}, {"қатысамын", sNoData}, {"қатыса аламын", sNoData}, {"қатыс*", sWho | sAttend}, {"келді", sAttend}, {"келген", sAttend}, {"келгендер*", sAttend}, {"жүргіз*", sWho | sSpoke | sModerator},
	{"ұйымдастыр*", sOrganizer},
	// A person's post: "Серік Ахмет қандай қызметте?" asks who they are.
	{"қызмет*", sWho}, {"лауазым*", sWho},
	// Who opened a forum is who moderated it ("Форумды ашқан және
	// жүргізген"), not every speaker.
	{"ашты", sWho | sSpoke | sModerator}, {"ашқан", sWho | sSpoke | sModerator},
	{"жеңді", sWin}, {"жеңіп", sWin}, {"жеңіске", sWin}, {"жеңген*", sWin}, {"жеңімпаз*", sWin | sAward},
	{"берілді", sWin}, {"берді", sWin | sPresenter}, {"алды", sWin}, {"алған", sWin}, {"тапсырылды", sWin},
	{"марапатталды", sWin}, {"марапаттады", sWin | sPresenter}, {"тапсырды", sWin | sPresenter}, {"марапатталған*", sWin},
	{"марапат*", sAward}, {"жүлде*", sAward}, {"сыйлық*", sAward}, {"номинация*", sAward},
	{"аталым*", sAward}, {"байқау*", sAward}, {"медаль*", sAward},
	{"қанша", sAsk | sHowMany}, {"неше", sAsk | sHowMany}, {"саны", sHowMany},
	{"не туралы", sAsk | sAbout}, {"туралы", sAbout}, {"тақырыб*", sAbout}, {"талқыла*", sAbout},
	{"мақсат*", sAbout}, {"арнал*", sAbout}, {"күн тәртібі*", sAbout}, {"не айтылды", sAsk | sAbout},
	{"не айтты", sAsk | sAbout}, {"не деді", sAsk | sAbout}, {"айтты", sAbout}, {"деді", sAbout},
	{"қабылда*", sOutcome}, {"нәтиже*", sOutcome}, {"жетістік*", sOutcome}, {"қорытынды*", sOutcome}, {"шешім*", sOutcome},
	{"қол қой*", sOutcome}, {"меморандум*", sOutcome}, {"үндеу*", sOutcome},
	{"келесі*", sNext}, {"алдағы", sNext}, {"болатын", sNext}, {"өтетін", sNext}, {"өтеді", sNext},
	{"болады", sNext}, {"жоспарлан*", sNext},
	{"соңғы*", sLast}, {"ең соңғы", sLast}, {"жуырда*", sLast}, {"кейінгі", sLast},
	{"биыл*", sThisYear}, {"былтыр*", sLastYear}, {"келесі жылы", sNextYear},
	{"рет", sTimes},
	{"ма", sAsk}, {"ме", sAsk}, {"ба", sAsk}, {"бе", sAsk}, {"па", sAsk}, {"пе", sAsk},
	{"ше", sAsk}, {"қалай", sAsk}, {"қайтіп", sAsk}, {"нешінші", sAsk}, {"қандай", sAsk}, {"қай", sAsk}, {"қайсы*", sAsk}, {"не", sAsk}, {"нені", sAsk},
	// The question particle written together with its verb.
	{"бола ма", sAsk | sNext}, {"болама", sAsk | sNext}, {"болдыма", sAsk}, {"өттіме", sAsk}, {"барма", sAsk},
	{"айтып бер*", sAsk}, {"айтыңыз*", sAsk}, {"айтшы", sAsk}, {"білесің бе", sAsk},
	{"цифр*", sFigure}, {"көрсеткіш*", sFigure}, {"дерек*", sFigure},

	// Russian.
	{"когда", sAsk | sWhen}, {"какой день", sAsk | sWhen | sDay}, {"в какой день", sAsk | sWhen | sDay}, {"какого числа", sAsk | sWhen | sDay}, {"как* год*", sAsk | sWhen},
	{"как* дат*", sAsk | sWhen | sDay}, {"дата", sDate | sDay}, {"даты", sDate | sDay}, {"дату", sDate | sDay},
	{"точн* дат*", sAsk | sDate | sDay}, {"как* месяц*", sAsk | sWhen | sDay}, {"месяц*", sDate | sDay},
	{"сроки", sDate},
	{"где", sAsk | sWhere}, {"куда", sAsk | sWhere}, {"как* город*", sAsk | sWhere | sCity},
	{"как* област*", sAsk | sWhere}, {"как* регион*", sAsk | sWhere}, {"место", sPlace},
	{"места", sPlace}, {"площадк*", sPlace}, {"адрес*", sPlace | sVenue},
	{"кто", sAsk | sWho}, {"кого", sAsk | sWho}, {"кому", sAsk | sWho}, {"кем", sAsk | sWho},
	{"выступ*", sWho | sSpoke}, {"спикер*", sWho | sSpoke}, {"доклад*", sWho | sSpoke}, {"участвова*", sWho | sAttend}, {"участник*", sAttend}, {"пришл*", sAttend}, {"пришел", sAttend},
	{"присутствова*", sAttend}, {"посетил*", sAttend}, {"посетител*", sAttend},
	{"модератор*", sWho | sSpoke | sModerator}, {"модерир*", sWho | sSpoke | sModerator}, {"вел", sWho | sSpoke | sModerator},
	{"вела", sWho | sSpoke | sModerator},
	{"должност*", sWho}, {"кто такой", sAsk | sWho}, {"кто такая", sAsk | sWho}, {"кто такие", sAsk | sWho},
	{"ведущ*", sWho | sSpoke | sModerator}, {"кем работает", sAsk | sWho},
	{"открыл", sWho | sSpoke | sModerator}, {"открыла", sWho | sSpoke | sModerator}, {"открывал*", sWho | sSpoke | sModerator},
	{"организовал*", sOrganizer}, {"организатор*", sOrganizer}, {"организовыва*", sOrganizer},
	{"провел", sOrganizer}, {"провели", sOrganizer},
	{"победи*", sWin | sAward}, {"выиграл*", sWin}, {"наградил", sWin | sPresenter}, {"наградила", sWin | sPresenter}, {"наградил*", sWin}, {"награжд*", sWin},
	{"получил*", sWin}, {"отмечен*", sWin}, {"вручил", sWin | sPresenter}, {"вручила", sWin | sPresenter}, {"вручил*", sWin}, {"вручен*", sWin}, {"вручал*", sWin | sPresenter},
	{"дали", sWin}, {"дал", sWin},
	{"наград*", sAward}, {"преми*", sAward}, {"лауреат*", sAward}, {"номинаци*", sAward},
	{"конкурс*", sAward}, {"приз*", sAward}, {"медал*", sAward},
	{"сколько", sAsk | sHowMany}, {"скока", sAsk | sHowMany}, {"скоко", sAsk | sHowMany}, {"скок", sAsk | sHowMany}, {"скоке", sAsk | sHowMany}, {"количество", sAsk | sHowMany}, {"число", sHowMany},
	{"о чем", sAsk | sAbout}, {"про что", sAsk | sAbout}, {"тема", sAbout}, {"темы", sAbout},
	{"теме", sAbout}, {"тему", sAbout}, {"темой", sAbout}, {"тематик*", sAbout},
	{"обсужда*", sAbout}, {"обсудил*", sAbout}, {"посвящ*", sAbout}, {"цель", sAbout},
	{"цели", sAbout}, {"повестк*", sAbout}, {"говорил*", sAbout}, {"сказал*", sAbout},
	{"заявил*", sAbout}, {"рассказал*", sAbout},
	{"принял*", sOutcome}, {"приняли", sOutcome}, {"принят*", sOutcome}, {"итог*", sOutcome},
	{"результат*", sOutcome}, {"решени*", sOutcome}, {"подписа*", sOutcome}, {"достиг*", sOutcome},
	{"меморандум*", sOutcome}, {"обращени*", sOutcome}, {"резолюци*", sOutcome},
	{"чем закончил*", sAsk | sOutcome}, {"примут", sOutcome}, {"примет", sOutcome},
	{"следующ*", sNext}, {"ближайш*", sNext}, {"предстоящ*", sNext}, {"будущ*", sNext},
	{"будет", sNext}, {"пройдет", sNext}, {"состоится", sNext}, {"планиру*", sNext},
	{"запланир*", sNext},
	{"последн*", sLast}, {"недавн*", sLast},
	{"этом году", sThisYear}, {"текущем году", sThisYear}, {"прошлом году", sLastYear},
	{"следующем году", sNextYear}, {"будущем году", sNextYear},
	{"раз", sTimes},
	{"что", sAsk}, {"чему", sAsk}, {"как", sAsk}, {"какой", sAsk}, {"который", sAsk}, {"ли", sAsk}, {"расскаж*", sAsk},
	{"подскаж*", sAsk}, {"скаж*", sAsk}, {"расскаж* о", sAsk | sAbout}, {"расскаж* об", sAsk | sAbout},
	{"расскаж* про", sAsk | sAbout}, {"что известно о", sAsk | sAbout},
	{"цифр*", sFigure}, {"статистик*", sFigure}, {"показател*", sFigure},

	// English.
	{"when", sAsk | sWhen}, {"wen", sAsk | sWhen}, {"whn", sAsk | sWhen}, {"what date", sAsk | sWhen | sDay},
	{"what month", sAsk | sWhen | sDay}, {"which month", sAsk | sWhen | sDay}, {"month", sDate | sDay}, {"what year", sAsk | sWhen},
	{"which year", sAsk | sWhen}, {"what day", sAsk | sWhen | sDay}, {"which day", sAsk | sWhen | sDay},
	{"date", sDate | sDay}, {"dates", sDate | sDay}, {"exact date", sAsk | sDate | sDay},
	{"where", sAsk | sWhere},
	{"which city", sAsk | sWhere | sCity}, {"what city", sAsk | sWhere | sCity},
	{"which region", sAsk | sWhere}, {"venue*", sPlace | sVenue}, {"address*", sPlace | sVenue}, {"location", sPlace},
	{"who", sAsk | sWho}, {"whos", sAsk | sWho}, {"whom", sAsk | sWho}, {"whose", sAsk | sWho},
	{"spoke", sWho | sSpoke}, {"talked at", sWho | sSpoke}, {"speak*", sWho | sSpoke}, {"speech*", sWho | sSpoke}, {"moderat*", sWho | sSpoke | sModerator},
	{"participa*", sWho | sAttend}, {"took part", sWho | sAttend}, {"take part", sWho | sAttend}, {"taking part", sWho | sAttend}, {"attend*", sWho | sAttend},
	{"came", sAttend}, {"come", sAttend}, {"showed up", sAttend}, {"visitors", sAttend},
	{"position", sWho}, {"host", sWho | sSpoke | sModerator}, {"mc", sWho | sSpoke | sModerator}, {"job title", sWho},
	{"opened", sWho | sSpoke | sModerator},
	{"organized", sOrganizer}, {"organised", sOrganizer}, {"organizer*", sOrganizer},
	{"organiser*", sOrganizer}, {"hosted", sOrganizer},
	{"won", sWin}, {"win", sWin}, {"wins", sWin}, {"winner*", sWin | sAward}, {"honoured", sWin},
	{"honored", sWin}, {"receive*", sWin}, {"given", sWin}, {"gave", sWin | sPresenter}, {"presented", sWin | sPresenter},
	{"handed", sWin | sPresenter}, {"handed out", sWin | sPresenter}, {"got", sWin}, {"get", sWin},
	{"award*", sAward}, {"prize*", sAward}, {"nominat*", sAward}, {"contest*", sAward},
	{"competition*", sAward}, {"laureate*", sAward}, {"medal*", sAward},
	{"how many", sAsk | sHowMany}, {"how much", sAsk | sHowMany}, {"number of", sHowMany},
	{"about", sAbout}, {"theme*", sAbout}, {"topic*", sAbout}, {"discuss*", sAbout},
	{"agenda", sAbout}, {"focus*", sAbout}, {"aim*", sAbout}, {"purpose", sAbout},
	{"dedicated", sAbout}, {"say", sAbout}, {"said", sAbout}, {"talk*", sAbout},
	{"adopt*", sOutcome}, {"achiev*", sOutcome}, {"outcome*", sOutcome}, {"result*", sOutcome}, {"resolution*", sOutcome},
	{"signed", sOutcome}, {"decid*", sOutcome}, {"decision*", sOutcome}, {"memorandum*", sOutcome},
	{"appeal", sOutcome},
	{"next", sNext}, {"upcoming", sNext}, {"coming", sNext}, {"future", sNext}, {"will", sNext},
	{"planned", sNext}, {"scheduled", sNext},
	{"last", sLast}, {"latest", sLast}, {"recent", sLast}, {"most recent", sLast}, {"previous", sLast},
	{"this year", sThisYear}, {"last year", sLastYear}, {"next year", sNextYear},
	{"times", sTimes},
	{"what", sAsk}, {"whats", sAsk}, {"which", sAsk}, {"how", sAsk}, {"did", sAsk}, {"does", sAsk},
	{"is there", sAsk}, {"are there", sAsk}, {"was there", sAsk}, {"tell", sAsk},
	{"do you know", sAsk},
	{"figure*", sFigure}, {"statistic*", sFigure}, {"numbers", sFigure},

	// What a catalog never holds.
	{"демеуші*", sNoData}, {"бағасы", sNoData}, {"құны", sNoData}, {"байланыс телефон*", sNoData},
	{"спонсир*", sNoData}, {"спонсор*", sNoData}, {"стоимост*", sNoData}, {"стоил*", sNoData},
	{"стоит", sNoData}, {"цена", sNoData}, {"цену", sNoData}, {"телефон*", sNoData},
	// "cost" and "fee" whole: folded, "cost*" would be the start of "Костанай".
	{"sponsor*", sNoData}, {"cost", sNoData}, {"costs", sNoData}, {"price*", sNoData}, {"fee", sNoData}, {"fees", sNoData},
	{"phone*", sNoData}, {"contact*", sNoData},
	// Registration, the hour and what one wears: the reports never give them.
	// ("тіркелген", "зарегистрировано", "registered" are of the NGOs' figures).
	{"тіркелу*", sNoData}, {"тіркеу*", sNoData}, {"регистрац*", sNoData}, {"зарегистрироваться", sNoData},
	{"регистрироваться", sNoData}, {"register for", sNoData}, {"registration*", sNoData}, {"sign up", sNoData},
	{"саат нешеде", sAsk | sNoData}, {"қай сағатта", sAsk | sNoData}, {"сағат*", sNoData},
	{"во сколько", sAsk | sNoData}, {"в котором часу", sAsk | sNoData}, {"час", sNoData}, {"часа", sNoData}, {"часов", sNoData}, {"часу", sNoData},
	{"what time", sAsk | sNoData}, {"how long", sAsk | sNoData}, {"o clock", sNoData}, {"dress code", sNoData}, {"дресс код", sNoData},
	{"билет*", sNoData}, {"бесплатн*", sNoData}, {"платн*", sNoData}, {"вход", sNoData}, {"тегін", sNoData},
	{"entry", sNoData}, {"entrance", sNoData}, {"admission", sNoData},
	// How one takes part, and the weather.
	{"как попасть", sAsk | sNoData},
	{"как участвовать", sAsk | sNoData}, {"how can i", sAsk | sNoData}, {"how do i", sAsk | sNoData},
	{"ауа райы*", sNoData}, {"погод*", sNoData}, {"weather", sNoData}, {"ticket*", sNoData}, {"бағасы*", sNoData},

	// A month names a date finer than the year: "тамызда өтті ме?",
	// "в октябре?", "in May?" ("may" alone is a verb, "March" a word of
	// "march").
	{"қаңтар*", sDate | sDay}, {"ақпан*", sDate | sDay}, {"наурыз*", sDate | sDay}, {"сәуір*", sDate | sDay},
	{"мамыр*", sDate | sDay}, {"маусым*", sDate | sDay}, {"шілде*", sDate | sDay}, {"тамыз*", sDate | sDay},
	{"қыркүйек*", sDate | sDay}, {"қазанда", sDate | sDay}, {"қарашада", sDate | sDay}, {"желтоқсан*", sDate | sDay},
	{"январ*", sDate | sDay}, {"феврал*", sDate | sDay}, {"марте", sDate | sDay}, {"апрел*", sDate | sDay},
	{"мае", sDate | sDay}, {"июн*", sDate | sDay}, {"июл*", sDate | sDay}, {"август*", sDate | sDay},
	{"сентябр*", sDate | sDay}, {"октябр*", sDate | sDay}, {"ноябр*", sDate | sDay}, {"декабр*", sDate | sDay},
	{"january", sDate | sDay}, {"february", sDate | sDay}, {"april", sDate | sDay}, {"june", sDate | sDay},
	{"july", sDate | sDay}, {"august", sDate | sDay}, {"september", sDate | sDay}, {"october", sDate | sDay},
	{"november", sDate | sDay}, {"december", sDate | sDay},

	// The forum itself, in any form ("форумда", "форумов", "forums").
	{"форум*", sForum}, {"жиын*", sForum},

	// Words that carry nothing once the rest is understood.
	{"өтті", sFiller}, {"өтті ме", sAsk}, {"өткен", sFiller}, {"өткізілді", sFiller},
	{"болды", sFiller}, {"болған", sFiller}, {"бар", sFiller}, {"еді", sFiller}, {"екен", sFiller},
	{"маған", sFiller}, {"осы", sFiller}, {"сол", sFiller}, {"ол", sFiller}, {"және", sFiller},
	{"мен", sFiller}, {"бен", sFiller}, {"пен", sFiller}, {"жылы", sFiller}, {"жыл", sFiller},
	{"жылғы", sFiller}, {"азаматтық", sFiller}, {"өзі", sFiller}, {"ғой", sFiller}, {"енді", sFiller},
	{"прошел", sFiller}, {"прошла", sFiller}, {"проходил", sFiller}, {"проводился", sFiller},
	{"состоялся", sFiller}, {"был", sFiller}, {"была", sFiller}, {"было", sFiller},
	{"были", sFiller}, {"в", sFiller}, {"во", sFiller}, {"на", sFiller}, {"и", sFiller},
	{"о", sFiller}, {"об", sFiller}, {"по", sFiller}, {"с", sFiller}, {"у", sFiller},
	{"за", sFiller}, {"для", sFiller}, {"от", sFiller}, {"из", sFiller}, {"этот", sFiller},
	{"этом", sFiller}, {"там", sFiller}, {"всего", sFiller}, {"мне", sFiller},
	{"пожалуйста", sFiller}, {"ну", sFiller}, {"вот", sFiller}, {"же", sFiller}, {"а", sFiller}, {"год", sFiller}, {"году", sFiller}, {"года", sFiller},
	{"г", sFiller}, {"гражданский", sFiller}, {"форуме", sFiller}, {"есть", sFiller},
	{"the", sFiller}, {"a", sFiller}, {"an", sFiller}, {"of", sFiller}, {"in", sFiller},
	{"on", sFiller}, {"at", sFiller}, {"and", sFiller}, {"for", sFiller}, {"to", sFiller},
	{"was", sFiller}, {"were", sFiller}, {"is", sFiller}, {"are", sFiller}, {"be", sFiller},
	{"held", sFiller}, {"take", sFiller}, {"took", sFiller}, {"place", sFiller},
	{"there", sFiller}, {"it", sFiller}, {"me", sFiller}, {"please", sFiller}, {"civil", sFiller},
	{"do", sFiller}, {"you", sFiller}, {"know", sFiller}, {"year", sFiller}, {"happen*", sFiller},
	{"каталог*", sFiller}, {"catalog*", sFiller}, {"бот*", sFiller}, {"bot", sFiller},
	{"барлығы", sFiller}, {"барлық", sFiller}, {"жалпы", sFiller}, {"всего", sFiller},
	{"вообще", sFiller}, {"total", sFiller}, {"all", sFiller}, {"overall", sFiller},
	{"in total", sFiller}, {"altogether", sFiller}, {"r", sFiller}, {"u", sFiller}, {"pls", sFiller},
	{"plz", sFiller}, {"um", sFiller}, {"so", sFiller}, {"like", sFiller},
	{"NGO forum*", sForum}, {"ҮЕҰ форум*", sForum}, {"форум* НПО", sForum},
	{"форум* неправительствен* организац*", sForum},
	{"үкіметтік емес ұйымдар* форум*", sForum},
}

// moderatorRoles are the words a speaker's role has when the speaker
// moderated the forum.
var moderatorRoles = []string{"модератор*", "moderator*", "жүргізуші*"}

// figureKinds are the words that ask for each kind of catalog.Figure.
var figureKinds = []struct {
	kind    string
	pattern string
}{
	{"ngo_count", "ҮЕҰ"}, {"ngo_count", "ұйым*"}, {"ngo_count", "НПО"}, {"ngo_count", "НКО"},
	{"ngo_count", "неправительствен*"}, {"ngo_count", "организац*"}, {"ngo_count", "NGO*"},
	{"ngo_count", "organisation*"}, {"ngo_count", "organization*"},
	{"ngo_count", "non governmental"}, {"ngo_count", "общественн* организ*"},
	{"projects", "жоба*"}, {"projects", "проект*"}, {"projects", "project*"},
	{"funding", "қаржы*"}, {"funding", "ақша*"}, {"funding", "теңге*"}, {"funding", "бюджет*"},
	{"funding", "финанс*"}, {"funding", "деньг*"}, {"funding", "денег"}, {"funding", "fund*"}, {"funding", "money"},
	{"funding", "budget*"}, {"funding", "tenge"}, {"funding", "тапсырыс*"}, {"funding", "заказ*"},
	{"funding", "spent"}, {"funding", "spend*"}, {"funding", "allocat*"}, {"funding", "выдел*"},
	{"funding", "потрач*"}, {"funding", "бөлін*"}, {"funding", "жұмсал*"},
	{"volunteers", "ерікті*"}, {"volunteers", "волонт*"}, {"volunteers", "volunteer*"},
}

// genericNameWords say what kind of thing a name is rather than which one:
// "байқауы", "конкурс", "contest", "қоғамдық бірлестігі". A catalog name is
// recognised in a question by its other words.
var genericNameWords = []string{
	"байқау*", "конкурс*", "contest", "competition", "медаль*", "медал*", "medal",
	"номинация", "nomination", "республикалық", "республиканск*", "national",
	"қоғамдық", "общественн*", "public", "бірлестіг*", "объединени*", "association",
	"ұйым*", "организац*", "organisation*", "organization*", "қор*", "фонд*",
	"foundation", "орталығ*", "орталық", "центр*", "centre", "center", "ҮЕҰ", "НПО",
	"NGO*", "азаматтық", "гражданск*", "civil", "жыл", "жылдың", "год*", "year",
	"облыс*", "област*", "region", "қала*", "город*", "city", "ғимарат*", "здани*",
	"building", "үйі", "дом*", "house", "марапаттау", "награждени*", "awards",
	"хабарламада", "сообщении", "report", "келтірілмеген", "приводятся", "named",
	"атаулары", "названия", "аты-жөндері", "имена",
	// Function words.
	"мен", "бен", "пен", "және", "и", "в", "на", "по", "для", "при", "and", "of", "the",
	"in", "for", "at", "by", "to",
}

// placeGenericWords are the words of a place name that say it is a region
// or a city ("облысы", "область", "Region", "қаласы", "город", "City").
// A place is recognised without them, and better with them.
var placeGenericWords = []string{
	"облыс*", "област*", "обл", "region", "қала*", "город*", "city",
}

// ordinalWords are the ordinal numerals: Kazakh, Russian and English, each
// in the form a question is likely to use; endings are handled by stemming.
// Kazakh ordinals from eleven on are two words ("он бірінші"), which the
// parser puts together from the tens and the ones.
var ordinalWords = [][]string{
	1:  {"бірінші", "первый", "first"},
	2:  {"екінші", "второй", "second"},
	3:  {"үшінші", "третий", "третьем", "третьего", "third"},
	4:  {"төртінші", "четвертый", "fourth"},
	5:  {"бесінші", "пятый", "fifth"},
	6:  {"алтыншы", "шестой", "sixth"},
	7:  {"жетінші", "седьмой", "seventh"},
	8:  {"сегізінші", "восьмой", "eighth"},
	9:  {"тоғызыншы", "девятый", "ninth"},
	10: {"оныншы", "десятый", "tenth"},
	11: {"одиннадцатый", "eleventh"},
	12: {"двенадцатый", "twelfth"},
	13: {"тринадцатый", "thirteenth"},
	14: {"четырнадцатый", "fourteenth"},
	15: {"пятнадцатый", "fifteenth"},
	16: {"шестнадцатый", "sixteenth"},
	17: {"семнадцатый", "seventeenth"},
	18: {"восемнадцатый", "eighteenth"},
	19: {"девятнадцатый", "nineteenth"},
	20: {"жиырмасыншы", "двадцатый", "twentieth"},
}

// kazakhTens are the first words of the two-word Kazakh ordinals: "он
// бірінші" is 11, "жиырма екінші" is 22.
var kazakhTens = map[string]int{"он": 10, "жиырма": 20, "отыз": 30}

// ordinalSuffixes are what follows a number written as an ordinal: "8-ші",
// "8-й", "8-го", "8th", "2nd", once folded and split from the digits.
var ordinalSuffixes = []string{
	"ші", "шы", "інші", "ыншы", "нші", "ншы", "й", "ый", "ий", "ой", "го", "ом", "м",
	"th", "st", "nd", "rd",
}
