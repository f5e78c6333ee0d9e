package handlers

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/ui"
)

// awardsOverview lists the forums where awards were given, newest first,
// and the years to filter by.
func (h *Router) awardsOverview(ctx context.Context, req *bot.Request, page int) error {
	forums := sortedForums(req.Catalog.Catalog, false, func(f *catalog.Forum) bool { return len(f.Awards) > 0 })
	if len(forums) == 0 {
		return h.menu(ctx, req, req.T.T("awards_none"))
	}
	years := map[int]bool{}
	for _, f := range forums {
		if f.Start.Known() {
			years[f.Start.Year] = true
		}
	}
	var yearRow []modelsButton
	for _, y := range sortedKeys(years) {
		yearRow = append(yearRow, button(strconv.Itoa(y), actArg(VerbAwardsY, strconv.Itoa(y))))
	}
	lang := req.Lang()
	kb := ui.Keys()
	var b strings.Builder
	b.WriteString(esc(req.T.T("awards_title")))
	pages := (len(forums) + pageSize - 1) / pageSize
	page = min(page, pages-1)
	for _, f := range forums[page*pageSize : min(len(forums), (page+1)*pageSize)] {
		contests := contestNames(f, lang)
		fmt.Fprintf(&b, "\n\n<b>%s</b>\n%s — %s", esc(ForumLabel(lang, f, 80)), esc(strings.Join(contests, ", ")),
			esc(req.T.N("award_count", len(f.Awards))))
		kb.Row(button("🏆 "+ForumLabel(lang, f, 56), actArg(VerbAwards, f.ID)))
	}
	if pages > 1 {
		var nav []modelsButton
		if page > 0 {
			nav = append(nav, button(req.T.T("btn_prev"), actIn(VerbAwards, "", page-1)))
		}
		if page < pages-1 {
			nav = append(nav, button(req.T.T("btn_next"), actIn(VerbAwards, "", page+1)))
		}
		kb.Row(nav...)
	}
	for len(yearRow) > 0 {
		n := min(4, len(yearRow))
		kb.Row(yearRow[:n]...)
		yearRow = yearRow[n:]
	}
	kb.Row(menuRow(req))
	return req.Reply.Show(ctx, b.String(), kb)
}

func sortedKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return out
}

// contestNames lists a forum's contests once each, in order of appearance.
func contestNames(f *catalog.Forum, lang string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range f.Awards {
		c := a.Contest.In(lang)
		if c == "" {
			c = a.Nomination.In(lang)
		}
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// awardLines writes a forum's awards grouped by contest:
// "Contest" then "• Nomination: Winner, role, Organization — Project".
func awardLines(b *strings.Builder, f *catalog.Forum, lang string) {
	current := "\x00"
	for _, a := range f.Awards {
		if c := a.Contest.In(lang); c != current {
			current = c
			if c != "" {
				fmt.Fprintf(b, "\n\n<b>%s</b>", esc(c))
			} else {
				b.WriteString("\n")
			}
		}
		var parts []string
		if w := a.Winner.In(lang); w != "" {
			parts = append(parts, "<b>"+esc(w)+"</b>")
		}
		if r := a.Role.In(lang); r != "" {
			parts = append(parts, esc(r))
		}
		if o := a.Organization.In(lang); o != "" {
			parts = append(parts, esc(o))
		}
		line := strings.Join(parts, ", ")
		if p := a.Project.In(lang); p != "" {
			line += " — " + esc(p)
		}
		if n := a.Nomination.In(lang); n != "" && n != a.Contest.In(lang) {
			line = "<i>" + esc(n) + "</i>: " + line
		}
		b.WriteString("\n• " + line)
	}
}

func (h *Router) awardsOfForum(ctx context.Context, req *bot.Request, id string) error {
	f, err := h.forum(ctx, req, id)
	if f == nil {
		return err
	}
	lang := req.Lang()
	var b strings.Builder
	b.WriteString(req.T.T("awards_of_forum", "Forum", esc(ForumLabel(lang, f, 120))))
	if len(f.Awards) == 0 {
		b.WriteString("\n\n" + esc(req.T.T("awards_none")))
	}
	awardLines(&b, f, lang)
	kb := ui.Keys().
		Row(button(req.T.T("btn_open", "Title", clip(f.Title.In(lang), 40)), actArg(VerbForum, f.ID))).
		Row(button(req.T.T("btn_awards"), actIn(VerbAwards, "", 0)), menuRow(req))
	return req.Reply.Show(ctx, clipHTML(b.String(), maxCardRunes), kb)
}

func (h *Router) awardsOfYear(ctx context.Context, req *bot.Request, yearArg string) error {
	y, _ := strconv.Atoi(yearArg) // checked by the callback codec
	forums := sortedForums(req.Catalog.Catalog, false, func(f *catalog.Forum) bool {
		return len(f.Awards) > 0 && f.Start.Known() && f.Start.Year == y
	})
	lang := req.Lang()
	var b strings.Builder
	b.WriteString(esc(req.T.T("awards_of_year", "Year", y)))
	kb := ui.Keys()
	if len(forums) == 0 {
		b.WriteString("\n\n" + esc(req.T.T("awards_none")))
	}
	for _, f := range forums {
		fmt.Fprintf(&b, "\n\n🏛 <b>%s</b>", esc(ForumLabel(lang, f, 120)))
		awardLines(&b, f, lang)
		kb.Row(button(req.T.T("btn_open", "Title", clip(f.Title.In(lang), 40)), actArg(VerbForum, f.ID)))
	}
	kb.Row(button(req.T.T("btn_awards"), actIn(VerbAwards, "", 0)), menuRow(req))
	return req.Reply.Show(ctx, clipHTML(b.String(), maxCardRunes), kb)
}
