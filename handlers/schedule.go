package handlers

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/schedule"
	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/locales"
	"github.com/forumbot/forumbot/storage"
)

// Schedules for organizers: /schedules lists them (broadcasts scheduled or
// repeated, award series, the bot's reminders and digest) with their next
// run and their skipped slots; each can be paused, resumed or deleted (the
// bot's own only paused). /announce schedules an award series: a forum's
// contest, one nomination per slot.

// schedulesCommand is /schedules.
func (h *Router) schedulesCommand(ctx context.Context, req *bot.Request) error {
	if !h.isOrganizer(ctx, req) {
		return h.refuse(ctx, req)
	}
	return h.schedules(ctx, req)
}

func isSystemSchedule(id string) bool { return strings.HasPrefix(id, "sys-") }

// schedules lists every schedule with its buttons.
func (h *Router) schedules(ctx context.Context, req *bot.Request) error {
	all, err := h.Store.Schedules(ctx)
	if err != nil {
		return err
	}
	t := req.T
	var b strings.Builder
	b.WriteString(t.T("sched_title"))
	kb := ui.Keys()
	shown := 0
	for _, sc := range all {
		if sc.State == storage.ScheduleDone && !isSystemSchedule(sc.ID) {
			continue
		}
		shown++
		next := t.T("sched_next_none")
		if sp, err := schedule.ParseStored(sc.Spec, sc.From, h.loc(), sc.Last); err == nil && sc.State == storage.ScheduleActive {
			if n := sp.Next(maxTime(sc.Last, req.Now)); !n.IsZero() {
				next = n.In(h.loc()).Format("02.01.2006 15:04")
			}
		}
		b.WriteString("\n\n" + t.T("sched_line", "ID", sc.ID, "Kind", t.T("sched_kind_"+sc.Kind), "Title", esc(sc.Title),
			"Spec", esc(specText(sc.Spec, h.loc())), "State", t.T("sched_state_"+sc.State), "Next", next,
			"Fired", sc.Fired, "Skipped", sc.Skipped))
		var row []modelsButton
		if sc.State == storage.ScheduleActive {
			row = append(row, button(t.T("btn_sched_pause", "ID", sc.ID), actArg(VerbSchedPause, sc.ID)))
		} else if sc.State == storage.SchedulePaused {
			row = append(row, button(t.T("btn_sched_resume", "ID", sc.ID), actArg(VerbSchedRes, sc.ID)))
		}
		if !isSystemSchedule(sc.ID) {
			row = append(row, button(t.T("btn_sched_delete", "ID", sc.ID), actArg(VerbSchedDel, sc.ID)))
		}
		kb.Row(row...)
	}
	if shown == 0 {
		b.WriteString("\n\n" + t.T("sched_none"))
	}
	kb.Row(menuRow(req))
	return req.Reply.Show(ctx, b.String(), kb)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// specText shows a stored spec: the cron expression, or the times.
func specText(stored string, loc *time.Location) string {
	rest, ok := strings.CutPrefix(stored, "at:")
	if !ok {
		return stored
	}
	var out []string
	for _, p := range strings.Split(rest, ",") {
		if u, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, time.Unix(u, 0).In(loc).Format("02.01.2006 15:04"))
		}
	}
	return strings.Join(out, ", ")
}

// controlSchedule pauses, resumes or deletes a schedule.
func (h *Router) controlSchedule(ctx context.Context, req *bot.Request, a Action) error {
	t := req.T
	if a.Verb == VerbSchedDel {
		if isSystemSchedule(a.Arg) {
			return req.Reply.Notify(ctx, t.T("sched_system"))
		}
		kb := ui.Keys().Row(button(t.T("btn_sched_delete_yes"), actArg(VerbSchedDelY, a.Arg))).
			Row(button(t.T("btn_back"), actPage(VerbSchedList, 0)))
		return req.Reply.Show(ctx, t.T("sched_delete_ask", "ID", a.Arg), kb)
	}
	action := map[string]string{VerbSchedPause: storage.ActionPause, VerbSchedRes: storage.ActionResume, VerbSchedDelY: storage.ActionDelete}[a.Verb]
	if action == storage.ActionDelete && isSystemSchedule(a.Arg) {
		return req.Reply.Notify(ctx, t.T("sched_system"))
	}
	result, _, err := h.Store.ControlSchedule(ctx, a.Arg, action, req.Now)
	if err != nil {
		return err
	}
	h.Log.Info("schedule control", "schedule", a.Arg, "action", action, "result", result)
	if result == "noop" {
		_ = req.Reply.Notify(ctx, t.T("bc_noop"))
	} else if h.Broadcast != nil && h.Broadcast.Kick != nil {
		h.Broadcast.Kick()
	}
	return h.schedules(ctx, req)
}

// announceCommand is /announce: the forums with awards to announce.
func (h *Router) announceCommand(ctx context.Context, req *bot.Request) error {
	if !h.isOrganizer(ctx, req) {
		return h.refuse(ctx, req)
	}
	if !req.Private {
		return req.Reply.Send(ctx, req.T.T("bc_private_only"), nil)
	}
	kb := ui.Keys()
	n := 0
	for _, f := range sortedForums(req.Catalog.Catalog, false, func(f *catalog.Forum) bool { return len(f.Awards) > 0 }) {
		kb.Row(button(ForumLabel(req.Lang(), f, 48), actArg(VerbAwardForum, f.ID)))
		n++
	}
	if n == 0 {
		return req.Reply.Show(ctx, req.T.T("award_series_none"), ui.Keys().Row(menuRow(req)))
	}
	kb.Row(menuRow(req))
	return req.Reply.Show(ctx, req.T.T("award_series_forum"), kb)
}

// contests are a forum's contests, in catalog order.
func contests(f *catalog.Forum) []catalog.Text {
	var out []catalog.Text
	seen := map[string]bool{}
	for _, a := range f.Awards {
		if k := schedule.ContestKey(a.Contest); !seen[k] {
			seen[k] = true
			out = append(out, a.Contest)
		}
	}
	return out
}

// awardContests asks which contest of the forum to announce.
func (h *Router) awardContests(ctx context.Context, req *bot.Request, forumID string) error {
	f, ok := req.Catalog.Catalog.ByID(forumID)
	if !ok {
		return req.Reply.Notify(ctx, req.T.T("forum_not_found"))
	}
	kb := ui.Keys()
	for i, c := range contests(f) {
		n := len(schedule.Nominations(f, schedule.ContestKey(c)))
		label := c.In(req.Lang())
		if label == "" {
			label = req.T.T("award_contest_unnamed")
		}
		kb.Row(button(clip(label, 40)+" ("+strconv.Itoa(n)+")", actIn(VerbAwardCont, f.ID, i)))
	}
	kb.Row(button(req.T.T("btn_bc_discard"), act(VerbBcDiscard)))
	return req.Reply.Show(ctx, req.T.T("award_series_contest", "Forum", esc(f.Title.In(req.Lang()))), kb)
}

// awardAsk asks for the series' times.
func (h *Router) awardAsk(ctx context.Context, req *bot.Request, forumID string, idx int) error {
	f, ok := req.Catalog.Catalog.ByID(forumID)
	cs := []catalog.Text(nil)
	if ok {
		cs = contests(f)
	}
	if idx >= len(cs) {
		return req.Reply.Notify(ctx, req.T.T("stale_button"))
	}
	req.Session.SetDialog(stepAwardSpec, map[string]string{"forum": f.ID, "contest": schedule.ContestKey(cs[idx])})
	n := len(schedule.Nominations(f, schedule.ContestKey(cs[idx])))
	return req.Reply.Send(ctx, req.T.N("award_series_prompt", n, "Contest", esc(cs[idx].In(req.Lang())),
		"Example", req.Now.Add(24*time.Hour).Format("02.01.2006")), ui.Keys().Row(button(req.T.T("btn_bc_discard"), act(VerbBcDiscard))))
}

// awardSpec reads the series' times and asks to confirm.
func (h *Router) awardSpec(ctx context.Context, req *bot.Request, input string) error {
	t := req.T
	data := req.Session.Data
	f, ok := req.Catalog.Catalog.ByID(data["forum"])
	if !ok {
		req.Session.ClearDialog()
		return req.Reply.Send(ctx, t.T("forum_not_found"), nil)
	}
	sp, err := schedule.Parse(input, h.loc(), req.Now)
	if err != nil {
		return req.Reply.Send(ctx, specErrorText(t, err), nil)
	}
	noms := schedule.Nominations(f, data["contest"])
	data["spec"] = sp.Stored
	data["from"] = ""
	if !sp.From.IsZero() {
		data["from"] = strconv.FormatInt(sp.From.Unix(), 10)
	}
	req.Session.SetDialog(stepAwardConf, data)
	text := t.N("award_series_confirm", len(noms), "Title", esc(awardTitle(t.Lang(), f, data["contest"])),
		"Next", runsText(sp.NextN(req.Now, 3), h.loc()))
	if !sp.IsCron() && len(sp.NextN(req.Now, len(noms)+1)) < len(noms) {
		text += "\n" + t.T("award_series_short")
	}
	kb := ui.Keys().Row(button(t.T("btn_bc_confirm"), act(VerbAwardConf))).Row(button(t.T("btn_bc_discard"), act(VerbBcDiscard)))
	return req.Reply.Send(ctx, text, kb)
}

// awardTitle names a series: "forum: contest".
func awardTitle(lang string, f *catalog.Forum, contest string) string {
	for _, c := range contests(f) {
		if schedule.ContestKey(c) == contest {
			return clip(f.Title.In(lang), 60) + ": " + clip(c.In(lang), 60)
		}
	}
	return f.Title.In(lang)
}

// awardConfirm saves the series.
func (h *Router) awardConfirm(ctx context.Context, req *bot.Request) error {
	data := req.Session.Data
	f, ok := req.Catalog.Catalog.ByID(data["forum"])
	if req.Session.Dialog != stepAwardConf || !ok || data["spec"] == "" {
		req.Session.ClearDialog()
		return req.Reply.Show(ctx, req.T.T("bc_no_draft"), ui.Keys().Row(menuRow(req)))
	}
	payload, err := json.Marshal(schedule.AwardsPayload{Forum: f.ID, Contest: data["contest"]})
	if err != nil {
		return err
	}
	return h.saveSchedule(ctx, req, schedule.KindAwards, awardTitle(locales.Default, f, data["contest"]), payload)
}
