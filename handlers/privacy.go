package handlers

import (
	"context"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/bot/ui"
)

// privacy shows the terms of personal data again (/privacy), with where
// the user stands: accepted when, or not. It leaves a dialog in progress
// alone.
func (h *Router) privacy(ctx context.Context, req *bot.Request) error {
	text := req.T.T("consent_text", "Version", proposal.ConsentVersion)
	if !req.Private {
		// The terms are public; accepting them or forgetting is not.
		return req.Reply.Show(ctx, text, privateChatKeys(req))
	}
	st, err := h.Store.ProposerState(ctx, req.UserID, req.Now, proposal.LimitWindow)
	if err != nil {
		return err
	}
	kb := ui.Keys()
	if st.Consent.Current() {
		text += "\n\n" + req.T.T("consent_status_given", "Version", st.Consent.Version, "Time", esc(timeText(req, st.Consent.At)))
		kb.Row(button(req.T.T("btn_forget"), act(VerbForget)))
	} else {
		text += "\n\n" + req.T.T("consent_status_none")
		kb.Row(button(req.T.T("btn_consent_accept"), act(VerbConsentYes)))
	}
	if proposal.IsDialog(req.Session.Dialog) {
		// Shown from inside the dialog: it goes on below, not to the menu.
		return req.Reply.Send(ctx, text, kb)
	}
	kb.Row(menuRow(req))
	return req.Reply.Show(ctx, text, kb)
}

// forgetAsk says what /forgetme deletes and what stays, before it acts.
func (h *Router) forgetAsk(ctx context.Context, req *bot.Request) error {
	if !req.Private {
		return h.privateOnly(ctx, req)
	}
	total, _, err := h.Store.UserProposals(ctx, req.UserID, 0, 1)
	if err != nil {
		return err
	}
	kb := ui.Keys().Row(button(req.T.T("btn_forget_yes"), act(VerbForgetYes))).
		Row(button(req.T.T("btn_forget_no"), act(VerbPrivacy)))
	return req.Reply.Show(ctx, req.T.N("forget_confirm", total), kb)
}

// forget withdraws consent and deletes the user's personal data.
func (h *Router) forget(ctx context.Context, req *bot.Request) error {
	if !req.Private {
		return h.privateOnly(ctx, req)
	}
	d, inDialog, _ := h.draftOf(req)
	n, err := h.Store.ForgetUser(ctx, req.UserID, req.ChatID, req.Now)
	if err != nil {
		return err
	}
	req.Session.ClearDialog()
	h.Log.Info("user forgotten", "chat_id", req.ChatID, "proposals", n)
	text := req.T.N("forget_done", n)
	if inDialog && d.Step == proposal.StepContactShare {
		return req.Reply.SendClosingKeyboard(ctx, text)
	}
	return req.Reply.Show(ctx, text, ui.Keys().Row(menuRow(req)))
}

// cancel is /cancel outside a proposal dialog (inside one the dialog takes
// it): whatever was asked for (a search query) is closed already.
func (h *Router) cancel(ctx context.Context, req *bot.Request) error {
	if !req.Private {
		return nil
	}
	return h.menu(ctx, req, req.T.T("cancel_nothing"))
}
