package qa

import (
	"html"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/locales"
)

// maxAnswered is how many forums one reply answers for; with more, it asks
// which one is meant.
const maxAnswered = 3

// maxListed bounds the forums a count or a "which one?" lists.
const maxListed = 8

// esc escapes catalog text for Telegram's HTML parse mode.
func esc(s string) string { return html.EscapeString(s) }

// writer writes the reply in one language.
type writer struct {
	e    *Engine
	t    *locales.Localizer
	lang string
	now  time.Time
}

// block is the answer for one forum.
type block struct {
	known bool // the catalog holds the fact
	text  string
	forum *catalog.Forum
}

func (a *analysis) reply(e *Engine, lang string, now time.Time) Result {
	w := &writer{e: e, t: locales.For(lang), lang: lang, now: now}
	res := Result{Fact: a.fact, Understood: a.understood(w)}
	switch {
	case !a.q.isQuestion():
		res.Kind = NotQuestion
		return res
	case len(a.unknowns) > 0:
		res.Kind = Unknown
		res.Text = w.t.T("qa_unknown_name", "Name", esc(a.unknowns[0]))
		if a.hard && len(a.cands) == 1 {
			// What is known of the one forum the question is about.
			f := e.forums[a.cands[0]]
			res.Forums = []*catalog.Forum{f}
			res.Text += " " + w.heldSentence(f)
		}
		return res
	case a.hard && len(a.cands) == 0:
		res.Kind = Unknown
		key := "qa_no_forum"
		if a.fact == FactNext {
			key = "qa_next_none"
		}
		res.Text = w.t.T(key, "Filter", w.filter(a))
		// Forums that fit but for a year, which they have no known one
		// of: they may have been held then.
		if undated := e.undatedOtherwise(a); len(undated) > 0 {
			res.Text += w.undatedNote(undated)
			res.Forums = undated
		}
		return res
	case a.q.sig&sNoData != 0:
		res.Kind = Unknown
		res.Text = w.t.T("qa_no_data", "Filter", w.filter(a))
		if forums := e.sorted(a.cands); len(forums) <= maxAnswered {
			res.Forums = forums
			if len(forums) == 1 && a.hard {
				// What is known of the one forum the question is about.
				res.Text += " " + w.heldSentence(forums[0])
			}
		}
		return res
	case a.fact == FactNone:
		res.Kind = NotUnderstood
		return res
	}
	forums := e.sorted(a.cands)
	switch a.fact {
	case FactCount:
		return w.count(a, res, forums)
	case FactNext, FactLast:
		return w.nextOrLast(a, res, forums)
	}
	if a.next || a.last {
		// "Who spoke at the last forum?": the selector picks the forum.
		f, ok := w.pick(a, forums)
		if !ok {
			return w.nextOrLast(a, res, forums)
		}
		forums = []*catalog.Forum{f}
	}
	// Of several forums, the ones that hold the fact asked for; of a
	// figure, those whose figures fit the question best.
	if len(forums) > 1 {
		if with := slices.DeleteFunc(slices.Clone(forums), func(f *catalog.Forum) bool { return !w.holds(a, f) }); len(with) > 0 {
			forums = with
		}
	}
	if len(forums) > 1 && a.fact == FactFigure {
		best := 0
		fits := make([]int, len(forums))
		for i, f := range forums {
			_, fits[i] = w.figures(a, f)
			best = max(best, fits[i])
		}
		var top []*catalog.Forum
		for i, f := range forums {
			if fits[i] == best {
				top = append(top, f)
			}
		}
		forums = top
	}
	if len(forums) > maxAnswered {
		res.Kind = Ambiguous
		res.Forums = forums[:min(len(forums), maxListed)]
		res.Text = w.t.N("qa_which", len(forums))
		return res
	}
	var blocks []block
	for _, f := range forums {
		blocks = append(blocks, w.fact(a, f))
	}
	return combine(res, blocks)
}

// tidy drops the second of two full stops where a date's abbreviation ends
// a sentence: "прошёл в 2018 г.." becomes "прошёл в 2018 г.". Catalog texts
// in the sentence are quoted or in parentheses, so it never touches them.
func tidy(s string) string {
	if !strings.Contains(s, "..") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '.' && i > 0 && s[i-1] == '.' && (i < 2 || s[i-2] != '.') && (i+1 >= len(s) || s[i+1] != '.') {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// combine puts the answers for one or more forums together.
func combine(res Result, blocks []block) Result {
	var texts []string
	known := 0
	for _, b := range blocks {
		texts = append(texts, b.text)
		res.Forums = append(res.Forums, b.forum)
		if b.known {
			known++
		}
	}
	res.Text = strings.Join(texts, "\n\n")
	switch {
	case known == 0:
		res.Kind = Unknown
	case len(blocks) == 1:
		res.Kind = Answered
	default:
		res.Kind = Several
	}
	return res
}

// sorted returns the forums of indices, newest first; undated ones last,
// in catalog order.
func (e *Engine) sorted(indices []int) []*catalog.Forum {
	out := make([]*catalog.Forum, 0, len(indices))
	for _, i := range indices {
		out = append(out, e.forums[i])
	}
	slices.SortStableFunc(out, func(a, b *catalog.Forum) int {
		switch ka, kb := dateKey(a.Start), dateKey(b.Start); {
		case ka > kb:
			return -1
		case ka < kb:
			return 1
		}
		return 0
	})
	return out
}

// dateKey orders dates; an unknown date is 0, before every known one.
func dateKey(d catalog.Date) int {
	if !d.Known() {
		return 0
	}
	return d.Year*10000 + d.Month*100 + d.Day
}

// holds reports whether the catalog has what the question asks for about f.
func (w *writer) holds(a *analysis, f *catalog.Forum) bool {
	switch a.fact {
	case FactWho:
		if a.q.sig&sOrganizer != 0 {
			return len(f.Organizers) > 0
		}
		return len(w.speakers(a, f)) > 0
	case FactAward:
		return len(f.Awards) > 0
	case FactFigure:
		gs, _ := w.figures(a, f)
		return len(gs) > 0
	case FactAbout:
		return !f.Theme.IsZero() || len(f.Agenda) > 0 || !f.Summary.IsZero()
	case FactOutcome:
		return len(f.Outcomes) > 0
	}
	return true
}

// fact answers the question for one forum.
func (w *writer) fact(a *analysis, f *catalog.Forum) block {
	switch a.fact {
	case FactWhen, FactWhere:
		return w.held(a, f)
	case FactWho:
		return w.who(a, f)
	case FactAward:
		return w.awards(a, f)
	case FactFigure:
		return w.figureBlock(a, f)
	case FactAbout:
		return w.about(a, f)
	case FactOutcome:
		return w.outcomes(f)
	}
	return w.held(a, f)
}

// forumName is the forum's title in quotes.
func (w *writer) forumName(f *catalog.Forum) string {
	return w.t.T("qa_forum", "Title", esc(f.Title.In(w.lang)))
}

// wherePhrase is where a sentence says the forum took place: "в Таразе
// (Гражданский центр)", or "" when the city is not known.
func (w *writer) wherePhrase(f *catalog.Forum) string {
	if f.City.IsZero() {
		return ""
	}
	s := esc(f.CityIn.In(w.lang))
	if f.CityIn.IsZero() {
		s = w.t.T("qa_in_city", "City", esc(f.City.In(w.lang)))
	}
	if v := f.Venue.In(w.lang); v != "" {
		s = w.t.T("qa_place_venue", "Place", s, "Venue", esc(v))
	}
	return s
}

// regionName is the forum's region, or "".
func (w *writer) regionName(f *catalog.Forum) string {
	if r, ok := catalog.RegionByCode(f.Region); ok {
		return esc(r.Name.In(w.lang))
	}
	return ""
}

// heldSentence says when and where f took place, as far as the catalog
// knows: "«VIII форум …» прошёл 16 октября 2018 г. в Таразе (Гражданский
// центр)."
func (w *writer) heldSentence(f *catalog.Forum) string {
	when, where := forumWhen(w.t, f), w.wherePhrase(f)
	if when != "" {
		when = " " + when
	}
	if where != "" {
		where = " " + where
	}
	key := "qa_held_past"
	switch {
	case f.Cancelled:
		key = "qa_held_cancelled"
	case f.Upcoming(w.now):
		key = "qa_held_future"
	}
	s := tidy(w.t.T(key, "Forum", w.forumName(f), "When", when, "Where", where))
	if f.City.IsZero() {
		if v := f.Venue.In(w.lang); v != "" {
			s += " " + w.t.T("qa_place_nocity", "Place", w.join(esc(v), w.regionName(f)))
		}
	}
	return s
}

// held answers when or where a forum took place.
func (w *writer) held(a *analysis, f *catalog.Forum) block {
	name := w.forumName(f)
	b := block{forum: f, known: true}
	switch {
	case a.fact == FactWhen && !f.Start.Known():
		b.known = false
		b.text = w.t.T("qa_date_unknown", "Forum", name) + w.knownPlace(f)
		if f.Days > 1 {
			b.text += " " + w.t.T("qa_known_days", "Days", esc(w.t.N("days", f.Days)))
		}
	case a.fact == FactWhen && a.q.sig&sDay != 0 && f.Start.Precision != catalog.PrecisionDay:
		// The day is asked, the catalog knows the month or the year.
		b.known = false
		when, where := " "+forumWhen(w.t, f), w.wherePhrase(f)
		if where != "" {
			where = " " + where
		}
		b.text = tidy(w.t.T("qa_day_unknown", "Forum", name, "When", when, "Where", where))
	case a.fact == FactWhere && f.City.IsZero() && f.Venue.IsZero():
		b.known = false
		b.text = w.t.T("qa_place_unknown", "Forum", name, "Region", w.regionName(f))
	case a.fact == FactWhere && a.q.sig&sVenue != 0 && f.Venue.IsZero():
		// The address or the building is asked; the city is not it.
		b.known = false
		b.text = w.t.T("qa_no_data", "Filter", "") + " " + w.heldSentence(f)
	case a.fact == FactWhere && a.q.sig&sCity != 0 && f.City.IsZero():
		b.known = false
		b.text = w.t.T("qa_city_unknown", "Forum", name, "Region", w.regionName(f)) +
			" " + w.t.T("qa_known_venue", "Place", esc(f.Venue.In(w.lang)))
	default:
		b.text = w.heldSentence(f)
	}
	return b
}

// knownPlace is " Известно, что он прошёл в Талдыкоргане." for a forum with
// no known date, or "".
func (w *writer) knownPlace(f *catalog.Forum) string {
	if p := w.wherePhrase(f); p != "" {
		return " " + w.t.T("qa_known_where", "Where", p)
	}
	if v := f.Venue.In(w.lang); v != "" {
		return " " + w.t.T("qa_known_venue", "Place", w.join(esc(v), w.regionName(f)))
	}
	return ""
}

func (w *writer) join(parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), ", ")
}

// bullets is a header followed by one line per item.
func bullets(header string, items []string) string {
	var b strings.Builder
	b.WriteString(header)
	for _, it := range items {
		b.WriteString("\n• ")
		b.WriteString(it)
	}
	return b.String()
}

// who answers who spoke at or organized a forum, or who a person named in
// the question is.
func (w *writer) who(a *analysis, f *catalog.Forum) block {
	name := w.forumName(f)
	fi := w.e.index(f)
	for _, m := range a.entities {
		en := &w.e.names.entities[m.entity]
		if en.kind == kindSpeaker {
			for _, r := range en.refs {
				if r.forum == fi {
					p := f.Speakers[r.item]
					return block{known: true, forum: f, text: w.t.T("qa_person_speaker",
						"Name", esc(p.Name.In(w.lang)), "Role", w.paren(p.Role), "Forum", name)}
				}
			}
		}
		if en.kind.awardLevel() {
			return w.awards(a, f)
		}
	}
	if a.q.sig&sOrganizer != 0 {
		if len(f.Organizers) == 0 {
			return block{forum: f, text: w.t.T("qa_organizers_unknown", "Forum", name)}
		}
		var items []string
		for _, o := range f.Organizers {
			items = append(items, esc(o.In(w.lang)))
		}
		return block{known: true, forum: f, text: bullets(w.t.T("qa_organizers", "Forum", name), items)}
	}
	speakers := w.speakers(a, f)
	if a.q.sig&(sSpoke|sModerator) == 0 && !a.roleNamed(f) && w.e.leftoverWords(a.q) {
		// "Кто помогает детям?": who did something the question names,
		// which the catalog does not say; its speakers are not the answer.
		return block{forum: f, text: w.t.T("qa_no_data", "Filter", "")}
	}
	if deputies := w.deputiesOnly(a, f, speakers); deputies {
		// "Кто аким?" of a forum where a deputy akim spoke: the catalog
		// does not name the akim; the deputy is what it knows.
		var items []string
		for _, i := range speakers {
			p := f.Speakers[i]
			items = append(items, esc(p.Name.In(w.lang))+w.paren(p.Role))
		}
		return block{forum: f, text: w.t.T("qa_no_data", "Filter", "") + " " + bullets(w.t.T("qa_speakers", "Forum", name), items)}
	}
	switch {
	case len(speakers) == 0 && a.q.sig&sModerator != 0:
		return block{forum: f, text: w.t.T("qa_moderator_unknown", "Forum", name)}
	case len(speakers) == 0:
		return block{forum: f, text: w.t.T("qa_speakers_unknown", "Forum", name)}
	}
	var items []string
	for _, i := range speakers {
		p := f.Speakers[i]
		items = append(items, esc(p.Name.In(w.lang))+w.paren(p.Role))
	}
	return block{known: true, forum: f, text: bullets(w.t.T("qa_speakers", "Forum", name), items)}
}

// deputyWords mark a role as a deputy's: asked for the akim or the
// chairman, a deputy is not the answer.
var deputyWords = []string{"заместитель", "замест*", "орынбасар*", "deputy", "вице*", "vice*"}

// deputiesOnly reports whether the question names a role ("аким") that the
// speakers chosen hold only as deputies, and does not ask for a deputy.
func (w *writer) deputiesOnly(a *analysis, f *catalog.Forum, speakers []int) bool {
	if a.q.sig&sSpoke != 0 || len(speakers) == 0 {
		return false // "кто из акимата выступал": a deputy did
	}
	tb := compiled()
	exact := false
	for _, p := range f.Speakers {
		for _, s := range p.Role.All() {
			for _, tok := range catalog.Tokens(s) {
				exact = exact || utf8.RuneCountInString(tok) >= prefixMinRunes && a.q.freeStem(catalog.Stem(tok))
			}
		}
	}
	if !exact {
		return false
	}
	for i := range a.q.toks {
		t := &a.q.toks[i]
		if isGeneric(tb.deputy, t.fold, t.stem) {
			return false
		}
	}
	for _, i := range speakers {
		deputy := false
		for _, s := range f.Speakers[i].Role.All() {
			for _, tok := range catalog.Tokens(s) {
				deputy = deputy || isGeneric(tb.deputy, tok, catalog.Stem(tok))
			}
		}
		if !deputy {
			return false
		}
	}
	return true
}

// roleNamed reports whether a word of the question is a word of the role
// of one of f's speakers.
func (a *analysis) roleNamed(f *catalog.Forum) bool {
	for _, p := range f.Speakers {
		for _, s := range p.Role.All() {
			for _, tok := range catalog.Tokens(s) {
				if a.q.roleWord(catalog.Stem(tok)) {
					return true
				}
			}
		}
	}
	return false
}

// leftoverWords reports whether the question has a word that nothing took,
// four runes or more, not a generic word nor a number: it says what was
// done or by whom in a way the engine did not read.
func (e *Engine) leftoverWords(q *question) bool {
	tb := compiled()
	for i := range q.toks {
		t := &q.toks[i]
		if t.use == useNone && utf8.RuneCountInString(t.fold) >= 4 && !isDigits(t.fold) && !isGeneric(tb.generic, t.fold, t.stem) {
			return true
		}
	}
	return false
}

// speakers returns the indices of f's speakers the question asks about:
// the moderator when it asks who moderated; those whose role has a word of
// the question ("из акимата": a deputy akim) when some has; else all.
func (w *writer) speakers(a *analysis, f *catalog.Forum) []int {
	tb := compiled()
	var all, moderators, named []int
	for i, p := range f.Speakers {
		all = append(all, i)
		for _, s := range p.Role.All() {
			for _, tok := range catalog.Tokens(s) {
				stem := catalog.Stem(tok)
				if isGeneric(tb.modRoles, tok, stem) && !slices.Contains(moderators, i) {
					moderators = append(moderators, i)
				}
				if a.q.roleWord(stem) && !slices.Contains(named, i) {
					named = append(named, i)
				}
			}
		}
	}
	switch {
	case a.q.sig&sModerator != 0:
		return moderators
	case len(named) > 0:
		return named
	}
	return all
}

// paren is " (text)", escaped, or "" for an empty text.
func (w *writer) paren(t catalog.Text) string {
	if s := t.In(w.lang); s != "" {
		return " (" + esc(s) + ")"
	}
	return ""
}

// index is the position of f among the engine's forums.
func (e *Engine) index(f *catalog.Forum) int {
	return slices.Index(e.forums, f)
}

// awards answers who won at a forum: the awards the question names (a
// contest, a nomination, a winner), or all of them.
func (w *writer) awards(a *analysis, f *catalog.Forum) block {
	name := w.forumName(f)
	if len(f.Awards) == 0 {
		return block{forum: f, text: w.t.T("qa_awards_unknown", "Forum", name)}
	}
	fi := w.e.index(f)
	// The awards each kind of name points to, intersected over the kinds.
	var chosen []int
	filtered := false
	byKind := map[entityKind][]int{}
	for _, m := range a.entities {
		en := &w.e.names.entities[m.entity]
		if !en.kind.awardLevel() {
			continue
		}
		for _, r := range en.refs {
			if r.forum == fi && !slices.Contains(byKind[en.kind], r.item) {
				byKind[en.kind] = append(byKind[en.kind], r.item)
			}
		}
	}
	for i := range f.Awards {
		in := len(byKind) > 0
		for _, items := range byKind {
			in = in && slices.Contains(items, i)
		}
		if in {
			chosen = append(chosen, i)
			filtered = true
		}
	}
	if !filtered {
		for i := range f.Awards {
			chosen = append(chosen, i)
		}
	}
	if len(byKind[kindNomination]) == 0 && len(chosen) > 1 {
		chosen = w.e.byNominationWords(a.q, f, chosen)
	}
	contest, sameContest := f.Awards[chosen[0]].Contest, true
	for _, i := range chosen {
		sameContest = sameContest && f.Awards[i].Contest == contest
	}
	var items []string
	for _, i := range chosen {
		items = append(items, w.awardLine(f.Awards[i], !sameContest || contest.IsZero()))
	}
	var header string
	switch {
	case sameContest && !contest.IsZero() && len(chosen) == 1:
		return block{known: true, forum: f, text: w.t.T("qa_award_one", "Contest", esc(contest.In(w.lang)), "Forum", name, "Award", items[0])}
	case sameContest && !contest.IsZero():
		header = w.t.N("qa_awards_of", len(chosen), "Contest", esc(contest.In(w.lang)), "Forum", name)
	default:
		header = w.t.N("qa_awards", len(chosen), "Forum", name)
	}
	return block{known: true, forum: f, text: bullets(header, items)}
}

// byNominationWords narrows awards, of which the question named none by
// its nomination, to those whose nominations share most words with the
// question, misspelt or shortened ("жылдын узик уйымы" is «Жылдың үздік
// ұйымы»), when one such word at least says more than "year" or
// "organisation": asked for one nomination, the others are not the
// answer. With no such word, all of awards.
func (e *Engine) byNominationWords(q *question, f *catalog.Forum, awards []int) []int {
	tb := compiled()
	best, specific := 0, false
	scores := make([]int, len(awards))
	for k, i := range awards {
		nom := f.Awards[i].Nomination
		if nom.IsZero() {
			continue
		}
		seen := map[int]bool{}
		for _, s := range nom.All() {
			for _, tok := range catalog.Tokens(s) {
				stem := catalog.Stem(tok)
				generic := isGeneric(tb.generic, tok, stem)
				for ti := range q.toks {
					t := &q.toks[ti]
					if seen[ti] || t.use == useCue || t.use == useNumber || t.use == usePlace || !sameWord(t.stem, stem) {
						continue
					}
					seen[ti] = true
					if generic {
						scores[k]++
					} else {
						scores[k] += 2
						specific = true
					}
				}
			}
		}
		best = max(best, scores[k])
	}
	if !specific || best < 2 {
		return awards
	}
	var out []int
	for k, i := range awards {
		if scores[k] == best {
			out = append(out, i)
		}
	}
	return out
}

// sameWord reports whether a question's stem is a word's stem, starts it
// or is started by it (four runes or more), or is one edit away from it
// (four runes or more: "узик" and "уздик").
func sameWord(q, w string) bool {
	if q == w {
		return true
	}
	nq, nw := utf8.RuneCountInString(q), utf8.RuneCountInString(w)
	if min(nq, nw) >= prefixMinRunes && (strings.HasPrefix(q, w) || strings.HasPrefix(w, q)) {
		return true
	}
	return min(nq, nw) >= prefixMinRunes && oneEdit(q, w)
}

// awardLine is one award: "«Меценат года» — Ляйля Ризванова
// (предприниматель)", with the contest first when withContest.
func (w *writer) awardLine(aw catalog.Award, withContest bool) string {
	var what []string
	if withContest && !aw.Contest.IsZero() {
		what = append(what, esc(aw.Contest.In(w.lang)))
	}
	if !aw.Nomination.IsZero() {
		what = append(what, w.t.T("qa_quoted", "Text", esc(aw.Nomination.In(w.lang))))
	}
	var who []string
	if !aw.Winner.IsZero() {
		who = append(who, esc(aw.Winner.In(w.lang))+w.paren(aw.Role))
	}
	if !aw.Organization.IsZero() {
		who = append(who, esc(aw.Organization.In(w.lang)))
	}
	if !aw.Project.IsZero() {
		who = append(who, w.t.T("qa_project", "Project", esc(aw.Project.In(w.lang))))
	}
	line := strings.Join(who, ", ")
	if len(what) > 0 {
		line = strings.Join(what, ", ") + " — " + line
	}
	return line
}

// figures returns the indices of f's figures the question asks for: of
// the kinds it names ("NGOs", "funding") or whose labels share its other
// words ("delegates"), those that fit best; all of them when it asks for
// figures in general and names none. fit is how well they fit, to compare
// forums.
func (w *writer) figures(a *analysis, f *catalog.Forum) (out []int, fit int) {
	if a.unknownFigure {
		return nil, 0
	}
	fi := w.e.index(f)
	score := func(gi int) int {
		r := ref{fi, gi}
		// The question's own words in a label count most.
		n := 3*a.labelHits[r] + a.cueHits[r]
		if k := f.Figures[gi].Kind; k != "other" && (len(a.q.kinds) > 0 && !slices.Contains(a.q.kinds, k) || a.q.counted != "" && k != a.q.counted) {
			// A figure of another kind than the one asked for counts
			// something else, whatever words it shares: "сколько НПО в
			// Казахстане" is not the social contracting "in Kazakhstan".
			return 0
		}
		if slices.Contains(a.q.kinds, f.Figures[gi].Kind) {
			n += 2 + a.kindHits[r]
		} else if n > 0 {
			n += a.kindHits[r]
		}
		return n
	}
	for gi := range f.Figures {
		fit = max(fit, score(gi))
	}
	for gi := range f.Figures {
		switch {
		case fit > 0 && score(gi) == fit:
			out = append(out, gi)
		case fit == 0 && len(a.q.kinds) == 0 && len(a.labelHits) == 0 && a.q.sig&sFigure != 0:
			out = append(out, gi)
		}
	}
	if len(out) > 0 && w.e.labelWordLeft(a.q, fi, out) {
		return nil, 0
	}
	return out, fit
}

// labelWordLeft reports whether the question has a word of some figure's
// label, not a cue word, that none of the figures chosen, of forum fi, has
// in its label: the question qualifies what it counts in a way they do not
// ("in Kazakhstan" of NGOs counted in one region), and they answer another
// question.
func (e *Engine) labelWordLeft(q *question, fi int, chosen []int) bool {
	nx := e.names
	for ti := range q.toks {
		t := &q.toks[ti]
		if !t.label || t.use == useCue || q.matches == nil {
			continue
		}
		hit := false
		for _, m := range q.matches[ti] {
			if m.quality < matchPrefix {
				continue
			}
			for _, r := range nx.labelWords[m.id] {
				if r.forum == fi && slices.Contains(chosen, r.item) {
					hit = true
				}
			}
		}
		if !hit {
			return true
		}
	}
	return false
}

// figureBlock answers with the figures the question asks for.
func (w *writer) figureBlock(a *analysis, f *catalog.Forum) block {
	name := w.forumName(f)
	gs, _ := w.figures(a, f)
	if len(gs) == 0 {
		return block{forum: f, text: w.t.T("qa_figure_unknown", "Forum", name)}
	}
	value := func(g catalog.Figure) string {
		v := esc(g.Value)
		if g.Approx {
			v = w.t.T("figure_approx", "Value", v)
		}
		return v
	}
	if len(gs) == 1 {
		g := f.Figures[gs[0]]
		return block{known: true, forum: f, text: w.t.T("qa_figure", "Forum", name, "Label", esc(g.Label.In(w.lang)), "Value", value(g))}
	}
	var items []string
	for _, gi := range gs {
		g := f.Figures[gi]
		items = append(items, esc(g.Label.In(w.lang))+" — "+value(g))
	}
	return block{known: true, forum: f, text: bullets(w.t.T("qa_figures", "Forum", name), items)}
}

// about answers what a forum was about: its theme and the first point of
// its agenda, or what a speaker named in the question said there.
func (w *writer) about(a *analysis, f *catalog.Forum) block {
	name := w.forumName(f)
	fi := w.e.index(f)
	for _, m := range a.entities {
		en := &w.e.names.entities[m.entity]
		if en.kind != kindSpeaker {
			continue
		}
		for _, r := range en.refs {
			if r.forum != fi {
				continue
			}
			var items []string
			for _, ag := range f.Agenda {
				if mentions(ag, f.Speakers[r.item].Name) {
					items = append(items, esc(ag.In(w.lang)))
				}
			}
			if len(items) > 0 {
				return block{known: true, forum: f, text: bullets(w.t.T("qa_person_said",
					"Name", esc(f.Speakers[r.item].Name.In(w.lang)), "Forum", name), items)}
			}
		}
	}
	var parts []string
	if th := f.Theme.In(w.lang); th != "" {
		parts = append(parts, w.t.T("qa_theme", "Forum", name, "Theme", esc(th)))
		if len(f.Agenda) > 0 {
			parts = append(parts, esc(f.Agenda[0].In(w.lang)))
		}
	} else if len(f.Agenda) > 0 {
		parts = append(parts, w.t.T("qa_about", "Forum", name, "Text", esc(f.Agenda[0].In(w.lang))))
	} else if s := f.Summary.In(w.lang); s != "" {
		parts = append(parts, w.t.T("qa_about", "Forum", name, "Text", esc(s)))
	}
	if len(parts) == 0 {
		return block{forum: f, text: w.t.T("qa_about_unknown", "Forum", name)}
	}
	return block{known: true, forum: f, text: strings.Join(parts, " ")}
}

// mentions reports whether text names the person: their last name, in
// any case ending, in any of its languages.
func mentions(text, person catalog.Text) bool {
	for _, lang := range catalog.Langs {
		toks := catalog.Tokens(person.In(lang))
		if len(toks) == 0 {
			continue
		}
		surname := catalog.Stem(toks[len(toks)-1])
		for _, tok := range catalog.Tokens(text.In(lang)) {
			if strings.HasPrefix(catalog.Stem(tok), surname) {
				return true
			}
		}
	}
	return false
}

// outcomes answers what a forum adopted or resulted in.
func (w *writer) outcomes(f *catalog.Forum) block {
	name := w.forumName(f)
	if len(f.Outcomes) == 0 {
		return block{forum: f, text: w.t.T("qa_outcomes_unknown", "Forum", name)}
	}
	if len(f.Outcomes) == 1 {
		return block{known: true, forum: f, text: w.t.T("qa_outcomes", "Forum", name) + " " + esc(f.Outcomes[0].In(w.lang))}
	}
	var items []string
	for _, o := range f.Outcomes {
		items = append(items, esc(o.In(w.lang)))
	}
	return block{known: true, forum: f, text: bullets(w.t.T("qa_outcomes", "Forum", name), items)}
}

// count answers how many forums the catalog holds, of those the question
// means.
func (w *writer) count(a *analysis, res Result, forums []*catalog.Forum) Result {
	if len(forums) == 0 {
		res.Kind = Unknown
		res.Text = w.t.T("qa_no_forum", "Filter", w.filter(a))
		return res
	}
	var items []string
	for _, f := range forums[:min(len(forums), maxListed)] {
		items = append(items, w.forumName(f)+" — "+esc(WhenText(w.t, f)))
	}
	res.Kind = Answered
	res.Text = bullets(w.t.N("qa_count", len(forums), "Filter", w.filter(a)), items)
	res.Forums = forums[:min(len(forums), maxListed)]
	return res
}

// pick returns the forum the question's "next" or "last" points to among
// forums.
func (w *writer) pick(a *analysis, forums []*catalog.Forum) (*catalog.Forum, bool) {
	if a.next {
		var soon *catalog.Forum
		for _, f := range forums {
			if f.Upcoming(w.now) && !f.Cancelled && (soon == nil || dateKey(f.Start) < dateKey(soon.Start)) {
				soon = f
			}
		}
		return soon, soon != nil
	}
	for _, f := range forums { // newest first
		if f.Start.Known() && !f.Upcoming(w.now) && !f.Cancelled {
			return f, true
		}
	}
	return nil, false
}

// nextOrLast answers which forum is the next or the latest one.
func (w *writer) nextOrLast(a *analysis, res Result, forums []*catalog.Forum) Result {
	f, ok := w.pick(a, forums)
	if ok {
		key := "qa_last_intro"
		if a.next {
			key = "qa_next_intro"
		}
		res.Kind = Answered
		res.Forums = []*catalog.Forum{f}
		res.Text = w.t.T(key) + " " + w.heldSentence(f)
		if a.last {
			res.Text += w.undatedNote(forums)
		}
		return res
	}
	res.Kind = Unknown
	if !a.next {
		res.Text = w.t.T("qa_last_none", "Filter", w.filter(a))
		return res
	}
	res.Text = w.t.T("qa_next_none", "Filter", w.filter(a))
	last := *a
	last.next, last.last = false, true
	if f, ok := w.pick(&last, forums); ok {
		res.Text += " " + w.t.T("qa_last_known") + " " + w.heldSentence(f)
		res.Forums = []*catalog.Forum{f}
	}
	return res
}

// undatedOtherwise returns, when the question names years, the forums
// with no known date that fit the rest of it.
func (e *Engine) undatedOtherwise(a *analysis) []*catalog.Forum {
	if len(a.q.years) == 0 {
		return nil
	}
	rest := *a
	rest.q = &question{ordinal: a.q.ordinal}
	var out []*catalog.Forum
	for i, f := range e.forums {
		if !f.Start.Known() && e.inFilters(&rest, i, f) {
			out = append(out, f)
		}
	}
	return out
}

// undatedNote says how many of forums have no known date and so could not
// be ranked, or "".
func (w *writer) undatedNote(forums []*catalog.Forum) string {
	n := 0
	for _, f := range forums {
		if !f.Start.Known() {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return " " + w.t.N("qa_undated_note", n)
}

// filter describes the places, years, ordinal and names the question set,
// as " (Тараз, 2018)", or "".
func (w *writer) filter(a *analysis) string {
	var parts []string
	for _, m := range a.places {
		parts = append(parts, esc(w.e.names.places[m.place].name.In(w.lang)))
	}
	for _, y := range a.q.years {
		parts = append(parts, strconv.Itoa(y))
	}
	if a.q.ordinal > 0 {
		parts = append(parts, w.t.T("qa_ordinal", "Ordinal", a.q.ordinal))
	}
	for _, m := range a.entities {
		parts = append(parts, w.t.T("qa_quoted", "Text", esc(w.e.names.entities[m.entity].name.In(w.lang))))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// understood lists what the question was taken to ask.
func (a *analysis) understood(w *writer) Understood {
	u := Understood{Fact: a.fact, Years: a.q.years, Ordinal: a.q.ordinal, Next: a.next, Last: a.last, Unknowns: a.unknowns}
	for _, m := range a.places {
		u.Places = append(u.Places, w.e.names.places[m.place].name.In(w.lang))
	}
	for _, m := range a.entities {
		u.Names = append(u.Names, w.e.names.entities[m.entity].name.In(w.lang))
	}
	return u
}

// Describe says, in lang, what was understood of a question, as "вопрос:
// когда; место: Тараз; год: 2018"; "" when nothing was. The text is HTML.
func (u Understood) Describe(lang string) string {
	t := locales.For(lang)
	var parts []string
	switch {
	case u.Next && (u.Fact == FactNone || u.Fact == FactNext):
		parts = append(parts, t.T("qa_u_fact", "Fact", t.T("qa_fact_next")))
	case u.Last && (u.Fact == FactNone || u.Fact == FactLast):
		parts = append(parts, t.T("qa_u_fact", "Fact", t.T("qa_fact_last")))
	case u.Fact != FactNone:
		parts = append(parts, t.T("qa_u_fact", "Fact", t.T("qa_fact_"+string(u.Fact))))
	}
	for _, p := range u.Places {
		parts = append(parts, t.T("qa_u_place", "Place", esc(p)))
	}
	for _, y := range u.Years {
		parts = append(parts, t.T("qa_u_year", "Year", y))
	}
	if u.Ordinal > 0 {
		parts = append(parts, t.T("qa_u_ordinal", "Ordinal", u.Ordinal))
	}
	for _, n := range u.Names {
		parts = append(parts, t.T("qa_u_name", "Name", esc(n)))
	}
	return strings.Join(parts, "; ")
}
