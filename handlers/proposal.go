package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/storage"
)

// The proposal dialog. Its state is a proposal.Draft kept in the session
// (proposal.Draft.Encode); every input becomes a proposal.Event and goes
// through proposal.Apply, the pure state machine; this file only turns
// updates into events and drafts into screens, and does the effects
// (storing consent, registering the proposal).
//
// While a proposal dialog is open it is modal: commands and buttons of
// other features get a reminder with the current step instead of silently
// dropping what the user wrote; /cancel, or the Cancel button, ends it.

// proposalVerbs are the callback verbs of the proposal feature.
var proposalVerbs = map[string]bool{
	VerbPropose: true, VerbConsentYes: true, VerbConsentNo: true, VerbPrivacy: true,
	VerbForget: true, VerbForgetYes: true, VerbPropForum: true, VerbPropCat: true,
	VerbPropRegion: true, VerbPropDone: true, VerbPropClear: true, VerbPropAnon: true,
	VerbPropShare: true, VerbPropBack: true, VerbPropCancel: true, VerbPropEdit: true,
	VerbPropEditF: true, VerbPropSend: true, VerbMyProps: true, VerbPropOpen: true,
	VerbPropWithdraw: true, VerbPropWithdrawYes: true,
}

// isProposalVerb reports whether the proposal feature answers verb.
func isProposalVerb(verb string) bool { return proposalVerbs[verb] }

// proposalLimit is PROPOSAL_LIMIT.
func (h *Router) proposalLimit() int {
	if h.ProposalLimit > 0 {
		return h.ProposalLimit
	}
	return proposal.DefaultDailyLimit
}

func proposalEnv(req *bot.Request) proposal.Env {
	return proposal.Env{ForumKnown: func(id string) bool {
		_, ok := req.Catalog.Catalog.ByID(id)
		return ok
	}}
}

// newDraftID makes a random draft id.
func newDraftID() string {
	var b [proposal.DraftIDLen / 2]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// draftOf reads the session's draft. ok is false when the session holds
// none; lost reports a draft this version cannot read (written by a newer
// bot, during a rollback), which is dropped from the session.
func (h *Router) draftOf(req *bot.Request) (d proposal.Draft, ok, lost bool) {
	if !proposal.IsDialog(req.Session.Dialog) {
		return d, false, false
	}
	d, err := proposal.Decode(req.Session.Dialog, req.Session.Data)
	if err != nil {
		h.Log.Warn("proposal draft unreadable", "chat_id", req.ChatID, "err", err)
		req.Session.ClearDialog()
		return d, false, true
	}
	return d, true, false
}

// proposalMessage is the hook at the top of message(): it takes every
// message of a chat in a proposal dialog, whatever its content, and a
// contact sent outside one. handled is false for everything else.
func (h *Router) proposalMessage(ctx context.Context, req *bot.Request, m *models.Message) (handled bool, err error) {
	if !proposal.IsDialog(req.Session.Dialog) {
		if m.Contact != nil && req.Private {
			// A contact the bot did not ask for (or asked for in a dialog
			// that expired): say it was not kept, and take the keyboard away.
			return true, req.Reply.SendClosingKeyboard(ctx, req.T.T("prop_contact_unasked"))
		}
		return false, nil
	}
	d, ok, _ := h.draftOf(req)
	if !ok {
		return true, h.menu(ctx, req, req.T.T("prop_draft_unreadable"))
	}
	if req.HasCommand {
		switch req.Command.Name {
		case "cancel":
			return true, h.dialogStep(ctx, req, d, proposal.Event{Kind: proposal.EventCancel})
		case "privacy":
			return true, h.privacy(ctx, req)
		case "forgetme":
			return true, h.forgetAsk(ctx, req)
		case "myproposals":
			return true, h.myProposals(ctx, req, 0)
		}
		return true, h.showDraft(ctx, req, d, d, req.T.T("prop_in_progress"))
	}
	return true, h.dialogStep(ctx, req, d, messageEvent(req, m, d.Step))
}

// messageEvent is what a message means to the dialog.
func messageEvent(req *bot.Request, m *models.Message, step proposal.Step) proposal.Event {
	switch {
	case m.Contact != nil:
		c := m.Contact
		own := m.From != nil && c.UserID != 0 && c.UserID == m.From.ID
		return proposal.Event{Kind: proposal.EventContact, Contact: proposal.NewContact(c.FirstName, c.LastName, c.PhoneNumber), OwnContact: own}
	case len(m.Photo) > 0:
		p := m.Photo[len(m.Photo)-1] // the largest size
		return proposal.Event{Kind: proposal.EventAttachment, Attachment: proposal.Attachment{
			Kind: proposal.KindPhoto, FileID: p.FileID, UniqueID: p.FileUniqueID, Size: int64(p.FileSize),
		}}
	case m.Document != nil:
		doc := m.Document
		return proposal.Event{Kind: proposal.EventAttachment, Attachment: proposal.Attachment{
			Kind: proposal.KindDocument, FileID: doc.FileID, UniqueID: doc.FileUniqueID, Size: doc.FileSize,
			Name: doc.FileName, MIME: doc.MimeType,
		}}
	case m.Text != "":
		if step == proposal.StepContactShare && m.Text == req.T.T("btn_prop_back") {
			// The reply keyboard's back button sends its label.
			return proposal.Event{Kind: proposal.EventBack, On: step}
		}
		return proposal.Event{Kind: proposal.EventText, Value: m.Text}
	}
	return proposal.Event{Kind: proposal.EventOther}
}

// proposalCallback answers the proposal feature's buttons, and every button
// while a proposal dialog is open. It runs before the router's callback
// clears the dialog.
func (h *Router) proposalCallback(ctx context.Context, req *bot.Request, a Action) error {
	switch a.Verb {
	case VerbPropose:
		return h.propose(ctx, req)
	case VerbMyProps:
		return h.myProposals(ctx, req, a.Page)
	case VerbPropOpen:
		return h.openProposal(ctx, req, a.Arg, "")
	case VerbPropWithdraw:
		return h.withdrawAsk(ctx, req, a.Arg)
	case VerbPropWithdrawYes:
		return h.withdraw(ctx, req, a.Arg)
	case VerbPrivacy:
		return h.privacy(ctx, req)
	case VerbForget:
		return h.forgetAsk(ctx, req)
	case VerbForgetYes:
		return h.forget(ctx, req)
	}
	d, ok, lost := h.draftOf(req)
	switch {
	case lost:
		return h.menu(ctx, req, req.T.T("prop_draft_unreadable"))
	case !ok:
		return h.noDraft(ctx, req, a)
	}
	if !isProposalVerb(a.Verb) {
		// Another feature's button (an older message): keep the draft, and
		// show its step below.
		return h.renderDraft(ctx, req, d, req.T.T("prop_in_progress"), false)
	}
	return h.dialogStep(ctx, req, d, buttonEvent(a))
}

// noDraft answers a dialog button pressed when no draft is open: a second
// tap of Send, the terms accepted from /privacy, or a button of a draft
// that was cancelled, sent or expired.
func (h *Router) noDraft(ctx context.Context, req *bot.Request, a Action) error {
	switch a.Verb {
	case VerbPropSend:
		number, sent, err := h.Store.SentDraft(ctx, req.UserID, a.Arg)
		if err != nil {
			return err
		}
		if sent {
			return req.Reply.Notify(ctx, req.T.T("prop_already_sent", "Number", number))
		}
	case VerbConsentYes:
		if !req.Private {
			return h.privateOnly(ctx, req)
		}
		if err := h.giveConsent(ctx, req); err != nil {
			return err
		}
		kb := ui.Keys().Row(button(req.T.T("btn_propose"), act(VerbPropose))).Row(menuRow(req))
		return req.Reply.Show(ctx, req.T.T("consent_accepted", "Version", proposal.ConsentVersion), kb)
	case VerbConsentNo:
		return h.menu(ctx, req, req.T.T("consent_declined"))
	}
	if err := req.Reply.Notify(ctx, req.T.T("prop_draft_closed")); err != nil {
		return err
	}
	return req.Reply.Send(ctx, req.T.T("menu_title"), menuKeyboard(req))
}

// buttonEvent is what a dialog button means.
func buttonEvent(a Action) proposal.Event {
	ev := func(k proposal.EventKind, on proposal.Step) proposal.Event {
		return proposal.Event{Kind: k, On: on, Value: a.Arg}
	}
	switch a.Verb {
	case VerbConsentYes:
		return ev(proposal.EventAccept, proposal.StepConsent)
	case VerbConsentNo:
		return ev(proposal.EventDecline, proposal.StepConsent)
	case VerbPropForum:
		return ev(proposal.EventForum, proposal.StepForum)
	case VerbPropCat:
		return ev(proposal.EventCategory, proposal.StepCategory)
	case VerbPropRegion:
		return ev(proposal.EventRegion, proposal.StepRegion)
	case VerbPropDone:
		return ev(proposal.EventDone, proposal.StepAttachments)
	case VerbPropClear:
		return ev(proposal.EventClear, proposal.StepAttachments)
	case VerbPropAnon:
		return ev(proposal.EventAnonymous, proposal.StepContact)
	case VerbPropShare:
		return ev(proposal.EventShare, proposal.StepContact)
	case VerbPropEdit:
		return ev(proposal.EventEdit, proposal.StepPreview)
	case VerbPropEditF:
		return ev(proposal.EventEditField, proposal.StepEdit)
	case VerbPropBack:
		return proposal.Event{Kind: proposal.EventBack, On: proposal.Step(a.Arg)}
	case VerbPropSend:
		return proposal.Event{Kind: proposal.EventSend, On: proposal.StepPreview, Value: a.Arg, Rev: a.Page}
	case VerbPropCancel:
		return proposal.Event{Kind: proposal.EventCancel}
	}
	// A verb without a meaning in the dialog: refused, never guessed.
	return proposal.Event{Kind: proposal.EventOther}
}

// propose starts a proposal: in a private chat, within the limit, with the
// terms first when the user has not accepted the current ones.
func (h *Router) propose(ctx context.Context, req *bot.Request) error {
	if !req.Private {
		return h.privateOnly(ctx, req)
	}
	d, ok, lost := h.draftOf(req)
	if ok {
		return h.showDraft(ctx, req, d, d, req.T.T("prop_in_progress"))
	}
	st, err := h.Store.ProposerState(ctx, req.UserID, req.Now, proposal.LimitWindow)
	if err != nil {
		return err
	}
	limit := h.proposalLimit()
	if st.Recent >= limit {
		kb := ui.Keys().Row(button(req.T.T("btn_my_proposals"), actPage(VerbMyProps, 0))).Row(menuRow(req))
		return req.Reply.Show(ctx, h.limitText(req, st.RetryAt(proposal.LimitWindow)), kb)
	}
	d = proposal.NewDraft(newDraftID(), st.Consent.Current())
	var notes []string
	if lost {
		notes = append(notes, req.T.T("prop_draft_unreadable"))
	}
	if d.Step == proposal.StepForum {
		notes = append(notes, quotaText(req, limit-st.Recent, limit))
	}
	return h.showDraft(ctx, req, d, d, strings.Join(notes, "\n"))
}

func quotaText(req *bot.Request, left, limit int) string {
	return req.T.N("prop_quota", left, "Limit", limit)
}

func (h *Router) limitText(req *bot.Request, retryAt time.Time) string {
	return req.T.T("prop_limit_reached", "Limit", h.proposalLimit(), "Time", esc(timeText(req, retryAt)))
}

// dialogStep applies one event to the draft and shows the outcome.
func (h *Router) dialogStep(ctx context.Context, req *bot.Request, d proposal.Draft, ev proposal.Event) error {
	r := proposal.Apply(d, ev, proposalEnv(req))
	switch r.Effect {
	case proposal.EffectCancel:
		return h.closeDraft(ctx, req, d, req.T.T("prop_cancelled"))
	case proposal.EffectDecline:
		return h.closeDraft(ctx, req, d, req.T.T("consent_declined"))
	case proposal.EffectSubmit:
		return h.submit(ctx, req, r.Draft)
	case proposal.EffectConsent:
		if err := h.giveConsent(ctx, req); err != nil {
			return err
		}
		note := req.T.T("consent_accepted", "Version", proposal.ConsentVersion)
		if r.Draft.Step == proposal.StepForum {
			st, err := h.Store.ProposerState(ctx, req.UserID, req.Now, proposal.LimitWindow)
			if err != nil {
				return err
			}
			note += "\n" + quotaText(req, max(h.proposalLimit()-st.Recent, 0), h.proposalLimit())
		}
		return h.showDraft(ctx, req, d, r.Draft, note)
	}
	note := ""
	if r.Problem != nil {
		note = "⚠️ " + problemText(req, r.Problem)
	}
	return h.showDraft(ctx, req, d, r.Draft, note)
}

func (h *Router) giveConsent(ctx context.Context, req *bot.Request) error {
	return h.Store.GiveConsent(ctx, req.UserID, proposal.Consent{Version: proposal.ConsentVersion, At: req.Now, Lang: req.Lang()})
}

// closeDraft ends the dialog with note and the menu, taking away the
// contact keyboard if it is up.
func (h *Router) closeDraft(ctx context.Context, req *bot.Request, d proposal.Draft, note string) error {
	req.Session.ClearDialog()
	if d.Step == proposal.StepContactShare {
		if err := req.Reply.SendClosingKeyboard(ctx, note); err != nil {
			return err
		}
		return req.Reply.Send(ctx, req.T.T("menu_title"), menuKeyboard(req))
	}
	return h.menu(ctx, req, note)
}

// showDraft stores d in the session and shows its step, after note (HTML)
// when there is one, in place of the pressed message. before is the draft
// as it was: leaving the step that asks for the contact takes its keyboard
// away first, and the step then comes below that.
func (h *Router) showDraft(ctx context.Context, req *bot.Request, before, d proposal.Draft, note string) error {
	dialog, data := d.Encode()
	req.Session.SetDialog(dialog, data)
	if before.Step != proposal.StepContactShare || d.Step == proposal.StepContactShare {
		return h.renderDraft(ctx, req, d, note, true)
	}
	closing := req.T.T("prop_contact_not_shared")
	if !d.Contact.Anonymous && d.Contact.Phone != "" && d.Contact != before.Contact {
		closing = req.T.T("prop_contact_received", "Name", esc(d.Contact.Name), "Phone", esc(d.Contact.Phone))
	}
	if err := req.Reply.SendClosingKeyboard(ctx, closing); err != nil {
		return err
	}
	return h.renderDraft(ctx, req, d, note, false)
}

// renderDraft shows d's step after note: in place of the pressed message,
// or as a new message below everything. The step that asks for the
// contact is always a new message, with the keyboard that shares it.
func (h *Router) renderDraft(ctx context.Context, req *bot.Request, d proposal.Draft, note string, inPlace bool) error {
	text, kb, err := h.draftScreen(ctx, req, d)
	if err != nil {
		return err
	}
	text = withNote(note, text)
	switch {
	case d.Step == proposal.StepContactShare:
		return req.Reply.AskContact(ctx, text, req.T.T("btn_contact_send"), req.T.T("btn_prop_back"))
	case inPlace:
		return req.Reply.Show(ctx, text, kb)
	}
	return req.Reply.Send(ctx, text, kb)
}

func withNote(note, text string) string {
	if note == "" {
		return text
	}
	return note + "\n\n" + text
}

// problemText is the localized message of a refused input.
func problemText(req *bot.Request, p *proposal.Problem) string {
	return req.T.T("prop_err_"+p.Code,
		"Len", groupDigits(req.Lang(), p.Len), "Limit", groupDigits(req.Lang(), p.Limit),
		"Over", groupDigits(req.Lang(), p.Len-p.Limit), "Types", documentTypes())
}

func documentTypes() string { return strings.Join(proposal.DocumentExtensions(), ", ") }

// draftScreen is the text (HTML) and keyboard of d's step.
func (h *Router) draftScreen(ctx context.Context, req *bot.Request, d proposal.Draft) (string, *ui.Keyboard, error) {
	t, lang := req.T, req.Lang()
	var b strings.Builder
	if n, of := d.Step.Number(); n > 0 {
		fmt.Fprintf(&b, "<i>%s</i>\n", esc(t.T("prop_step", "N", n, "Of", of)))
	}
	kb := ui.Keys()
	backRow := func() {
		kb.Row(button(t.T("btn_prop_back"), actArg(VerbPropBack, string(d.Step))), button(t.T("btn_prop_cancel"), act(VerbPropCancel)))
	}
	current := func(value string) {
		if d.Editing && value != "" {
			fmt.Fprintf(&b, "\n\n%s", t.T("prop_current", "Value", esc(value)))
		}
	}
	switch d.Step {
	case proposal.StepConsent:
		b.WriteString(t.T("consent_text", "Version", proposal.ConsentVersion))
		kb.Row(button(t.T("btn_consent_accept"), act(VerbConsentYes)), button(t.T("btn_consent_decline"), act(VerbConsentNo)))

	case proposal.StepForum:
		b.WriteString(t.T("prop_ask_forum"))
		current(forumName(req, d.Forum))
		kb.Row(button(t.T("btn_forum_general"), actArg(VerbPropForum, proposal.GeneralForum)))
		for _, f := range forumChoices(req) {
			kb.Row(button(ForumLabel(lang, f, 60), actArg(VerbPropForum, f.ID)))
		}
		backRow()

	case proposal.StepCategory:
		b.WriteString(t.T("prop_ask_category"))
		current(categoryName(req, d.Category))
		for _, c := range proposal.Categories {
			kb.Row(button(categoryName(req, c), actArg(VerbPropCat, string(c))))
		}
		backRow()

	case proposal.StepRegion:
		b.WriteString(t.T("prop_ask_region"))
		current(regionName(req, d.Region))
		var row []modelsButton
		for _, r := range catalog.Regions {
			row = append(row, button(r.Name.In(lang), actArg(VerbPropRegion, r.Code)))
			if len(row) == 2 {
				kb.Row(row...)
				row = nil
			}
		}
		kb.Row(row...)
		backRow()

	case proposal.StepTitle:
		b.WriteString(t.T("prop_ask_title", "Max", groupDigits(lang, proposal.MaxTitleRunes)))
		current(d.Title)
		backRow()

	case proposal.StepText:
		b.WriteString(t.T("prop_ask_text", "Min", groupDigits(lang, proposal.MinTextRunes), "Max", groupDigits(lang, proposal.MaxTextRunes)))
		current(clip(d.Text, 300))
		backRow()

	case proposal.StepAttachments:
		b.WriteString(t.T("prop_ask_attachments",
			"Max", proposal.MaxAttachments, "Types", documentTypes(),
			"PhotoMB", proposal.MaxPhotoBytes>>20, "DocMB", proposal.MaxDocumentBytes>>20))
		fmt.Fprintf(&b, "\n\n%s", t.T("prop_attached", "Count", len(d.Attachments), "Max", proposal.MaxAttachments))
		for i, a := range d.Attachments {
			fmt.Fprintf(&b, "\n%d. %s", i+1, esc(attachmentName(req, a)))
		}
		next := "btn_attach_skip"
		if len(d.Attachments) > 0 {
			next = "btn_attach_done"
		}
		kb.Row(button(t.T(next), act(VerbPropDone)))
		if len(d.Attachments) > 0 {
			kb.Row(button(t.T("btn_attach_clear"), act(VerbPropClear)))
		}
		backRow()

	case proposal.StepContact:
		b.WriteString(t.T("prop_ask_contact"))
		current(contactText(req, d.Contact))
		kb.Row(button(t.T("btn_contact_anon"), act(VerbPropAnon)), button(t.T("btn_contact_share"), act(VerbPropShare)))
		backRow()

	case proposal.StepContactShare:
		b.WriteString(t.T("prop_ask_contact_share"))

	case proposal.StepPreview:
		st, err := h.Store.ProposerState(ctx, req.UserID, req.Now, proposal.LimitWindow)
		if err != nil {
			return "", nil, err
		}
		b.WriteString("<b>" + esc(t.T("prop_preview_title")) + "</b>\n\n")
		b.WriteString(proposalBody(req, d.Proposal(lang), contactText(req, d.Contact)))
		limit := h.proposalLimit()
		if left := limit - st.Recent - 1; left >= 0 {
			fmt.Fprintf(&b, "\n\n<i>%s</i>", esc(t.N("prop_preview_quota", left, "Limit", limit)))
		} else {
			fmt.Fprintf(&b, "\n\n%s", h.limitText(req, st.RetryAt(proposal.LimitWindow)))
		}
		kb.Row(button(t.T("btn_prop_edit"), act(VerbPropEdit)), button(t.T("btn_prop_back"), actArg(VerbPropBack, string(d.Step)))).
			Row(button(t.T("btn_prop_cancel"), act(VerbPropCancel)), button(t.T("btn_prop_send"), actIn(VerbPropSend, d.ID, d.ShownRev())))

	case proposal.StepEdit:
		b.WriteString(t.T("prop_edit_choose"))
		var row []modelsButton
		for _, s := range proposal.EditableSteps() {
			row = append(row, button(t.T("prop_field_"+string(s)), actArg(VerbPropEditF, string(s))))
			if len(row) == 2 {
				kb.Row(row...)
				row = nil
			}
		}
		kb.Row(row...)
		kb.Row(button(t.T("btn_prop_back"), actArg(VerbPropBack, string(d.Step))))
	}
	return b.String(), kb, nil
}

// maxShownTextUTF16 bounds a proposal's text on screen: Telegram counts a
// message's 4096 characters in UTF-16 units, and the fields around the
// text take well under 1000.
const maxShownTextUTF16 = 3000

// proposalBody is a proposal's fields and text, in HTML, for the preview
// and the author's card; contact is the contact line's text.
func proposalBody(req *bot.Request, p proposal.Proposal, contact string) string {
	t := req.T
	var b strings.Builder
	line := func(icon, field, value string) {
		fmt.Fprintf(&b, "%s <b>%s:</b> %s\n", icon, esc(t.T("prop_field_"+field)), esc(value))
	}
	line("🏛", "forum", forumName(req, p.Forum))
	line("🏷", "category", categoryName(req, p.Category))
	line("📍", "region", regionName(req, p.Region))
	fmt.Fprintf(&b, "\n<b>%s</b>\n\n", esc(p.Title))
	text, clipped := clipUTF16(p.Text, maxShownTextUTF16)
	b.WriteString(esc(text))
	if clipped {
		fmt.Fprintf(&b, "\n<i>%s</i>", esc(t.T("prop_text_clipped", "Len", groupDigits(req.Lang(), len([]rune(p.Text))))))
	}
	b.WriteString("\n\n")
	files := t.T("prop_attachments_none")
	if len(p.Attachments) > 0 {
		names := make([]string, len(p.Attachments))
		for i, a := range p.Attachments {
			names[i] = attachmentName(req, a)
		}
		files = strings.Join(names, ", ")
	}
	line("📎", "attachments", files)
	line("👤", "contact", contact)
	return strings.TrimSuffix(b.String(), "\n")
}

// forumChoices are the forums a proposal may concern: the coming ones,
// soonest first, then the five latest past ones; cancelled ones are left
// out.
func forumChoices(req *bot.Request) []*catalog.Forum {
	c := req.Catalog.Catalog
	live := func(f *catalog.Forum) bool { return !f.Cancelled }
	out := sortedForums(c, true, func(f *catalog.Forum) bool { return live(f) && IsUpcoming(f, req.Now) })
	past := sortedForums(c, false, func(f *catalog.Forum) bool { return live(f) && !IsUpcoming(f, req.Now) })
	return append(out, past[:min(len(past), 5)]...)
}

func forumName(req *bot.Request, id string) string {
	switch {
	case id == "":
		return ""
	case id == proposal.GeneralForum:
		return req.T.T("prop_forum_general")
	}
	if f, ok := req.Catalog.Catalog.ByID(id); ok {
		return ForumLabel(req.Lang(), f, 100)
	}
	return id // a forum that left the catalog since
}

func categoryName(req *bot.Request, c proposal.Category) string {
	if c == "" {
		return ""
	}
	return req.T.T("prop_cat_" + string(c))
}

func regionName(req *bot.Request, code string) string {
	if r, ok := catalog.RegionByCode(code); ok {
		return r.Name.In(req.Lang())
	}
	return code
}

func attachmentName(req *bot.Request, a proposal.Attachment) string {
	if a.Kind == proposal.KindDocument && a.Name != "" {
		return clip(a.Name, 60)
	}
	return req.T.T("prop_attach_" + string(a.Kind))
}

func contactText(req *bot.Request, c proposal.Contact) string {
	if c.Anonymous || c.Phone == "" {
		return req.T.T("prop_contact_anonymous")
	}
	return strings.TrimSpace(c.Name + ", " + c.Phone)
}

// submit registers the draft.
func (h *Router) submit(ctx context.Context, req *bot.Request, d proposal.Draft) error {
	author := proposal.Author{UserID: req.UserID, ChatID: req.ChatID}
	if !d.Contact.Anonymous {
		author.Name, author.Phone = d.Contact.Name, d.Contact.Phone
		if cq := req.Update.CallbackQuery; cq != nil {
			author.Username = cq.From.Username
		}
	}
	res, err := h.Store.SubmitProposal(ctx, storage.Submission{
		Proposal: d.Proposal(req.Lang()), Author: author, DraftID: d.ID,
		Now: req.Now, Limit: h.proposalLimit(), Window: proposal.LimitWindow,
	})
	if err != nil {
		return err
	}
	switch res.Outcome {
	case storage.Submitted, storage.AlreadySubmitted:
		req.Session.ClearDialog()
		h.Log.Info("proposal registered", "chat_id", req.ChatID, "number", res.Number, "again", res.Outcome == storage.AlreadySubmitted)
		text := req.T.T("prop_sent", "Number", res.Number)
		text += "\n\n<i>" + esc(quotaText(req, max(h.proposalLimit()-res.Recent, 0), h.proposalLimit())) + "</i>"
		kb := ui.Keys().Row(button(req.T.T("btn_my_proposals"), actPage(VerbMyProps, 0))).Row(menuRow(req))
		return req.Reply.Show(ctx, text, kb)
	case storage.DuplicateText:
		kb := ui.Keys().Row(button("📄 "+res.Number, actArg(VerbPropOpen, res.Number))).
			Row(button(req.T.T("btn_prop_edit"), act(VerbPropEdit)), button(req.T.T("btn_prop_cancel"), act(VerbPropCancel)))
		return req.Reply.Show(ctx, req.T.T("prop_duplicate", "Number", res.Number), kb)
	case storage.OverLimit:
		return h.showDraft(ctx, req, d, d, "⚠️ "+h.limitText(req, res.RetryAt)+"\n"+esc(req.T.T("prop_draft_kept")))
	case storage.NoConsent:
		d.Step = proposal.StepConsent
		d.Rev++
		return h.showDraft(ctx, req, d, d, "")
	}
	return errors.New("handlers: submit: unknown outcome")
}

// privateOnly answers a proposal command in a group: proposals and
// personal data belong in the private chat with the bot.
func (h *Router) privateOnly(ctx context.Context, req *bot.Request) error {
	return req.Reply.Show(ctx, req.T.T("prop_private_only"), privateChatKeys(req))
}

// privateChatKeys is a button that opens the private chat with the bot.
func privateChatKeys(req *bot.Request) *ui.Keyboard {
	return ui.Keys().Row(ui.URLButton(req.T.T("btn_open_private"), "https://t.me/"+req.BotUsername))
}

// groupDigits writes n with thousands grouped as lang does: "4,000" in
// English, "4 000" (no-break space) in Kazakh and Russian.
func groupDigits(lang string, n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	sep := "\u00a0"
	if lang == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// clipUTF16 shortens s to at most n UTF-16 units (Telegram's measure),
// with an ellipsis, cutting at a space when one is near.
func clipUTF16(s string, n int) (string, bool) {
	units := 0
	for i, r := range s {
		units += len(utf16.Encode([]rune{r}))
		if units > n-1 {
			cut := s[:i]
			if sp := strings.LastIndexAny(cut, " \n"); sp > len(cut)-100 && sp > 0 {
				cut = cut[:sp]
			}
			return strings.TrimSpace(cut) + "…", true
		}
	}
	return s, false
}
