package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/ui"
)

// maxCardRunes keeps a card under Telegram's 4096-character limit with
// room for the markup.
const maxCardRunes = 3800

// whereText is "Venue, City (Region)" with whatever is known.
func whereText(req *bot.Request, f *catalog.Forum) string {
	lang := req.Lang()
	var parts []string
	if v := f.Venue.In(lang); v != "" {
		parts = append(parts, v)
	}
	if c := f.City.In(lang); c != "" {
		parts = append(parts, c)
	}
	s := strings.Join(parts, ", ")
	if r, ok := catalog.RegionByCode(f.Region); ok {
		name := r.Name.In(lang)
		if s == "" {
			return name
		}
		if !strings.Contains(s, name) {
			s += " (" + name + ")"
		}
	}
	return s
}

// CardText renders a forum's card in HTML, every catalog text escaped.
func CardText(req *bot.Request, f *catalog.Forum) string {
	t, lang := req.T, req.Lang()
	var b strings.Builder
	title := f.Title.In(lang)
	if r := Roman(f.Ordinal); r != "" && !strings.Contains(title, r) {
		title = r + " · " + title
	}
	fmt.Fprintf(&b, "<b>%s</b>", esc(title))
	if th := f.Theme.In(lang); th != "" && th != f.Title.In(lang) {
		fmt.Fprintf(&b, "\n<i>%s</i>", esc(th))
	}
	if f.Cancelled {
		fmt.Fprintf(&b, "\n\n⚠️ %s", esc(t.T("card_cancelled")))
	} else if IsUpcoming(f, req.Now) {
		fmt.Fprintf(&b, "\n\n🔜 %s", esc(t.T("card_upcoming")))
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "\n📅 <b>%s:</b> %s", esc(t.T("card_when")), esc(WhenText(t, f)))
	where := whereText(req, f)
	if where == "" {
		where = t.T("card_unknown")
	}
	fmt.Fprintf(&b, "\n📍 <b>%s:</b> %s", esc(t.T("card_where")), esc(where))
	if f.Level != "" {
		fmt.Fprintf(&b, "\n🏛 <b>%s:</b> %s", esc(t.T("card_level")), esc(t.T("level_"+string(f.Level))))
	}
	if s := f.Summary.In(lang); s != "" {
		fmt.Fprintf(&b, "\n\n%s", esc(s))
	}
	section := func(label string, items []string) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n\n<b>%s</b>", esc(label))
		for _, it := range items {
			fmt.Fprintf(&b, "\n• %s", it)
		}
	}
	texts := func(ts []catalog.Text) []string {
		out := make([]string, 0, len(ts))
		for _, x := range ts {
			out = append(out, esc(x.In(lang)))
		}
		return out
	}
	section(t.T("card_organizers"), texts(f.Organizers))
	var speakers []string
	for _, p := range f.Speakers {
		s := "<b>" + esc(p.Name.In(lang)) + "</b>"
		if r := p.Role.In(lang); r != "" {
			s += " — " + esc(r)
		}
		speakers = append(speakers, s)
	}
	section(t.T("card_speakers"), speakers)
	section(t.T("card_agenda"), texts(f.Agenda))
	section(t.T("card_outcomes"), texts(f.Outcomes))
	var figures []string
	for _, fg := range f.Figures {
		v := fg.Value
		if fg.Approx {
			v = t.T("figure_approx", "Value", v)
		}
		figures = append(figures, esc(fg.Label.In(lang))+": <b>"+esc(v)+"</b>")
	}
	section(t.T("card_figures"), figures)
	if len(f.Awards) > 0 {
		section(t.T("card_awards"), []string{esc(t.N("award_count", len(f.Awards)))})
	}
	var links []string
	for _, l := range f.Links {
		name := l.Title.In(lang)
		if name == "" {
			name = l.URL
		}
		links = append(links, fmt.Sprintf(`<a href="%s">%s</a>`, esc(l.URL), esc(name)))
	}
	section(t.T("card_links"), links)
	return clipHTML(b.String(), maxCardRunes)
}

// clipHTML cuts a card that would not fit at a line boundary, so no tag is
// left open (every line of a card closes its own tags).
func clipHTML(s string, max int) string {
	if len([]rune(s)) <= max {
		return s
	}
	lines := strings.Split(s, "\n")
	var b strings.Builder
	n := 0
	for _, l := range lines {
		ln := len([]rune(l)) + 1
		if n+ln > max-2 {
			break
		}
		b.WriteString(l)
		b.WriteString("\n")
		n += ln
	}
	return b.String() + "…"
}

// cardKeyboard: calendar and share, the forum's awards, the menu.
func cardKeyboard(req *bot.Request, f *catalog.Forum) *ui.Keyboard {
	t := req.T
	kb := ui.Keys()
	var row []modelsButton
	if f.Start.Precision == catalog.PrecisionDay && !f.Cancelled {
		row = append(row, button(t.T("btn_calendar"), actArg(VerbCalendar, f.ID)))
	}
	row = append(row, button(t.T("btn_share"), actArg(VerbShare, f.ID)))
	kb.Row(row...)
	if len(f.Awards) > 0 {
		kb.Row(button(t.T("btn_card_awards", "Count", len(f.Awards)), actArg(VerbAwards, f.ID)))
	}
	return kb.Row(menuRow(req))
}

// forum finds a forum by id, or tells the user it is gone.
func (h *Router) forum(ctx context.Context, req *bot.Request, id string) (*catalog.Forum, error) {
	f, ok := req.Catalog.Catalog.ByID(id)
	if !ok {
		if err := req.Reply.Notify(ctx, req.T.T("forum_not_found")); err != nil {
			return nil, err
		}
		if req.Reply.IsCallback() {
			return nil, h.menu(ctx, req, "")
		}
		return nil, nil
	}
	return f, nil
}

func (h *Router) card(ctx context.Context, req *bot.Request, id string) error {
	f, err := h.forum(ctx, req, id)
	if f == nil {
		return err
	}
	return req.Reply.Show(ctx, CardText(req, f), cardKeyboard(req, f))
}
