package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/ui"
)

// Roles: an admin (ADMIN_IDS) grants the organizer role with /grant and
// takes it back with /revoke, naming the user by their id or by
// forwarding any message of theirs. Admins themselves are the
// configuration's: no command grants or revokes them.

// grantCommand is /grant [user id].
func (h *Router) grantCommand(ctx context.Context, req *bot.Request) error {
	if arg := strings.TrimSpace(req.Command.Args); arg != "" {
		id, ok := userIDArg(arg)
		if !ok {
			return req.Reply.Send(ctx, req.T.T("org_bad_user_id"), nil)
		}
		return h.grant(ctx, req, id, "")
	}
	req.Session.SetDialog(stepOrgGrant, nil)
	text, err := h.organizerList(ctx, req)
	if err != nil {
		return err
	}
	return req.Reply.Send(ctx, req.T.T("org_grant_prompt")+"\n\n"+text, ui.Keys().Row(menuRow(req)))
}

// revokeCommand is /revoke [user id]: without an id, the organizers with a
// button each, and a forwarded message or an id is taken too.
func (h *Router) revokeCommand(ctx context.Context, req *bot.Request) error {
	if arg := strings.TrimSpace(req.Command.Args); arg != "" {
		id, ok := userIDArg(arg)
		if !ok {
			return req.Reply.Send(ctx, req.T.T("org_bad_user_id"), nil)
		}
		return h.revoke(ctx, req, id, false)
	}
	req.Session.SetDialog(stepOrgRevoke, nil)
	return h.revokeList(ctx, req, "", false)
}

// revokeList shows the organizers, each with a button that revokes them.
func (h *Router) revokeList(ctx context.Context, req *bot.Request, note string, inPlace bool) error {
	list, err := h.Store.Organizers(ctx)
	if err != nil {
		return err
	}
	kb := ui.Keys()
	for _, o := range list[:min(len(list), maxListed)] {
		kb.Row(button("✖️ "+clip(organizerLabel(o.UserID, o.Name), 50), actArg(VerbOrgRevoke, strconv.FormatInt(o.UserID, 10))))
	}
	kb.Row(menuRow(req))
	text, err := h.organizerList(ctx, req)
	if err != nil {
		return err
	}
	text = withNote(note, req.T.T("org_revoke_prompt")+"\n\n"+text)
	if inPlace {
		return req.Reply.Show(ctx, text, kb)
	}
	return req.Reply.Send(ctx, text, kb)
}

func organizerLabel(id int64, name string) string {
	if name == "" {
		return strconv.FormatInt(id, 10)
	}
	return fmt.Sprintf("%s (%d)", name, id)
}

// maxListed is how many organizers /grant and /revoke list (and offer a
// button for): a message holds 4,096 characters and a keyboard 100
// buttons. The others are revoked by id.
const maxListed = 30

// organizerList is the organizers in words (HTML).
func (h *Router) organizerList(ctx context.Context, req *bot.Request) (string, error) {
	list, err := h.Store.Organizers(ctx)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(esc(req.T.N("org_list_title", len(list))))
	for _, o := range list[:min(len(list), maxListed)] {
		fmt.Fprintf(&b, "\n• %s · %s", esc(organizerLabel(o.UserID, o.Name)), esc(timeText(req, o.GrantedAt)))
	}
	if more := len(list) - maxListed; more > 0 {
		b.WriteString("\n" + esc(req.T.N("org_list_more", more)))
	}
	return b.String(), nil
}

// userFrom reads the user a message names: the sender of a forwarded
// message, or an id typed as digits. problem is the message key of why
// it names nobody.
func userFrom(m *models.Message) (id int64, name, problem string) {
	if o := m.ForwardOrigin; o != nil {
		switch {
		case o.MessageOriginUser != nil:
			u := o.MessageOriginUser.SenderUser
			if u.IsBot {
				return 0, "", "org_user_is_bot"
			}
			name = strings.TrimSpace(u.FirstName + " " + u.LastName)
			if u.Username != "" {
				name = strings.TrimSpace(name + " @" + u.Username)
			}
			return u.ID, clip(name, 80), ""
		case o.MessageOriginHiddenUser != nil:
			return 0, "", "org_user_hidden"
		}
		return 0, "", "org_user_not_person"
	}
	if id, ok := userIDArg(strings.TrimSpace(m.Text)); ok {
		return id, "", ""
	}
	return 0, "", "org_user_expected"
}

// grantFrom grants the role to the user a message names.
func (h *Router) grantFrom(ctx context.Context, req *bot.Request, m *models.Message) error {
	id, name, problem := userFrom(m)
	if problem != "" {
		return req.Reply.Send(ctx, req.T.T(problem), ui.Keys().Row(menuRow(req)))
	}
	req.Session.ClearDialog()
	return h.grant(ctx, req, id, name)
}

// revokeFrom revokes the role of the user a message names.
func (h *Router) revokeFrom(ctx context.Context, req *bot.Request, m *models.Message) error {
	id, _, problem := userFrom(m)
	if problem != "" {
		return req.Reply.Send(ctx, req.T.T(problem), ui.Keys().Row(menuRow(req)))
	}
	req.Session.ClearDialog()
	return h.revoke(ctx, req, id, false)
}

func (h *Router) grant(ctx context.Context, req *bot.Request, id int64, name string) error {
	who := organizerLabel(id, name)
	if h.isAdmin(id) {
		return req.Reply.Send(ctx, req.T.T("org_grant_admin", "User", esc(who)), ui.Keys().Row(menuRow(req)))
	}
	granted, err := h.Store.GrantOrganizer(ctx, id, req.UserID, name, req.Now)
	if err != nil {
		return err
	}
	key := "org_granted"
	if !granted {
		key = "org_grant_already"
	} else {
		h.Log.Info("organizer role granted", "chat_id", req.ChatID, "user_id", id)
	}
	return req.Reply.Send(ctx, req.T.T(key, "User", esc(who)), ui.Keys().Row(menuRow(req)))
}

// revoke takes the role from id; inPlace shows the organizers' list again
// on the pressed message.
func (h *Router) revoke(ctx context.Context, req *bot.Request, id int64, inPlace bool) error {
	who := strconv.FormatInt(id, 10)
	if h.isAdmin(id) {
		// Admins are ADMIN_IDS: nobody revokes them here.
		return req.Reply.Send(ctx, req.T.T("org_revoke_admin", "User", who), ui.Keys().Row(menuRow(req)))
	}
	revoked, err := h.Store.RevokeOrganizer(ctx, id, req.UserID, req.Now)
	if err != nil {
		return err
	}
	key := "org_revoked"
	if !revoked {
		key = "org_revoke_none"
	} else {
		h.Log.Info("organizer role revoked", "chat_id", req.ChatID, "user_id", id)
	}
	if inPlace {
		return h.revokeList(ctx, req, esc(req.T.T(key, "User", who)), true)
	}
	return req.Reply.Send(ctx, req.T.T(key, "User", who), ui.Keys().Row(menuRow(req)))
}

// revokeButton is a revoke button of the list (an admin's, checked).
func (h *Router) revokeButton(ctx context.Context, req *bot.Request, arg string) error {
	id, _ := userIDArg(arg)
	if !req.Private {
		return req.Reply.Notify(ctx, req.T.T("org_private_only"))
	}
	return h.revoke(ctx, req, id, true)
}
