package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/locales"
	"github.com/forumbot/forumbot/storage"
)

// The organizers' inbox: /proposals lists proposals by status, region,
// category and forum, a page at a time, oldest registration first (the
// nearest deadline first), with what is overdue and what is due soon. A
// proposal's card shows everything, the author's identity included unless
// the proposal is anonymous or its author used /forgetme; from it an
// organizer changes the status or writes the official answer, and the
// author is told in their own language.

// orgPageSize is how many proposals an inbox page lists.
const orgPageSize = 5

// orgForumPage is how many forums the forum filter lists at once.
const orgForumPage = 8

// inboxFilter reads the inbox's filters and page from the session; the
// default is the proposals awaiting an answer.
func inboxFilter(req *bot.Request) (storage.ProposalFilter, int) {
	def := storage.ProposalFilter{Status: storage.FilterTodo}
	if !hasInbox(req) {
		return def, 0
	}
	d := req.Session.Data
	f := storage.ProposalFilter{Status: d["st"], Region: d["rg"], Category: d["ct"], Forum: d["fm"], Due: d["due"]}
	if f.Status == "" {
		f.Status = storage.FilterTodo
	}
	if f.Check() != nil {
		return def, 0
	}
	page, err := strconv.Atoi(d["pg"])
	if err != nil || page < 0 || page > 999 {
		page = 0
	}
	return f, page
}

// hasInbox reports whether the session holds the inbox's filters: idle
// (browsing) or in an answer, which keeps them.
func hasInbox(req *bot.Request) bool {
	d := req.Session.Dialog
	return (d == "" || isOrganizerStep(d)) && req.Session.Data["st"] != ""
}

// filterData is the session data of the inbox's filters and page.
func filterData(f storage.ProposalFilter, page int) map[string]string {
	d := map[string]string{"st": f.Status, "pg": strconv.Itoa(page)}
	for k, v := range map[string]string{"rg": f.Region, "ct": f.Category, "fm": f.Forum, "due": f.Due} {
		if v != "" {
			d[k] = v
		}
	}
	return d
}

// keepInbox stores the filters and the page in the session.
func keepInbox(req *bot.Request, f storage.ProposalFilter, page int) {
	req.Session.SetDialog("", filterData(f, page))
}

// leaveAnswer ends an answer in progress, keeping the inbox's filters.
func (h *Router) leaveAnswer(req *bot.Request) {
	if s := req.Session.Dialog; s == stepOrgAnswer || s == stepOrgAnswerOK {
		f, page := inboxFilter(req)
		keepInbox(req, f, page)
	}
}

// proposalsCommand is /proposals, or /proposals AF-2026-000123 to open one.
func (h *Router) proposalsCommand(ctx context.Context, req *bot.Request) error {
	if arg := strings.TrimSpace(req.Command.Args); arg != "" {
		number := strings.ToUpper(arg)
		if _, _, ok := proposal.ParseNumber(number); !ok {
			return req.Reply.Send(ctx, req.T.T("org_bad_number", "Example", proposal.FormatNumber(req.Now.Year(), 123)), nil)
		}
		return h.openCard(ctx, req, number)
	}
	return h.inbox(ctx, req, 0, "")
}

// inbox shows page of the inbox with the session's filters, after note.
func (h *Router) inbox(ctx context.Context, req *bot.Request, page int, note string) error {
	f, _ := inboxFilter(req)
	res, err := h.Store.Inbox(ctx, h.query(req, f), page*orgPageSize, orgPageSize)
	if err != nil {
		return err
	}
	pages := max((res.Total+orgPageSize-1)/orgPageSize, 1)
	if page >= pages && page > 0 {
		// A stale button on a list that shrank.
		return h.inbox(ctx, req, pages-1, note)
	}
	keepInbox(req, f, page)
	t := req.T
	var b strings.Builder
	fmt.Fprintf(&b, "📥 <b>%s</b>\n<i>%s</i>\n", esc(t.T("org_inbox_title")), esc(filterLine(req, f)))
	fmt.Fprintf(&b, "%s", esc(t.N("org_inbox_found", res.Total)))
	if res.Overdue > 0 || res.Soon > 0 {
		fmt.Fprintf(&b, " · %s · %s", esc(t.N("org_inbox_overdue", res.Overdue)), esc(t.N("org_inbox_soon", res.Soon, "Days", proposal.SoonDays)))
	}
	kb := ui.Keys()
	if res.Total == 0 {
		fmt.Fprintf(&b, "\n\n%s", esc(t.T("org_inbox_empty")))
	}
	cal := h.dueCalendar()
	for i, it := range res.Items {
		fmt.Fprintf(&b, "\n\n%d. <b>%s</b> · %s\n%s\n📅 %s",
			page*orgPageSize+i+1, it.Number, esc(statusName(req, it.Status)), esc(clip(it.Title, 90)),
			shortDay(proposal.DayOf(it.Registered, req.Now.Location())))
		if line := deadlineLine(t, cal, it.Status, it.Answered, it.Registered, req.Now); line != "" {
			b.WriteString(" · " + esc(line))
		}
		kb.Row(button(clip(it.Number+" · "+it.Title, 60), actArg(VerbOrgOpen, it.Number)))
	}
	if pages > 1 {
		fmt.Fprintf(&b, "\n\n<i>%s</i>", esc(t.T("page", "Page", page+1, "Pages", pages)))
		var nav []modelsButton
		if page > 0 {
			nav = append(nav, button(t.T("btn_prev"), actPage(VerbOrgInbox, page-1)))
		}
		if page < pages-1 {
			nav = append(nav, button(t.T("btn_next"), actPage(VerbOrgInbox, page+1)))
		}
		kb.Row(nav...)
	}
	kb.Row(button("🔎 "+clip(statusFilterName(req, f.Status), 28), actIn(VerbOrgFilter, dimStatus, 0)),
		button("📍 "+clip(regionFilterName(req, f.Region), 28), actIn(VerbOrgFilter, dimRegion, 0)))
	kb.Row(button("🏷 "+clip(categoryFilterName(req, f.Category), 28), actIn(VerbOrgFilter, dimCategory, 0)),
		button("🏛 "+clip(forumFilterName(req, f.Forum), 28), actIn(VerbOrgFilter, dimForum, 0)))
	dueButton := func(value, label string) modelsButton {
		if f.Due == value {
			return button("✓ "+t.T(label), actArg(VerbOrgFDue, anyValue))
		}
		return button(t.T(label), actArg(VerbOrgFDue, value))
	}
	kb.Row(dueButton(storage.DueOverdue, "btn_org_overdue"), dueButton(storage.DueSoon, "btn_org_soon"))
	kb.Row(button(t.T("btn_org_export"), act(VerbOrgExport)), button(t.T("btn_org_audit"), actArg(VerbOrgAudit, "")))
	if f != (storage.ProposalFilter{Status: storage.FilterTodo}) {
		kb.Row(button(t.T("btn_org_reset"), act(VerbOrgFReset)), menuRow(req))
	} else {
		kb.Row(menuRow(req))
	}
	return req.Reply.Show(ctx, withNote(note, b.String()), kb)
}

// shortDay writes a day as 11.12.2026.
func shortDay(d proposal.Day) string {
	return fmt.Sprintf("%02d.%02d.%04d", d.Day, int(d.Month), d.Year)
}

// deadlineLine says where a proposal stands against its deadline at now:
// answered, overdue, due today, due soon or due later; "" for a withdrawn
// one.
func deadlineLine(t *locales.Localizer, cal *proposal.Calendar, st proposal.Status, answered bool, registered, now time.Time) string {
	switch {
	case st == proposal.StatusWithdrawn:
		return ""
	case answered:
		return t.T("org_dl_answered")
	}
	dl := cal.DeadlineAt(registered, now)
	due := shortDay(dl.Due)
	switch {
	case dl.Overdue:
		return t.T("org_dl_overdue", "Due", due)
	case dl.Left == 0:
		return t.T("org_dl_today", "Due", due)
	case dl.Soon:
		return t.N("org_dl_soon", dl.Left, "Due", due)
	}
	return t.N("org_dl_later", dl.Left, "Due", due)
}

// filterLine is the filters in words: "Awaiting an answer · Jambyl Region".
func filterLine(req *bot.Request, f storage.ProposalFilter) string {
	parts := []string{statusFilterName(req, f.Status)}
	if f.Region != "" {
		parts = append(parts, regionName(req, f.Region))
	}
	if f.Category != "" {
		parts = append(parts, categoryName(req, proposal.Category(f.Category)))
	}
	if f.Forum != "" {
		parts = append(parts, forumTitle(req.T, req.Catalog.Catalog, f.Forum))
	}
	switch f.Due {
	case storage.DueOverdue:
		parts = append(parts, req.T.T("btn_org_overdue"))
	case storage.DueSoon:
		parts = append(parts, req.T.T("btn_org_soon"))
	}
	return strings.Join(parts, " · ")
}

func statusFilterName(req *bot.Request, s string) string {
	switch s {
	case storage.FilterTodo, "":
		return req.T.T("org_f_todo")
	case storage.FilterAll:
		return req.T.T("org_f_all_statuses")
	}
	return statusName(req, proposal.Status(s))
}

func regionFilterName(req *bot.Request, code string) string {
	if code == "" {
		return req.T.T("org_f_all_regions")
	}
	return regionName(req, code)
}

func categoryFilterName(req *bot.Request, c string) string {
	if c == "" {
		return req.T.T("org_f_all_categories")
	}
	return categoryName(req, proposal.Category(c))
}

func forumFilterName(req *bot.Request, id string) string {
	if id == "" {
		return req.T.T("org_f_all_forums")
	}
	return forumTitle(req.T, req.Catalog.Catalog, id)
}

// filterScreen offers the values of one filter.
func (h *Router) filterScreen(ctx context.Context, req *bot.Request, dim string, page int) error {
	f, listPage := inboxFilter(req)
	keepInbox(req, f, listPage)
	t := req.T
	kb := ui.Keys()
	mark := func(on bool, label string) string {
		if on {
			return "✓ " + label
		}
		return label
	}
	pairs := func(buttons []modelsButton) {
		for i := 0; i < len(buttons); i += 2 {
			kb.Row(buttons[i:min(i+2, len(buttons))]...)
		}
	}
	var title string
	switch dim {
	case dimStatus:
		title = t.T("org_choose_status")
		var bs []modelsButton
		for _, v := range append([]string{storage.FilterTodo, storage.FilterAll}, statusStrings()...) {
			bs = append(bs, button(mark(f.Status == v, statusFilterName(req, v)), actArg(VerbOrgFStatus, v)))
		}
		pairs(bs)
	case dimRegion:
		title = t.T("org_choose_region")
		kb.Row(button(mark(f.Region == "", t.T("org_f_all_regions")), actArg(VerbOrgFRegion, anyValue)))
		var bs []modelsButton
		for _, r := range catalog.Regions {
			bs = append(bs, button(mark(f.Region == r.Code, r.Name.In(req.Lang())), actArg(VerbOrgFRegion, r.Code)))
		}
		pairs(bs)
	case dimCategory:
		title = t.T("org_choose_category")
		kb.Row(button(mark(f.Category == "", t.T("org_f_all_categories")), actArg(VerbOrgFCat, anyValue)))
		for _, c := range proposal.Categories {
			kb.Row(button(mark(f.Category == string(c), categoryName(req, c)), actArg(VerbOrgFCat, string(c))))
		}
	case dimForum:
		title = t.T("org_choose_forum")
		kb.Row(button(mark(f.Forum == "", t.T("org_f_all_forums")), actArg(VerbOrgFForum, anyValue)),
			button(mark(f.Forum == proposal.GeneralForum, t.T("prop_forum_general")), actArg(VerbOrgFForum, proposal.GeneralForum)))
		forums := sortedForums(req.Catalog.Catalog, false, func(*catalog.Forum) bool { return true })
		pages := max((len(forums)+orgForumPage-1)/orgForumPage, 1)
		page = min(page, pages-1)
		for _, fo := range forums[page*orgForumPage : min((page+1)*orgForumPage, len(forums))] {
			kb.Row(button(mark(f.Forum == fo.ID, ForumLabel(req.Lang(), fo, 60)), actArg(VerbOrgFForum, fo.ID)))
		}
		if pages > 1 {
			var nav []modelsButton
			if page > 0 {
				nav = append(nav, button(t.T("btn_prev"), actIn(VerbOrgFilter, dimForum, page-1)))
			}
			if page < pages-1 {
				nav = append(nav, button(t.T("btn_next"), actIn(VerbOrgFilter, dimForum, page+1)))
			}
			kb.Row(nav...)
		}
	}
	kb.Row(button(t.T("btn_org_back_list"), actPage(VerbOrgInbox, listPage)))
	return req.Reply.Show(ctx, title, kb)
}

func statusStrings() []string {
	out := make([]string, 0, len(proposal.Statuses))
	for _, s := range proposal.Statuses {
		out = append(out, string(s))
	}
	return out
}

// setFilter sets one filter from its button and shows the first page.
func (h *Router) setFilter(ctx context.Context, req *bot.Request, a Action) error {
	f, _ := inboxFilter(req)
	v := a.Arg
	if v == anyValue {
		v = ""
	}
	switch a.Verb {
	case VerbOrgFStatus:
		f.Status = v
	case VerbOrgFRegion:
		f.Region = v
	case VerbOrgFCat:
		f.Category = v
	case VerbOrgFForum:
		f.Forum = v
	case VerbOrgFDue:
		f.Due = v
	case VerbOrgFReset:
		f = storage.ProposalFilter{Status: storage.FilterTodo}
	}
	keepInbox(req, f, 0)
	return h.inbox(ctx, req, 0, "")
}

// record reads a proposal for an organizer; found is false (after telling
// them and showing the inbox) when there is none with that number.
func (h *Router) record(ctx context.Context, req *bot.Request, number string) (r storage.ProposalRecord, found bool, err error) {
	r, err = h.Store.ProposalRecord(ctx, number)
	if errors.Is(err, storage.ErrProposalNotFound) {
		if err := req.Reply.Notify(ctx, req.T.T("org_not_found", "Number", number)); err != nil {
			return r, false, err
		}
		return r, false, h.inbox(ctx, req, 0, "")
	}
	return r, err == nil, err
}

// openCard shows a proposal's card and sends its attachments below it.
func (h *Router) openCard(ctx context.Context, req *bot.Request, number string) error {
	r, found, err := h.record(ctx, req, number)
	if !found {
		return err
	}
	if err := h.showCard(ctx, req, r, ""); err != nil {
		return err
	}
	p := r.Proposal
	if _, clipped := cardText(p); clipped {
		// The card shows the beginning: the whole text comes below it.
		text := fmt.Sprintf("<b>%s</b> · %s\n\n%s", p.Number, esc(req.T.T("org_full_text")), esc(p.Text))
		if err := req.Reply.Send(ctx, text, nil); err != nil {
			return err
		}
	}
	for i, a := range p.Attachments {
		caption := fmt.Sprintf("<b>%s</b> · 📎 %d/%d", p.Number, i+1, len(p.Attachments))
		if err := req.Reply.SendStored(ctx, a.Kind == proposal.KindPhoto, a.FileID, caption); err != nil {
			h.Log.Warn("attachment not sent", "chat_id", req.ChatID, "number", p.Number, "err", err)
			return req.Reply.Send(ctx, req.T.T("org_attachment_failed", "N", i+1), nil)
		}
	}
	return nil
}

// orgCard shows a proposal's card, after note.
func (h *Router) orgCard(ctx context.Context, req *bot.Request, number, note string) error {
	r, found, err := h.record(ctx, req, number)
	if !found {
		return err
	}
	return h.showCard(ctx, req, r, note)
}

// authorLine is who sent a proposal, as organizers may see it.
func authorLine(t *locales.Localizer, r storage.ProposalRecord) string {
	switch {
	case r.Proposal.Anonymous:
		return t.T("org_author_anonymous")
	case r.Proposal.AuthorForgotten || !r.HasAuthor:
		return t.T("org_author_forgotten")
	}
	var parts []string
	for _, s := range []string{r.Author.Name, r.Author.Phone} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if r.Author.Username != "" {
		parts = append(parts, "@"+r.Author.Username)
	}
	if len(parts) == 0 {
		return t.T("org_author_anonymous")
	}
	return strings.Join(parts, ", ")
}

// orgMaxAnswerShown bounds the answer on a card, which holds the text too.
const orgMaxAnswerShown = 600

// orgMaxTextAnswered bounds the text on the card of an answered proposal
// (UTF-16 units), so the text, the answer and the fields stay within one
// message's 4,096 characters; proposalBody bounds the others.
const orgMaxTextAnswered = 2200

// cardText is the text as the card shows it, and whether that is only
// its beginning (openCard then sends the whole of it).
func cardText(p *proposal.Proposal) (string, bool) {
	limit := maxShownTextUTF16
	if p.Answer != "" {
		limit = orgMaxTextAnswered
	}
	return clipUTF16(p.Text, limit)
}

func (h *Router) showCard(ctx context.Context, req *bot.Request, r storage.ProposalRecord, note string) error {
	h.leaveAnswer(req)
	f, page := inboxFilter(req)
	keepInbox(req, f, page)
	p, t := r.Proposal, req.T
	var b strings.Builder
	fmt.Fprintf(&b, "<b>%s</b> · %s\n", p.Number, esc(statusName(req, p.Status)))
	fmt.Fprintf(&b, "📅 <b>%s:</b> %s\n", esc(t.T("org_field_registered")), esc(timeText(req, p.CreatedAt)))
	if line := deadlineLine(t, h.dueCalendar(), p.Status, p.Answer != "", p.CreatedAt, req.Now); line != "" {
		fmt.Fprintf(&b, "%s\n", esc(line))
	}
	shown := *p
	var clipped bool
	shown.Text, clipped = cardText(p)
	b.WriteString(proposalBody(req, shown, authorLine(t, r)))
	if clipped {
		fmt.Fprintf(&b, "\n<i>%s</i>", esc(t.T("prop_text_clipped", "Len", groupDigits(req.Lang(), utf8.RuneCountInString(p.Text)))))
	}
	if p.Answer != "" {
		fmt.Fprintf(&b, "\n\n💬 <b>%s</b> (%s):\n%s", esc(t.T("prop_field_answer")), esc(timeText(req, p.AnsweredAt)), esc(clip(p.Answer, orgMaxAnswerShown)))
	}
	kb := ui.Keys()
	if len(moveTargets(p.Status)) > 0 {
		kb.Row(button(t.T("btn_org_status"), actArg(VerbOrgStatus, p.Number)))
	}
	if p.Status != proposal.StatusWithdrawn {
		label := "btn_org_answer"
		if p.Answer != "" {
			label = "btn_org_answer_again"
		}
		kb.Row(button(t.T(label), actArg(VerbOrgAnswer, p.Number)))
	}
	if n := len(p.Attachments); n > 0 {
		kb.Row(button(t.T("btn_org_files", "Count", n), actArg(VerbOrgOpen, p.Number)))
	}
	kb.Row(button(t.T("btn_org_back_list"), actPage(VerbOrgInbox, page)), menuRow(req))
	return req.Reply.Show(ctx, withNote(note, b.String()), kb)
}

// moveTargets are the statuses an organizer may move a proposal to from
// st, in the order of a proposal's life.
func moveTargets(st proposal.Status) []proposal.Status {
	var out []proposal.Status
	for _, to := range proposal.Statuses {
		if to != proposal.StatusWithdrawn && proposal.CanMove(st, to) {
			out = append(out, to)
		}
	}
	return out
}

// statusChoices offers the statuses a proposal may move to.
func (h *Router) statusChoices(ctx context.Context, req *bot.Request, number string) error {
	r, found, err := h.record(ctx, req, number)
	if !found {
		return err
	}
	p := r.Proposal
	targets := moveTargets(p.Status)
	if len(targets) == 0 {
		return h.showCard(ctx, req, r, "⚠️ "+esc(req.T.T("org_status_final")))
	}
	kb := ui.Keys()
	for _, to := range targets {
		kb.Row(button(statusName(req, to), actArg(VerbOrgMoveAsk, moveArg(p.Number, p.Status, to))))
	}
	kb.Row(button(req.T.T("btn_prop_back"), actArg(VerbOrgCard, p.Number)))
	text := req.T.T("org_status_choose", "Number", p.Number, "Title", esc(p.Title), "Status", esc(statusName(req, p.Status)))
	return req.Reply.Show(ctx, text, kb)
}

// moveAsk asks to confirm a status change, saying who will be told.
func (h *Router) moveAsk(ctx context.Context, req *bot.Request, arg string) error {
	number, from, to, _ := parseMove(arg)
	r, found, err := h.record(ctx, req, number)
	if !found {
		return err
	}
	p := r.Proposal
	if p.Status != from {
		return h.showCard(ctx, req, r, "⚠️ "+esc(req.T.T("org_status_changed", "Status", statusName(req, p.Status))))
	}
	who := req.T.T("org_move_tell")
	if !r.HasAuthor {
		who = req.T.T("org_move_nobody")
	}
	text := req.T.T("org_move_confirm", "Number", p.Number, "Title", esc(p.Title),
		"From", esc(statusName(req, from)), "To", esc(statusName(req, to))) + "\n\n" + esc(who)
	kb := ui.Keys().Row(button(req.T.T("btn_org_move_yes"), actArg(VerbOrgMove, arg))).
		Row(button(req.T.T("btn_prop_back"), actArg(VerbOrgCard, p.Number)))
	return req.Reply.Show(ctx, text, kb)
}

// move changes the status, tells the author and shows the card again.
func (h *Router) move(ctx context.Context, req *bot.Request, arg string) error {
	number, from, to, _ := parseMove(arg)
	res, err := h.Store.ChangeProposalStatus(ctx, storage.StatusChange{Number: number, From: from, To: to, Actor: req.UserID, Now: req.Now})
	if errors.Is(err, storage.ErrProposalNotFound) {
		_, _, err = h.record(ctx, req, number)
		return err
	}
	if err != nil {
		return err
	}
	if !res.Moved {
		return h.orgCard(ctx, req, number, "⚠️ "+esc(req.T.T("org_status_changed", "Status", statusName(req, res.Current))))
	}
	h.Log.Info("proposal status changed", "chat_id", req.ChatID, "number", number, "from", from, "to", to)
	r, err := h.Store.ProposalRecord(ctx, number)
	if err != nil {
		return err
	}
	note := "✅ " + esc(req.T.T("org_moved", "Status", statusName(req, to)))
	note += " " + esc(h.tellAuthor(ctx, req, res.Notice))
	return h.showCard(ctx, req, r, note)
}

// tellAuthor sends the notice to the author that the organizer's change
// recorded (notify.go), and returns what to tell the organizer about it.
// A notice that cannot go out now stays in the outbox for the senders.
func (h *Router) tellAuthor(ctx context.Context, req *bot.Request, notice string) string {
	if notice == "" {
		return req.T.T("org_told_nobody")
	}
	if h.Organizing == nil || h.Organizing.Notices == nil {
		return req.T.T("org_told_later")
	}
	told := h.Organizing.Notices.Tell(ctx, notice)
	switch told.Outcome {
	case storage.NoticeSent:
		return req.T.T("org_told", "Lang", locales.For(told.Lang).T("lang_name"))
	case storage.NoticeForgotten:
		return req.T.T("org_told_nobody")
	case storage.NoticeRetry:
		return req.T.T("org_told_later")
	}
	return req.T.T("org_told_failed")
}

// answerAsk starts the answer dialog: the organizer types the answer.
func (h *Router) answerAsk(ctx context.Context, req *bot.Request, number string) error {
	r, found, err := h.record(ctx, req, number)
	if !found {
		return err
	}
	if r.Proposal.Status == proposal.StatusWithdrawn {
		return h.showCard(ctx, req, r, "⚠️ "+esc(req.T.T("org_answer_withdrawn")))
	}
	f, page := inboxFilter(req)
	data := filterData(f, page)
	data["n"] = number
	req.Session.SetDialog(stepOrgAnswer, data)
	text := req.T.T("org_answer_prompt", "Number", number, "Title", esc(r.Proposal.Title),
		"Max", groupDigits(req.Lang(), storage.MaxAnswerRunes))
	if r.Proposal.Answer != "" {
		text += "\n\n" + req.T.T("org_answer_replaces")
	}
	return req.Reply.Show(ctx, text, ui.Keys().Row(button(req.T.T("btn_prop_cancel"), actArg(VerbOrgCard, number))))
}

// answerText takes the answer's text and shows it for confirmation.
func (h *Router) answerText(ctx context.Context, req *bot.Request, m *models.Message) error {
	data := req.Session.Data
	number := data["n"]
	cancel := ui.Keys().Row(button(req.T.T("btn_prop_cancel"), actArg(VerbOrgCard, number)))
	text := strings.TrimSpace(m.Text)
	if text == "" {
		return req.Reply.Send(ctx, req.T.T("org_answer_text_only"), cancel)
	}
	if n := utf8.RuneCountInString(text); n > storage.MaxAnswerRunes {
		return req.Reply.Send(ctx, req.T.T("org_answer_too_long", "Len", groupDigits(req.Lang(), n),
			"Max", groupDigits(req.Lang(), storage.MaxAnswerRunes)), cancel)
	}
	data["a"] = text
	req.Session.SetDialog(stepOrgAnswerOK, data)
	kb := ui.Keys().Row(button(req.T.T("btn_org_answer_send"), actArg(VerbOrgAnswerOK, number))).
		Row(button(req.T.T("btn_org_answer_rewrite"), actArg(VerbOrgAnswer, number)), button(req.T.T("btn_prop_cancel"), actArg(VerbOrgCard, number)))
	preview := req.T.T("org_answer_preview", "Number", number) + "\n\n" + esc(text)
	return req.Reply.Send(ctx, preview, kb)
}

// answerSend stores the answer previewed and tells the author.
func (h *Router) answerSend(ctx context.Context, req *bot.Request, number string) error {
	data := req.Session.Data
	if req.Session.Dialog != stepOrgAnswerOK || data["n"] != number || data["a"] == "" {
		// A preview's button pressed again, or after /cancel.
		if err := req.Reply.Notify(ctx, req.T.T("org_answer_stale")); err != nil {
			return err
		}
		return h.orgCard(ctx, req, number, "")
	}
	answer := data["a"]
	res, err := h.Store.AnswerProposal(ctx, number, answer, req.UserID, req.Now)
	switch {
	case errors.Is(err, storage.ErrWithdrawn):
		h.leaveAnswer(req)
		return h.orgCard(ctx, req, number, "⚠️ "+esc(req.T.T("org_answer_withdrawn")))
	case errors.Is(err, storage.ErrProposalNotFound):
		h.leaveAnswer(req)
		_, _, err = h.record(ctx, req, number)
		return err
	case err != nil:
		return err
	}
	h.leaveAnswer(req)
	h.Log.Info("proposal answered", "chat_id", req.ChatID, "number", number, "replaced", res.Replaced)
	r, err := h.Store.ProposalRecord(ctx, number)
	if err != nil {
		return err
	}
	note := "✅ " + esc(req.T.T("org_answered"))
	note += " " + esc(h.tellAuthor(ctx, req, res.Notice))
	return h.showCard(ctx, req, r, note)
}
