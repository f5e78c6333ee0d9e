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

// pageSize is how many forums one page of a list shows.
const pageSize = 5

// list is one page of forums: a header, numbered lines and a button per
// forum, with Previous/Next that edit the same message in place.
type list struct {
	header string                // HTML, already localized
	forums []*catalog.Forum      // all of them, in order
	page   int                   // requested page, clamped
	nav    func(page int) Action // the action that shows another page
	extra  []modelsButton        // a row of buttons above the menu row
}

func (h *Router) showList(ctx context.Context, req *bot.Request, l list) error {
	pages := (len(l.forums) + pageSize - 1) / pageSize
	if pages == 0 {
		pages = 1
	}
	if l.page >= pages {
		l.page = pages - 1 // a stale button on a list that shrank
	}
	from := l.page * pageSize
	to := min(from+pageSize, len(l.forums))

	var b strings.Builder
	b.WriteString(l.header)
	kb := ui.Keys()
	lang := req.Lang()
	for i, f := range l.forums[from:to] {
		n := from + i + 1
		fmt.Fprintf(&b, "\n\n%d. <b>%s</b>\n%s", n, esc(f.Title.In(lang)), esc(placeLine(req, f)))
		kb.Row(button(fmt.Sprintf("%d. %s", n, ForumLabel(lang, f, 60)), actArg(VerbForum, f.ID)))
	}
	if pages > 1 {
		fmt.Fprintf(&b, "\n\n<i>%s</i>", esc(req.T.T("page", "Page", l.page+1, "Pages", pages)))
		var nav []modelsButton
		if l.page > 0 {
			nav = append(nav, button(req.T.T("btn_prev"), l.nav(l.page-1)))
		}
		if l.page < pages-1 {
			nav = append(nav, button(req.T.T("btn_next"), l.nav(l.page+1)))
		}
		kb.Row(nav...)
	}
	kb.Row(l.extra...)
	kb.Row(menuRow(req))
	return req.Reply.Show(ctx, b.String(), kb)
}

// placeLine is "16 October 2018 · Civic Centre, Taraz".
func placeLine(req *bot.Request, f *catalog.Forum) string {
	parts := []string{WhenText(req.T, f)}
	if w := whereText(req, f); w != "" {
		parts = append(parts, w)
	}
	return strings.Join(parts, " · ")
}

// sortedForums returns the catalog's forums that keep passes, soonest
// first (asc) or newest first; undated forums last either way.
func sortedForums(c *catalog.Catalog, asc bool, keep func(*catalog.Forum) bool) []*catalog.Forum {
	var out []*catalog.Forum
	for i := range c.Forums {
		if keep(&c.Forums[i]) {
			out = append(out, &c.Forums[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Start.Known() != b.Start.Known() {
			return a.Start.Known()
		}
		ka, kb := dateKey(a.Start), dateKey(b.Start)
		if ka != kb {
			if asc {
				return ka < kb
			}
			return ka > kb
		}
		return a.ID < b.ID
	})
	return out
}

func dateKey(d catalog.Date) int { return d.Year*10000 + d.Month*100 + d.Day }

func (h *Router) upcoming(ctx context.Context, req *bot.Request, page int) error {
	forums := sortedForums(req.Catalog.Catalog, true, func(f *catalog.Forum) bool { return IsUpcoming(f, req.Now) })
	if len(forums) == 0 {
		kb := ui.Keys().Row(button(req.T.T("btn_subscribe"), act(VerbSubscribe))).
			Row(button(req.T.T("btn_past"), actPage(VerbPast, 0)), menuRow(req))
		return req.Reply.Show(ctx, req.T.T("upcoming_none"), kb)
	}
	return h.showList(ctx, req, list{
		header: esc(req.T.N("upcoming_title", len(forums))),
		forums: forums, page: page,
		nav: func(p int) Action { return actPage(VerbUpcoming, p) },
	})
}

func (h *Router) past(ctx context.Context, req *bot.Request, page int) error {
	forums := sortedForums(req.Catalog.Catalog, false, func(f *catalog.Forum) bool { return !IsUpcoming(f, req.Now) })
	if len(forums) == 0 {
		return h.menu(ctx, req, req.T.T("past_none"))
	}
	return h.showList(ctx, req, list{
		header: esc(req.T.N("past_title", len(forums))),
		forums: forums, page: page,
		nav: func(p int) Action { return actPage(VerbPast, p) },
	})
}

// regions lists the regions that have forums, with how many each has.
func (h *Router) regions(ctx context.Context, req *bot.Request) error {
	counts := map[string]int{}
	for _, f := range req.Catalog.Catalog.Forums {
		counts[f.Region]++
	}
	kb := ui.Keys()
	for _, r := range catalog.Regions {
		if n := counts[r.Code]; n > 0 {
			kb.Row(button(fmt.Sprintf("%s (%d)", r.Name.In(req.Lang()), n), actIn(VerbRegion, r.Code, 0)))
		}
	}
	kb.Row(menuRow(req))
	return req.Reply.Show(ctx, req.T.T("regions_title"), kb)
}

func (h *Router) region(ctx context.Context, req *bot.Request, code string, page int) error {
	r, _ := catalog.RegionByCode(code) // the callback codec checked the code
	forums := sortedForums(req.Catalog.Catalog, false, func(f *catalog.Forum) bool { return f.Region == code })
	return h.showList(ctx, req, list{
		header: esc(req.T.N("region_title", len(forums), "Region", r.Name.In(req.Lang()))),
		forums: forums, page: page,
		nav:   func(p int) Action { return actIn(VerbRegion, code, p) },
		extra: []modelsButton{button(req.T.T("btn_regions"), act(VerbRegions))},
	})
}

// years lists the years that have forums, newest first; undated last.
func (h *Router) years(ctx context.Context, req *bot.Request) error {
	counts := map[int]int{}
	for _, f := range req.Catalog.Catalog.Forums {
		counts[f.Start.Year]++ // 0 for an unknown date
	}
	ys := make([]int, 0, len(counts))
	for y := range counts {
		ys = append(ys, y)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ys)))
	kb := ui.Keys()
	var row []modelsButton
	for _, y := range ys {
		label := strconv.Itoa(y)
		if y == 0 {
			label = req.T.T("year_unknown")
		}
		row = append(row, button(fmt.Sprintf("%s (%d)", label, counts[y]), actIn(VerbYear, strconv.Itoa(y), 0)))
		if len(row) == 3 {
			kb.Row(row...)
			row = nil
		}
	}
	kb.Row(row...).Row(menuRow(req))
	return req.Reply.Show(ctx, req.T.T("years_title"), kb)
}

func (h *Router) year(ctx context.Context, req *bot.Request, yearArg string, page int) error {
	y, _ := strconv.Atoi(yearArg) // checked by the callback codec
	forums := sortedForums(req.Catalog.Catalog, false, func(f *catalog.Forum) bool {
		return f.Start.Known() && f.Start.Year == y || y == 0 && !f.Start.Known()
	})
	header := req.T.N("year_title", len(forums), "Year", y)
	if y == 0 {
		header = req.T.T("year_unknown") + ": " + req.T.N("forums_count", len(forums))
	}
	return h.showList(ctx, req, list{
		header: esc(header), forums: forums, page: page,
		nav:   func(p int) Action { return actIn(VerbYear, yearArg, p) },
		extra: []modelsButton{button(req.T.T("btn_years"), act(VerbYears))},
	})
}
