package handlers

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/locales"
	"github.com/forumbot/forumbot/storage"
)

// The organizers' side of proposals: roles (/grant, /revoke, roles.go),
// the inbox with its filters, a proposal's card, status changes and the
// official answer (inbox.go), the CSV export (export.go) and the audit log
// (organizer_audit.go).
//
// Every command and every button of it asks for the role again, on every
// update (roleOf): a forged callback from anyone else changes nothing and
// is refused, and a revoked organizer is refused from their next press on.
// Non-organizers never see another user's proposals or identities.

// Organizing is what the organizers' side needs.
type Organizing struct {
	// Admins are ADMIN_IDS: they grant and revoke the organizer role.
	Admins []int64
	// Calendar counts working days for the answers' deadlines.
	Calendar *proposal.Calendar
	// DefaultLang is the language of an author the bot knows none for.
	DefaultLang string
	// Reply makes the reply helper that writes to another chat: the
	// author's, to tell them of a status change or an answer.
	Reply func(chatID int64) *ui.Reply
	// Notices sends those (notify.go); when nil, the notices wait in the
	// outbox for a process that has it.
	Notices *Notices
}

// role is what a user may do.
type role int

const (
	roleNone role = iota
	roleOrganizer
	roleAdmin
)

// isAdmin reports whether userID is in ADMIN_IDS.
func (h *Router) isAdmin(userID int64) bool {
	if userID == 0 {
		return false
	}
	if h.Organizing != nil && slices.Contains(h.Organizing.Admins, userID) {
		return true
	}
	return h.Broadcast != nil && slices.Contains(h.Broadcast.Organizers, userID)
}

// roleOf is the user's role now: admins from the configuration, organizers
// from Redis, asked on every call. When Redis cannot answer, the answer is
// no role: an error never grants anything.
func (h *Router) roleOf(ctx context.Context, req *bot.Request) role {
	if req.UserID == 0 {
		return roleNone
	}
	if h.isAdmin(req.UserID) {
		return roleAdmin
	}
	ok, err := h.Store.IsOrganizer(ctx, req.UserID)
	if err != nil {
		h.Log.Warn("organizer role unknown: refused", "update_id", req.Update.ID, "chat_id", req.ChatID, "err", err)
		return roleNone
	}
	if ok {
		return roleOrganizer
	}
	return roleNone
}

// Dialog steps of the organizers' side. The inbox's filters and page
// (data keys st, rg, ct, fm, due, pg) ride along in the session's data;
// while the organizer only browses, the step is idle (""), so an inbox
// left open is not "an action not finished" when the session idles out.
const (
	stepOrgAnswer   = "org_answer"    // waiting for an answer's text (data n: the number)
	stepOrgAnswerOK = "org_answer_ok" // an answer to confirm (data n, a: its text)
	stepOrgGrant    = "org_grant"     // waiting for a user id or a forwarded message
	stepOrgRevoke   = "org_revoke"    // the same, to revoke
)

func isOrganizerStep(step string) bool { return strings.HasPrefix(step, "org_") }

// Verbs of the organizers' side.
const (
	VerbOrgInbox    = "oi"  // Page: the inbox with the session's filters
	VerbOrgFilter   = "of"  // Arg: st, rg, ct or fm: choose that filter; Page
	VerbOrgFStatus  = "ofs" // Arg: all, todo, a status
	VerbOrgFRegion  = "ofr" // Arg: a region code or "-" (any)
	VerbOrgFCat     = "ofc" // Arg: a category or "-"
	VerbOrgFForum   = "off" // Arg: a forum id, general or "-"
	VerbOrgFDue     = "ofd" // Arg: overdue, soon or "-"
	VerbOrgFReset   = "ofx" // the default filters
	VerbOrgOpen     = "oo"  // Arg: a number: the card, with the attachments
	VerbOrgCard     = "oc"  // Arg: a number: the card alone
	VerbOrgStatus   = "osc" // Arg: a number: choose the new status
	VerbOrgMoveAsk  = "omc" // Arg: number/from/to: confirm the change
	VerbOrgMove     = "omy" // Arg: number/from/to: change it
	VerbOrgAnswer   = "oan" // Arg: a number: write the answer
	VerbOrgAnswerOK = "oay" // Arg: a number: send the answer previewed
	VerbOrgExport   = "oex" // the CSV of the session's filters
	VerbOrgAudit    = "oau" // Arg: the index to show entries below ("" newest)
	VerbOrgRevoke   = "orv" // Arg: a user id
)

// organizerVerbs are answered by organizerCallback.
var organizerVerbs = map[string]bool{
	VerbOrgInbox: true, VerbOrgFilter: true, VerbOrgFStatus: true, VerbOrgFRegion: true, VerbOrgFCat: true,
	VerbOrgFForum: true, VerbOrgFDue: true, VerbOrgFReset: true, VerbOrgOpen: true, VerbOrgCard: true,
	VerbOrgStatus: true, VerbOrgMoveAsk: true, VerbOrgMove: true, VerbOrgAnswer: true, VerbOrgAnswerOK: true,
	VerbOrgExport: true, VerbOrgAudit: true, VerbOrgRevoke: true,
}

// anyValue is a filter button's "any".
const anyValue = "-"

// Filter dimensions (VerbOrgFilter's Arg).
const (
	dimStatus   = "st"
	dimRegion   = "rg"
	dimCategory = "ct"
	dimForum    = "fm"
)

// validOrganizerAction checks the parts of an organizer verb (the codec's
// valid() asks it).
func validOrganizerAction(a Action) bool {
	switch a.Verb {
	case VerbOrgFilter:
		return a.Arg == dimStatus || a.Arg == dimRegion || a.Arg == dimCategory || a.Arg == dimForum
	case VerbOrgFStatus:
		return a.Arg == storage.FilterAll || a.Arg == storage.FilterTodo || proposal.Status(a.Arg).Valid()
	case VerbOrgFRegion:
		return a.Arg == anyValue || proposal.ValidRegion(a.Arg)
	case VerbOrgFCat:
		return a.Arg == anyValue || proposal.Category(a.Arg).Valid()
	case VerbOrgFForum:
		return a.Arg == anyValue || forumIDRE.MatchString(a.Arg)
	case VerbOrgFDue:
		return a.Arg == anyValue || a.Arg == storage.DueOverdue || a.Arg == storage.DueSoon
	case VerbOrgOpen, VerbOrgCard, VerbOrgStatus, VerbOrgAnswer, VerbOrgAnswerOK:
		_, _, ok := proposal.ParseNumber(a.Arg)
		return ok
	case VerbOrgMoveAsk, VerbOrgMove:
		_, _, _, ok := parseMove(a.Arg)
		return ok
	case VerbOrgAudit:
		return a.Arg == "" || jobIDRE.MatchString(a.Arg)
	case VerbOrgRevoke:
		_, ok := userIDArg(a.Arg)
		return ok
	}
	return true
}

// moveArg writes a status change as one argument: number/from/to.
func moveArg(number string, from, to proposal.Status) string {
	return number + "/" + string(from) + "/" + string(to)
}

// parseMove reads moveArg's form, strictly: a move CanMove allows and not
// to withdrawn (only the author withdraws).
func parseMove(arg string) (number string, from, to proposal.Status, ok bool) {
	parts := strings.Split(arg, "/")
	if len(parts) != 3 {
		return "", "", "", false
	}
	number, from, to = parts[0], proposal.Status(parts[1]), proposal.Status(parts[2])
	if _, _, valid := proposal.ParseNumber(number); !valid || !proposal.CanMove(from, to) || to == proposal.StatusWithdrawn {
		return "", "", "", false
	}
	return number, from, to, true
}

// userIDArg reads a Telegram user id written canonically.
func userIDArg(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0 && strconv.FormatInt(id, 10) == s
}

// organizerCallback answers the organizers' buttons: the role first, on
// every press.
func (h *Router) organizerCallback(ctx context.Context, req *bot.Request, a Action) error {
	r := h.roleOf(ctx, req)
	if a.Verb == VerbOrgRevoke {
		if r != roleAdmin {
			return h.refuseAdmin(ctx, req)
		}
		return h.revokeButton(ctx, req, a.Arg)
	}
	if r == roleNone {
		if isOrganizerStep(req.Session.Dialog) || hasInbox(req) {
			req.Session.ClearDialog()
		}
		return h.refuse(ctx, req)
	}
	if !req.Private {
		return req.Reply.Notify(ctx, req.T.T("org_private_only"))
	}
	switch a.Verb {
	case VerbOrgInbox:
		return h.inbox(ctx, req, a.Page, "")
	case VerbOrgFilter:
		return h.filterScreen(ctx, req, a.Arg, a.Page)
	case VerbOrgFStatus, VerbOrgFRegion, VerbOrgFCat, VerbOrgFForum, VerbOrgFDue, VerbOrgFReset:
		return h.setFilter(ctx, req, a)
	case VerbOrgOpen:
		return h.openCard(ctx, req, a.Arg)
	case VerbOrgCard:
		h.leaveAnswer(req)
		return h.orgCard(ctx, req, a.Arg, "")
	case VerbOrgStatus:
		return h.statusChoices(ctx, req, a.Arg)
	case VerbOrgMoveAsk:
		return h.moveAsk(ctx, req, a.Arg)
	case VerbOrgMove:
		return h.move(ctx, req, a.Arg)
	case VerbOrgAnswer:
		return h.answerAsk(ctx, req, a.Arg)
	case VerbOrgAnswerOK:
		return h.answerSend(ctx, req, a.Arg)
	case VerbOrgExport:
		return h.exportCSV(ctx, req)
	case VerbOrgAudit:
		before, _ := strconv.ParseInt(a.Arg, 10, 64)
		return h.auditPage(ctx, req, before)
	}
	return nil
}

// organizerMessage is the hook at the top of message() for the organizers'
// dialogs that wait for a message: an answer's text, a user to grant or
// revoke. handled is false for everything else.
func (h *Router) organizerMessage(ctx context.Context, req *bot.Request, m *models.Message) (handled bool, err error) {
	step := req.Session.Dialog
	if step != stepOrgAnswer && step != stepOrgAnswerOK && step != stepOrgGrant && step != stepOrgRevoke {
		return false, nil
	}
	r := h.roleOf(ctx, req)
	admin := step == stepOrgGrant || step == stepOrgRevoke
	if r == roleNone || admin && r != roleAdmin {
		req.Session.ClearDialog()
		if admin && r != roleNone {
			return true, h.refuseAdmin(ctx, req)
		}
		return true, h.refuse(ctx, req)
	}
	if req.HasCommand {
		if req.Command.Name != "cancel" {
			return false, nil // another command leaves the dialog; the router runs it
		}
		if admin {
			req.Session.ClearDialog()
			return true, req.Reply.Send(ctx, req.T.T("org_cancelled"), ui.Keys().Row(menuRow(req)))
		}
		number := req.Session.Data["n"]
		h.leaveAnswer(req)
		return true, h.orgCard(ctx, req, number, req.T.T("org_answer_dropped"))
	}
	switch step {
	case stepOrgAnswer, stepOrgAnswerOK:
		return true, h.answerText(ctx, req, m)
	case stepOrgGrant:
		return true, h.grantFrom(ctx, req, m)
	}
	return true, h.revokeFrom(ctx, req, m)
}

// organizerCommand guards a command of the organizers: the role, then a
// private chat.
func (h *Router) organizerCommand(next func(ctx context.Context, req *bot.Request) error) command {
	return func(ctx context.Context, req *bot.Request) error {
		if h.roleOf(ctx, req) == roleNone {
			return h.refuse(ctx, req)
		}
		if !req.Private {
			return req.Reply.Send(ctx, req.T.T("org_private_only"), privateChatKeys(req))
		}
		return next(ctx, req)
	}
}

// adminCommand guards /grant and /revoke: admins only, in a private chat.
func (h *Router) adminCommand(next func(ctx context.Context, req *bot.Request) error) command {
	return func(ctx context.Context, req *bot.Request) error {
		if h.roleOf(ctx, req) != roleAdmin {
			return h.refuseAdmin(ctx, req)
		}
		if !req.Private {
			return req.Reply.Send(ctx, req.T.T("org_private_only"), privateChatKeys(req))
		}
		return next(ctx, req)
	}
}

// refuseAdmin answers someone who is not an admin, changing nothing.
func (h *Router) refuseAdmin(ctx context.Context, req *bot.Request) error {
	h.Log.Warn("admin action refused", "update_id", req.Update.ID, "chat_id", req.ChatID)
	return req.Reply.Notify(ctx, req.T.T("org_not_admin"))
}

// organizerMenuRow is the main menu's row for organizers, nil for others.
func (h *Router) organizerMenuRow(ctx context.Context, req *bot.Request) []modelsButton {
	if !req.Private || h.roleOf(ctx, req) == roleNone {
		return nil
	}
	return []modelsButton{button(req.T.T("btn_org_inbox"), actPage(VerbOrgInbox, 0))}
}

// dueCalendar is the deadlines' calendar (Kazakhstan's holidays, 15 working
// days, when none is configured).
func (h *Router) dueCalendar() *proposal.Calendar {
	if h.Organizing != nil && h.Organizing.Calendar != nil {
		return h.Organizing.Calendar
	}
	return proposal.NewCalendar(proposal.DefaultHolidays(), 0, h.loc())
}

// query is the storage query of filter f now.
func (h *Router) query(req *bot.Request, f storage.ProposalFilter) storage.ProposalQuery {
	cal := h.dueCalendar()
	return storage.ProposalQuery{Filter: f, OverdueBefore: cal.OverdueBefore(req.Now), SoonBefore: cal.DueSoonBefore(req.Now)}
}

// forumTitle is a forum's name for the organizers, in lang.
func forumTitle(t *locales.Localizer, c *catalog.Catalog, id string) string {
	if id == proposal.GeneralForum {
		return t.T("prop_forum_general")
	}
	if c != nil {
		if f, ok := c.ByID(id); ok {
			return ForumLabel(t.Lang(), f, 100)
		}
	}
	return id
}
