package handlers

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/schedule"
	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/locales"
	"github.com/forumbot/forumbot/storage"
)

// Broadcasts for organizers: /broadcast opens the composer. The organizer
// sends the message itself (text with formatting, a photo, a document,
// with a caption), optionally one per language; chooses the audience and
// sees how many it reaches; gets a preview (copies of the message, as the
// recipients will get them); then sends it now, at a date and time, or on
// a cron expression. The job itself is bot/broadcast's.
//
// Every step, button presses included, checks isOrganizer: a forged
// callback from anyone else changes nothing and is refused.

// Broadcasts is what the broadcast and schedule features need.
type Broadcasts struct {
	// Organizers are the users who may broadcast (ADMIN_IDS, until the
	// proposals work brings organizer roles; see isOrganizer).
	Organizers []int64
	// Wake starts the delivery engine on a new job (may be nil).
	Wake func()
	// Kick makes the scheduler look at a new schedule (may be nil).
	Kick func()
	// Location is Asia/Almaty.
	Location *time.Location
	// DefaultLang is the language of recipients the bot knows none for.
	DefaultLang string
	// Rate is the engine's rate, for the time a broadcast will take.
	Rate float64
}

// Dialog steps of the composer (session), and of the award series.
const (
	stepBcMessage = "bc_msg"   // waiting for the message (data "want": its language)
	stepBcReady   = "bc_ready" // a message is in; choosing the audience or when
	stepBcWhen    = "bc_when"  // waiting for a date and time
	stepBcCron    = "bc_cron"  // waiting for a cron expression
	stepBcConfirm = "bc_conf"  // a schedule to confirm (data "spec", "from")
	stepAwardSpec = "sc_award" // waiting for an award series' times
	stepAwardConf = "sc_aconf" // an award series to confirm
)

// Verbs of broadcasts and schedules.
const (
	VerbBcVersion  = "bcv"  // Arg: language of a version to add
	VerbBcAudience = "bca"  // Arg: all, org, lang, region, forum
	VerbBcLang     = "bcl"  // Arg: language
	VerbBcRegion   = "bcr"  // Arg: region code
	VerbBcForum    = "bcf"  // Arg: forum id
	VerbBcSend     = "bcs"  // send now
	VerbBcAt       = "bct"  // ask for a date and time
	VerbBcCron     = "bcc"  // ask for a cron expression
	VerbBcConfirm  = "bcy"  // confirm the schedule
	VerbBcDiscard  = "bcx"  // drop the draft
	VerbBcBack     = "bcb"  // back to the audience
	VerbBcPause    = "bcp"  // Arg: job id
	VerbBcResume   = "bcu"  // Arg: job id
	VerbBcCancel   = "bck"  // Arg: job id
	VerbSchedList  = "scl"  // Page
	VerbSchedPause = "scp"  // Arg: schedule id
	VerbSchedRes   = "scu"  // Arg: schedule id
	VerbSchedDel   = "scd"  // Arg: schedule id: ask
	VerbSchedDelY  = "scdy" // Arg: schedule id: delete
	VerbAwardForum = "saf"  // Arg: forum id
	VerbAwardCont  = "sac"  // Arg: forum id, Page: contest index
	VerbAwardConf  = "say"  // confirm the series
)

// broadcastVerbs are answered by broadcastCallback; every one is for
// organizers only.
var broadcastVerbs = map[string]bool{
	VerbBcVersion: true, VerbBcAudience: true, VerbBcLang: true, VerbBcRegion: true, VerbBcForum: true,
	VerbBcSend: true, VerbBcAt: true, VerbBcCron: true, VerbBcConfirm: true, VerbBcDiscard: true, VerbBcBack: true,
	VerbBcPause: true, VerbBcResume: true, VerbBcCancel: true,
	VerbSchedList: true, VerbSchedPause: true, VerbSchedRes: true, VerbSchedDel: true, VerbSchedDelY: true,
	VerbAwardForum: true, VerbAwardCont: true, VerbAwardConf: true,
}

// isBroadcastStep reports whether a session dialog step is the composer's
// or an award series'.
func isBroadcastStep(step string) bool {
	return strings.HasPrefix(step, "bc_") || strings.HasPrefix(step, "sc_")
}

// isOrganizer is the one check of who may broadcast and schedule: an
// admin (ADMIN_IDS) or a user an admin granted the organizer role to
// (/grant), asked of Redis on every call (roleOf, organizer.go), so a
// revocation takes effect at once; when Redis cannot answer, no one is.
func (h *Router) isOrganizer(ctx context.Context, req *bot.Request) bool {
	return h.roleOf(ctx, req) != roleNone
}

// refuse answers someone who is not an organizer, changing nothing.
func (h *Router) refuse(ctx context.Context, req *bot.Request) error {
	h.Log.Warn("organizer action refused", "update_id", req.Update.ID, "chat_id", req.ChatID)
	return req.Reply.Notify(ctx, req.T.T("bc_not_organizer"))
}

func (h *Router) loc() *time.Location {
	if h.Broadcast != nil && h.Broadcast.Location != nil {
		return h.Broadcast.Location
	}
	return time.UTC
}

// broadcastCommand is /broadcast.
func (h *Router) broadcastCommand(ctx context.Context, req *bot.Request) error {
	if !h.isOrganizer(ctx, req) {
		return h.refuse(ctx, req)
	}
	if !req.Private {
		return req.Reply.Send(ctx, req.T.T("bc_private_only"), nil)
	}
	req.Session.SetDialog(stepBcMessage, map[string]string{"want": storage.AnyLang})
	return req.Reply.Send(ctx, req.T.T("bc_prompt"), ui.Keys().Row(button(req.T.T("btn_bc_discard"), act(VerbBcDiscard))))
}

// broadcastMessage is the composer's hook at the top of message(): a group
// migrating to a supergroup, and every message of a chat in a composer
// step, whatever its content. handled is false for everything else.
func (h *Router) broadcastMessage(ctx context.Context, req *bot.Request, m *models.Message) (handled bool, err error) {
	if m.MigrateToChatID != 0 {
		return true, h.migrated(ctx, req, m)
	}
	step := req.Session.Dialog
	if !isBroadcastStep(step) {
		return false, nil
	}
	if !h.isOrganizer(ctx, req) {
		req.Session.ClearDialog()
		return true, h.refuse(ctx, req)
	}
	if req.HasCommand {
		if req.Command.Name == "cancel" {
			req.Session.ClearDialog()
			return true, req.Reply.Send(ctx, req.T.T("bc_discarded"), ui.Keys().Row(menuRow(req)))
		}
		// Another command leaves the composer; the router handles it.
		return false, nil
	}
	data := req.Session.Data
	switch step {
	case stepBcMessage:
		if !copyable(m) {
			return true, req.Reply.Send(ctx, req.T.T("bc_unsupported"), nil)
		}
		want := data["want"]
		if want == "" {
			want = storage.AnyLang
		}
		data["v:"+want] = storage.MessageRef{ChatID: req.ChatID, MessageID: m.ID}.String()
		req.Session.SetDialog(stepBcReady, data)
		return true, h.composer(ctx, req)
	case stepBcWhen, stepBcCron:
		return true, h.broadcastSpec(ctx, req, step, req.Text())
	case stepAwardSpec:
		return true, h.awardSpec(ctx, req, req.Text())
	}
	// A message while choosing with buttons: show the screen again.
	return true, h.composer(ctx, req)
}

// copyable reports whether copyMessage can copy m: a message with content,
// not a service message.
func copyable(m *models.Message) bool {
	return m.Text != "" || len(m.Photo) > 0 || m.Document != nil || m.Video != nil || m.Audio != nil ||
		m.Voice != nil || m.Animation != nil || m.Sticker != nil || m.Location != nil || m.Poll != nil
}

// versions reads the draft's messages by language.
func versions(data map[string]string) map[string]storage.MessageRef {
	out := map[string]storage.MessageRef{}
	for k, v := range data {
		if lang, ok := strings.CutPrefix(k, "v:"); ok {
			if ref, ok := storage.ParseMessageRef(v); ok {
				out[lang] = ref
			}
		}
	}
	return out
}

func langName(lang string) string { return locales.For(lang).T("lang_name") }

// versionList is "for everyone, Қазақша, Русский".
func versionList(t *locales.Localizer, vs map[string]storage.MessageRef) string {
	var parts []string
	if _, ok := vs[storage.AnyLang]; ok {
		parts = append(parts, t.T("bc_version_any"))
	}
	for _, l := range locales.Supported {
		if _, ok := vs[l]; ok {
			parts = append(parts, langName(l))
		}
	}
	return strings.Join(parts, ", ")
}

// composer shows the draft: its versions and the audience buttons.
func (h *Router) composer(ctx context.Context, req *bot.Request) error {
	vs := versions(req.Session.Data)
	if len(vs) == 0 {
		req.Session.ClearDialog()
		return req.Reply.Show(ctx, req.T.T("bc_no_draft"), ui.Keys().Row(menuRow(req)))
	}
	t := req.T
	kb := ui.Keys()
	var add []models.InlineKeyboardButton
	for _, l := range locales.Supported {
		if _, ok := vs[l]; !ok {
			add = append(add, button("+ "+langName(l), actArg(VerbBcVersion, l)))
		}
	}
	kb.Row(add...).
		Row(button(t.T("btn_bc_all"), actArg(VerbBcAudience, storage.AudienceAll))).
		Row(button(t.T("btn_bc_by_lang"), actArg(VerbBcAudience, storage.AudienceLang)), button(t.T("btn_bc_by_region"), actArg(VerbBcAudience, storage.AudienceRegion))).
		Row(button(t.T("btn_bc_by_forum"), actArg(VerbBcAudience, storage.AudienceForum))).
		Row(button(t.T("btn_bc_org"), actArg(VerbBcAudience, storage.AudienceOrganizers))).
		Row(button(t.T("btn_bc_discard"), act(VerbBcDiscard)))
	return req.Reply.Show(ctx, t.T("bc_composer", "Versions", esc(versionList(t, vs))), kb)
}

// audienceLabel names an audience in the organizer's language.
func audienceLabel(t *locales.Localizer, c *catalog.Catalog, a storage.Audience) string {
	switch a.Kind {
	case storage.AudienceLang:
		return t.T("bc_aud_lang", "Lang", langName(a.Arg))
	case storage.AudienceRegion:
		name := a.Arg
		if r, ok := catalog.RegionByCode(a.Arg); ok {
			name = r.Name.In(t.Lang())
		}
		return t.T("bc_aud_region", "Region", name)
	case storage.AudienceForum:
		name := a.Arg
		if c != nil {
			if f, ok := c.ByID(a.Arg); ok {
				name = ForumLabel(t.Lang(), f, 60)
			}
		}
		return t.T("bc_aud_forum", "Forum", name)
	case storage.AudienceOrganizers:
		return t.T("bc_aud_org")
	case storage.AudienceAwards:
		return t.T("bc_aud_awards")
	}
	return t.T("bc_aud_all")
}

// broadcastCallback answers every button of broadcasts and schedules.
func (h *Router) broadcastCallback(ctx context.Context, req *bot.Request, a Action) error {
	if !h.isOrganizer(ctx, req) {
		return h.refuse(ctx, req)
	}
	switch a.Verb {
	case VerbBcPause, VerbBcResume, VerbBcCancel:
		return h.controlBroadcast(ctx, req, a)
	case VerbSchedList:
		return h.schedules(ctx, req)
	case VerbSchedPause, VerbSchedRes, VerbSchedDel, VerbSchedDelY:
		return h.controlSchedule(ctx, req, a)
	case VerbAwardForum:
		return h.awardContests(ctx, req, a.Arg)
	case VerbAwardCont:
		return h.awardAsk(ctx, req, a.Arg, a.Page)
	case VerbAwardConf:
		return h.awardConfirm(ctx, req)
	case VerbBcDiscard:
		req.Session.ClearDialog()
		return req.Reply.Show(ctx, req.T.T("bc_discarded"), ui.Keys().Row(menuRow(req)))
	}
	// The rest are steps of a draft. Without one (sent already, discarded,
	// expired) a toast says so and the message, perhaps a broadcast's
	// progress now, stays as it is.
	if !isBroadcastStep(req.Session.Dialog) || len(versions(req.Session.Data)) == 0 {
		return req.Reply.Notify(ctx, req.T.T("bc_no_draft"))
	}
	data := req.Session.Data
	t := req.T
	switch a.Verb {
	case VerbBcVersion:
		data["want"] = a.Arg
		req.Session.SetDialog(stepBcMessage, data)
		return req.Reply.Send(ctx, t.T("bc_version_prompt", "Lang", langName(a.Arg)), nil)
	case VerbBcBack:
		req.Session.SetDialog(stepBcReady, data)
		return h.composer(ctx, req)
	case VerbBcAudience:
		switch a.Arg {
		case storage.AudienceLang:
			kb := ui.Keys()
			for _, l := range locales.Supported {
				kb.Row(button(langName(l), actArg(VerbBcLang, l)))
			}
			return req.Reply.Show(ctx, t.T("bc_choose_lang"), kb.Row(button(t.T("btn_back"), act(VerbBcBack))))
		case storage.AudienceRegion:
			kb := ui.Keys()
			for _, r := range catalog.Regions {
				kb.Row(button(r.Name.In(req.Lang()), actArg(VerbBcRegion, r.Code)))
			}
			return req.Reply.Show(ctx, t.T("bc_choose_region"), kb.Row(button(t.T("btn_back"), act(VerbBcBack))))
		case storage.AudienceForum:
			kb := ui.Keys()
			for _, f := range sortedForums(req.Catalog.Catalog, false, func(*catalog.Forum) bool { return true }) {
				kb.Row(button(ForumLabel(req.Lang(), f, 48), actArg(VerbBcForum, f.ID)))
			}
			return req.Reply.Show(ctx, t.T("bc_choose_forum"), kb.Row(button(t.T("btn_back"), act(VerbBcBack))))
		}
		return h.preview(ctx, req, storage.Audience{Kind: a.Arg})
	case VerbBcLang:
		return h.preview(ctx, req, storage.Audience{Kind: storage.AudienceLang, Arg: a.Arg})
	case VerbBcRegion:
		return h.preview(ctx, req, storage.Audience{Kind: storage.AudienceRegion, Arg: a.Arg})
	case VerbBcForum:
		if _, ok := req.Catalog.Catalog.ByID(a.Arg); !ok {
			return req.Reply.Notify(ctx, t.T("forum_not_found"))
		}
		return h.preview(ctx, req, storage.Audience{Kind: storage.AudienceForum, Arg: a.Arg})
	}
	aud, ok := storage.ParseAudience(data["aud"])
	if !ok {
		req.Session.SetDialog(stepBcReady, data)
		return h.composer(ctx, req)
	}
	switch a.Verb {
	case VerbBcSend:
		return h.sendNow(ctx, req, aud)
	case VerbBcAt:
		req.Session.SetDialog(stepBcWhen, data)
		return req.Reply.Send(ctx, t.T("bc_when_prompt", "Example", req.Now.Add(24*time.Hour).Format("02.01.2006")+" 10:00"), nil)
	case VerbBcCron:
		req.Session.SetDialog(stepBcCron, data)
		return req.Reply.Send(ctx, t.T("bc_cron_prompt"), nil)
	case VerbBcConfirm:
		return h.scheduleBroadcast(ctx, req, aud)
	}
	return nil
}

// members are the recipients named in a job: the organizers, for the
// organizers-only audience.
func (h *Router) members(ctx context.Context, a storage.Audience) []int64 {
	if a.Kind != storage.AudienceOrganizers || h.Broadcast == nil {
		return nil
	}
	return h.Store.OrganizerIDs(ctx, h.Broadcast.Organizers)
}

func (h *Router) defaultLang() string {
	if h.Broadcast != nil && h.Broadcast.DefaultLang != "" {
		return h.Broadcast.DefaultLang
	}
	return locales.Default
}

// preview shows what the recipients will get (copies of each version) and
// how many they are, and asks when to send.
func (h *Router) preview(ctx context.Context, req *bot.Request, aud storage.Audience) error {
	data := req.Session.Data
	data["aud"] = aud.String()
	req.Session.SetDialog(stepBcReady, data)
	n, err := h.Store.CountAudience(ctx, aud, h.members(ctx, aud), h.defaultLang())
	if err != nil {
		return err
	}
	t := req.T
	vs := versions(data)
	if err := req.Reply.Show(ctx, t.T("bc_preview_head", "Versions", esc(versionList(t, vs))), nil); err != nil {
		return err
	}
	for _, l := range append([]string{storage.AnyLang}, locales.Supported...) {
		if ref, ok := vs[l]; ok {
			if err := req.Reply.Copy(ctx, ref.ChatID, ref.MessageID); err != nil {
				return err
			}
		}
	}
	text := t.N("bc_preview", n, "Audience", esc(audienceLabel(t, req.Catalog.Catalog, aud)))
	if n == 0 {
		text += "\n" + t.T("bc_nobody")
	} else if h.Broadcast != nil && h.Broadcast.Rate > 0 {
		text += "\n" + t.T("bc_duration", "Duration", etaText(t, time.Duration(float64(n)/h.Broadcast.Rate*float64(time.Second))))
	}
	kb := ui.Keys().
		Row(button(t.T("btn_bc_send"), act(VerbBcSend))).
		Row(button(t.T("btn_bc_at"), act(VerbBcAt)), button(t.T("btn_bc_cron"), act(VerbBcCron))).
		Row(button(t.T("btn_back"), act(VerbBcBack)), button(t.T("btn_bc_discard"), act(VerbBcDiscard)))
	return req.Reply.Send(ctx, text, kb)
}

// newJob is the draft as a job.
func (h *Router) newJob(ctx context.Context, req *bot.Request, aud storage.Audience) storage.NewBroadcast {
	return storage.NewBroadcast{
		Kind: storage.KindCopy, Audience: aud, Owner: req.UserID, OwnerChat: req.ChatID, OwnerLang: req.Lang(),
		Notify: true, Copies: versions(req.Session.Data), Members: h.members(ctx, aud),
		Title: audienceLabel(req.T, req.Catalog.Catalog, aud),
	}
}

// sendNow creates the job; the message with the buttons becomes its
// progress message.
func (h *Router) sendNow(ctx context.Context, req *bot.Request, aud storage.Audience) error {
	id, _, err := h.Store.CreateBroadcast(ctx, h.newJob(ctx, req, aud), req.Now)
	if err != nil {
		return err
	}
	req.Session.ClearDialog()
	h.Log.Info("broadcast created", "job", id, "audience", aud.String())
	if mid := req.Reply.EditID(); mid != 0 {
		if err := h.Store.SetBroadcastProgressMessage(ctx, id, mid); err != nil {
			return err
		}
	}
	if h.Broadcast != nil && h.Broadcast.Wake != nil {
		h.Broadcast.Wake()
	}
	j, err := h.Store.Broadcast(ctx, id)
	if err != nil {
		return err
	}
	text, kb := progressView(req.T, req.Catalog.Catalog, j, 0, h.loc())
	return req.Reply.Show(ctx, text, kb)
}

// broadcastSpec reads a date and time (stepBcWhen) or a cron expression
// (stepBcCron) and asks to confirm, with the next three runs.
func (h *Router) broadcastSpec(ctx context.Context, req *bot.Request, step, input string) error {
	t := req.T
	sp, err := schedule.Parse(input, h.loc(), req.Now)
	if err == nil && step == stepBcWhen && sp.IsCron() {
		err = &schedule.SpecError{Kind: schedule.ErrSyntax, Detail: input}
	}
	if err != nil {
		return req.Reply.Send(ctx, specErrorText(t, err), ui.Keys().Row(button(t.T("btn_back"), act(VerbBcBack))))
	}
	data := req.Session.Data
	data["spec"] = sp.Stored
	data["from"] = ""
	if !sp.From.IsZero() {
		data["from"] = strconv.FormatInt(sp.From.Unix(), 10)
	}
	req.Session.SetDialog(stepBcConfirm, data)
	aud, _ := storage.ParseAudience(data["aud"])
	text := t.T("bc_confirm_schedule", "Audience", esc(audienceLabel(t, req.Catalog.Catalog, aud)),
		"Next", runsText(sp.NextN(req.Now, 3), h.loc()))
	kb := ui.Keys().Row(button(t.T("btn_bc_confirm"), act(VerbBcConfirm))).
		Row(button(t.T("btn_back"), act(VerbBcBack)), button(t.T("btn_bc_discard"), act(VerbBcDiscard)))
	return req.Reply.Send(ctx, text, kb)
}

// runsText lists run times in local time, one a line.
func runsText(ts []time.Time, loc *time.Location) string {
	var lines []string
	for _, t := range ts {
		lines = append(lines, "• "+t.In(loc).Format("02.01.2006 15:04"))
	}
	return strings.Join(lines, "\n")
}

// specErrorText explains a spec the bot cannot use.
func specErrorText(t *locales.Localizer, err error) string {
	se, ok := schedule.IsSpecError(err)
	if !ok {
		return t.T("sched_err_syntax", "Detail", esc(err.Error()))
	}
	return t.T("sched_err_"+se.Kind, "Detail", esc(se.Detail))
}

// scheduleBroadcast saves the confirmed schedule.
func (h *Router) scheduleBroadcast(ctx context.Context, req *bot.Request, aud storage.Audience) error {
	data := req.Session.Data
	if req.Session.Dialog != stepBcConfirm || data["spec"] == "" {
		req.Session.SetDialog(stepBcReady, data)
		return h.composer(ctx, req)
	}
	copies := map[string]string{}
	for l, ref := range versions(data) {
		copies[l] = ref.String()
	}
	payload, err := json.Marshal(schedule.BroadcastPayload{Copies: copies, Audience: aud.String(), Members: h.members(ctx, aud)})
	if err != nil {
		return err
	}
	return h.saveSchedule(ctx, req, schedule.KindBroadcast, audienceLabel(req.T, req.Catalog.Catalog, aud), payload)
}

// saveSchedule stores the schedule the organizer confirmed (kind, its
// title and payload; the cron spec and start from the dialog), ends the
// dialog, wakes the scheduler and says so.
func (h *Router) saveSchedule(ctx context.Context, req *bot.Request, kind, title string, payload []byte) error {
	data := req.Session.Data
	var from time.Time
	if u, err := strconv.ParseInt(data["from"], 10, 64); err == nil && u > 0 {
		from = time.Unix(u, 0)
	}
	id, _, err := h.Store.SaveSchedule(ctx, storage.NewSchedule{
		Kind: kind, Spec: data["spec"], From: from, Owner: req.UserID, OwnerChat: req.ChatID,
		OwnerLang: req.Lang(), Title: title, Payload: string(payload),
	}, req.Now)
	if err != nil {
		return err
	}
	req.Session.ClearDialog()
	h.Log.Info("schedule saved", "schedule", id, "kind", kind)
	if h.Broadcast != nil && h.Broadcast.Kick != nil {
		h.Broadcast.Kick()
	}
	return req.Reply.Show(ctx, req.T.T("bc_scheduled", "ID", id), ui.Keys().Row(button(req.T.T("btn_schedules"), actPage(VerbSchedList, 0))).Row(menuRow(req)))
}

// controlBroadcast is Pause, Resume and Cancel on a progress message.
func (h *Router) controlBroadcast(ctx context.Context, req *bot.Request, a Action) error {
	id, _ := strconv.ParseInt(a.Arg, 10, 64)
	action := map[string]string{VerbBcPause: storage.ActionPause, VerbBcResume: storage.ActionResume, VerbBcCancel: storage.ActionCancel}[a.Verb]
	result, _, err := h.Store.ControlBroadcast(ctx, id, action, req.UserID, req.Now)
	if err != nil {
		return err
	}
	j, err := h.Store.Broadcast(ctx, id)
	if err != nil {
		return req.Reply.Notify(ctx, req.T.T("bc_gone"))
	}
	h.Log.Info("broadcast control", "job", id, "action", action, "result", result)
	if result == "noop" {
		_ = req.Reply.Notify(ctx, req.T.T("bc_noop"))
	} else if action == storage.ActionResume && h.Broadcast != nil && h.Broadcast.Wake != nil {
		h.Broadcast.Wake()
	}
	text, kb := progressView(req.T, req.Catalog.Catalog, j, 0, h.loc())
	return req.Reply.Show(ctx, text, kb)
}

// progressView is a job's progress message in t's language: counters, the
// time left, why it is paused, and the buttons its state allows.
func progressView(t *locales.Localizer, c *catalog.Catalog, j *storage.BroadcastJob, eta time.Duration, loc *time.Location) (string, *ui.Keyboard) {
	var b strings.Builder
	b.WriteString(t.T("bc_progress_head", "ID", j.ID, "State", t.T("bc_state_"+j.State), "Audience", esc(audienceLabel(t, c, j.Audience))))
	b.WriteString("\n" + t.T("bc_progress_counts", "Sent", j.Sent, "Blocked", j.Blocked, "Failed", j.Failed, "Remaining", j.Remaining, "Total", j.Total))
	id := strconv.FormatInt(j.ID, 10)
	kb := ui.Keys()
	switch j.State {
	case storage.BroadcastRunning:
		if eta > 0 {
			b.WriteString("\n" + t.T("bc_eta", "Duration", etaText(t, eta)))
		}
		kb.Row(button(t.T("btn_bc_pause"), actArg(VerbBcPause, id)), button(t.T("btn_bc_cancel"), actArg(VerbBcCancel, id)))
	case storage.BroadcastPaused:
		if j.Reason == "errors" {
			b.WriteString("\n" + t.T("bc_paused_errors", "Error", esc(j.ReasonDetail)))
		} else {
			b.WriteString("\n" + t.T("bc_paused_organizer"))
		}
		kb.Row(button(t.T("btn_bc_resume"), actArg(VerbBcResume, id)), button(t.T("btn_bc_cancel"), actArg(VerbBcCancel, id)))
	case storage.BroadcastPreparing:
		kb.Row(button(t.T("btn_bc_cancel"), actArg(VerbBcCancel, id)))
	case storage.BroadcastDone, storage.BroadcastCancelled:
		if !j.Finished.IsZero() {
			b.WriteString("\n" + t.T("bc_finished_at", "When", j.Finished.In(loc).Format("02.01.2006 15:04")))
		}
	}
	return b.String(), kb
}

// etaText writes a duration for people: "about 3 min", "about 2 h".
func etaText(t *locales.Localizer, d time.Duration) string {
	switch {
	case d < time.Minute:
		return t.N("bc_seconds", max(int(d.Seconds()+0.5), 1))
	case d < time.Hour:
		return t.N("bc_minutes", int(d.Minutes()+0.5))
	}
	return t.N("bc_hours", int(d.Hours()+0.5))
}

// BroadcastView writes what organizers see of broadcasts and schedules
// outside an update: the engine's progress messages and reports
// (broadcast.Reporter), the texts of award announcements, reminders and
// the digest (schedule.Texts), and notices of skipped slots
// (schedule.Notifier, through the reply helper).
type BroadcastView struct {
	Store    *storage.Store
	Location *time.Location
	Reply    func(chatID int64) *ui.Reply
}

func (v *BroadcastView) catalog() *catalog.Catalog {
	c, _, err := v.Store.Catalog(context.Background())
	if err != nil {
		return nil
	}
	return c
}

// Progress is a job's progress message with its buttons.
func (v *BroadcastView) Progress(j *storage.BroadcastJob, eta time.Duration) (string, *ui.Keyboard) {
	return progressView(locales.For(j.OwnerLang), v.catalog(), j, eta, v.Location)
}

// Final is a job's report.
func (v *BroadcastView) Final(j *storage.BroadcastJob, errs map[string]int64) string {
	t := locales.For(j.OwnerLang)
	var b strings.Builder
	key := "bc_report_done"
	if j.State == storage.BroadcastCancelled {
		key = "bc_report_cancelled"
	}
	b.WriteString(t.T(key, "ID", j.ID, "Audience", esc(audienceLabel(t, v.catalog(), j.Audience)),
		"Sent", j.Sent, "Blocked", j.Blocked, "Failed", j.Failed, "Remaining", j.Remaining, "Total", j.Total))
	descs := make([]string, 0, len(errs))
	for d := range errs {
		descs = append(descs, d)
	}
	slices.Sort(descs)
	for _, d := range descs {
		b.WriteString("\n• " + esc(d) + " — " + strconv.FormatInt(errs[d], 10))
	}
	return b.String()
}

// Paused tells the organizer a job paused on repeated errors.
func (v *BroadcastView) Paused(j *storage.BroadcastJob) string {
	return locales.For(j.OwnerLang).T("bc_paused_notice", "ID", j.ID, "Error", esc(j.ReasonDetail))
}

// Award is the announcement of nomination n of of.
func (v *BroadcastView) Award(lang string, f *catalog.Forum, a catalog.Award, n, of int) string {
	t := locales.For(lang)
	var b strings.Builder
	b.WriteString(t.T("award_ann_head", "Contest", esc(a.Contest.In(lang)), "Forum", esc(f.Title.In(lang)),
		"N", n, "Of", of, "Nomination", esc(a.Nomination.In(lang)), "Winner", esc(a.Winner.In(lang))))
	if o := a.Organization.In(lang); o != "" {
		b.WriteString("\n" + t.T("award_ann_org", "Org", esc(o)))
	}
	if p := a.Project.In(lang); p != "" {
		b.WriteString("\n" + t.T("award_ann_project", "Project", esc(p)))
	}
	return b.String()
}

// Reminder is a forum's reminder, a day or an hour before it starts.
func (v *BroadcastView) Reminder(lang string, f *catalog.Forum, start time.Time, hour bool) string {
	t := locales.For(lang)
	var place []string
	for _, s := range []string{f.City.In(lang), f.Venue.In(lang)} {
		if s != "" {
			place = append(place, s)
		}
	}
	when := t.Time(start)
	if f.Start.Time != "" {
		when += ", " + f.Start.Time
	}
	key := "reminder_day"
	if hour {
		key = "reminder_hour"
	}
	return t.T(key, "Title", esc(f.Title.In(lang)), "When", esc(when), "Place", esc(strings.Join(place, ", ")))
}

// Digest is the organizers' morning digest.
func (v *BroadcastView) Digest(lang string, d schedule.Digest) string {
	t := locales.For(lang)
	var b strings.Builder
	b.WriteString(t.T("digest_title"))
	for _, part := range []struct {
		key   string
		items []schedule.DigestItem
		count int
	}{{"digest_new", d.New, d.NewCount}, {"digest_due", d.Due, d.DueCount}, {"digest_overdue", d.Overdue, d.OverdueCount}} {
		n := max(part.count, len(part.items))
		if n == 0 {
			continue
		}
		b.WriteString("\n\n" + t.N(part.key, n))
		for _, it := range part.items {
			b.WriteString("\n• " + esc(it.Number) + " " + esc(it.Title))
		}
		if n > len(part.items) {
			b.WriteString("\n• …")
		}
	}
	return b.String()
}

// Notify tells an organizer that slots of a schedule were skipped.
func (v *BroadcastView) Notify(ctx context.Context, chatID int64, lang string, n schedule.Notice) {
	t := locales.For(lang)
	text := t.N("sched_skipped", n.Skipped, "ID", n.Schedule.ID, "Title", esc(n.Schedule.Title),
		"When", n.Last.In(v.Location).Format("02.01.2006 15:04"))
	// A failure is the reply helper's to log; the skip is in the schedule's
	// record and in /schedules either way.
	_ = v.Reply(chatID).Send(ctx, text, nil)
}
