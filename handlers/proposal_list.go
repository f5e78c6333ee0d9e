package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/storage"
)

// timeText is a moment in Asia/Almaty: "22 қараша 2026 ж., 14:35".
func timeText(req *bot.Request, t time.Time) string {
	t = t.In(req.Now.Location())
	return req.T.Time(t) + ", " + t.Format("15:04")
}

func statusName(req *bot.Request, s proposal.Status) string {
	return req.T.T("prop_status_" + string(s))
}

// myProposals lists the user's proposals, newest first, a page at a time.
func (h *Router) myProposals(ctx context.Context, req *bot.Request, page int) error {
	if !req.Private {
		return h.privateOnly(ctx, req)
	}
	total, list, err := h.Store.UserProposals(ctx, req.UserID, page*pageSize, pageSize)
	if err != nil {
		return err
	}
	pages := max((total+pageSize-1)/pageSize, 1)
	if page >= pages && total > 0 {
		// A stale button on a list that shrank (after /forgetme, say).
		return h.myProposals(ctx, req, pages-1)
	}
	newRow := ui.Keys().Row(button(req.T.T("btn_propose"), act(VerbPropose))).Row(menuRow(req))
	if total == 0 {
		return req.Reply.Show(ctx, req.T.T("my_none"), newRow)
	}
	var b strings.Builder
	b.WriteString(esc(req.T.N("my_title", total)))
	kb := ui.Keys()
	for i, p := range list {
		n := page*pageSize + i + 1
		fmt.Fprintf(&b, "\n\n%d. <b>%s</b> · %s\n%s\n%s", n, p.Number, esc(req.T.Time(p.CreatedAt.In(req.Now.Location()))),
			esc(p.Title), esc(statusName(req, p.Status)))
		kb.Row(button(clip(fmt.Sprintf("%s · %s", p.Number, p.Title), 60), actArg(VerbPropOpen, p.Number)))
	}
	if pages > 1 {
		fmt.Fprintf(&b, "\n\n<i>%s</i>", esc(req.T.T("page", "Page", page+1, "Pages", pages)))
		var nav []modelsButton
		if page > 0 {
			nav = append(nav, button(req.T.T("btn_prev"), actPage(VerbMyProps, page-1)))
		}
		if page < pages-1 {
			nav = append(nav, button(req.T.T("btn_next"), actPage(VerbMyProps, page+1)))
		}
		kb.Row(nav...)
	}
	kb.Row(button(req.T.T("btn_propose"), act(VerbPropose)), menuRow(req))
	return req.Reply.Show(ctx, b.String(), kb)
}

// openProposal shows one of the user's proposals, after note.
func (h *Router) openProposal(ctx context.Context, req *bot.Request, number, note string) error {
	if !req.Private {
		return h.privateOnly(ctx, req)
	}
	p, err := h.Store.UserProposal(ctx, req.UserID, number)
	if errors.Is(err, storage.ErrProposalNotFound) {
		// Forged, or forgotten by /forgetme: the same answer either way.
		if err := req.Reply.Notify(ctx, req.T.T("prop_not_found")); err != nil {
			return err
		}
		return h.myProposals(ctx, req, 0)
	}
	if err != nil {
		return err
	}
	t := req.T
	var b strings.Builder
	fmt.Fprintf(&b, "<b>%s</b> · %s\n", p.Number, esc(statusName(req, p.Status)))
	fmt.Fprintf(&b, "📅 <b>%s:</b> %s\n", esc(t.T("prop_field_sent")), esc(timeText(req, p.CreatedAt)))
	// The card does not repeat the name and phone: the author knows them,
	// and the card may be shown over someone's shoulder.
	contact := t.T("prop_contact_anonymous")
	if !p.Anonymous {
		contact = t.T("prop_contact_named")
	}
	b.WriteString(proposalBody(req, *p, contact))
	if p.Answer != "" {
		fmt.Fprintf(&b, "\n\n💬 <b>%s:</b>\n%s", esc(t.T("prop_field_answer")), esc(clip(p.Answer, 500)))
	}
	kb := ui.Keys()
	if p.CanWithdraw() {
		kb.Row(button(t.T("btn_withdraw"), actArg(VerbPropWithdraw, p.Number)))
	}
	kb.Row(button(t.T("btn_my_proposals"), actPage(VerbMyProps, 0)), menuRow(req))
	return req.Reply.Show(ctx, withNote(note, b.String()), kb)
}

// withdrawAsk asks the author to confirm the withdrawal.
func (h *Router) withdrawAsk(ctx context.Context, req *bot.Request, number string) error {
	if !req.Private {
		return h.privateOnly(ctx, req)
	}
	p, err := h.Store.UserProposal(ctx, req.UserID, number)
	if errors.Is(err, storage.ErrProposalNotFound) {
		return h.openProposal(ctx, req, number, "")
	}
	if err != nil {
		return err
	}
	if !p.CanWithdraw() {
		return h.openProposal(ctx, req, number, "⚠️ "+req.T.T("prop_withdraw_too_late"))
	}
	kb := ui.Keys().Row(button(req.T.T("btn_withdraw_yes"), actArg(VerbPropWithdrawYes, number))).
		Row(button(req.T.T("btn_prop_back"), actArg(VerbPropOpen, number)))
	return req.Reply.Show(ctx, req.T.T("prop_withdraw_confirm", "Number", number, "Title", esc(p.Title)), kb)
}

// withdraw withdraws the proposal and shows it again.
func (h *Router) withdraw(ctx context.Context, req *bot.Request, number string) error {
	if !req.Private {
		return h.privateOnly(ctx, req)
	}
	out, err := h.Store.WithdrawProposal(ctx, req.UserID, number, req.Now)
	if errors.Is(err, storage.ErrProposalNotFound) {
		return h.openProposal(ctx, req, number, "")
	}
	if err != nil {
		return err
	}
	note := "✅ " + req.T.T("prop_withdrawn", "Number", number)
	if out == storage.NotWithdrawable {
		note = "⚠️ " + req.T.T("prop_withdraw_too_late")
	}
	if out == storage.Withdrawn {
		h.Log.Info("proposal withdrawn", "chat_id", req.ChatID, "number", number)
	}
	return h.openProposal(ctx, req, number, note)
}
