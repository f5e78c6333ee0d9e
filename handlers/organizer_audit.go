package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/storage"
)

// The audit log for organizers (/audit): who did what and when, newest
// first, a page at a time. Pages are named by the index of the entry they
// start below, so a page stays the same while new entries arrive.

// auditPageSize is how many entries a page of the log shows.
const auditPageSize = 10

// auditCommand is /audit.
func (h *Router) auditCommand(ctx context.Context, req *bot.Request) error {
	return h.auditPage(ctx, req, 0)
}

// auditPage shows the entries older than the one of index before (0: the
// newest).
func (h *Router) auditPage(ctx context.Context, req *bot.Request, before int64) error {
	entries, total, err := h.Store.AuditPage(ctx, before, auditPageSize)
	if err != nil {
		return err
	}
	orgs, err := h.Store.Organizers(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, o := range orgs {
		if o.Name != "" {
			names[o.UserID] = o.Name
		}
	}
	t := req.T
	var b strings.Builder
	fmt.Fprintf(&b, "🧾 <b>%s</b>\n<i>%s</i>", esc(t.T("org_audit_title")), esc(t.N("org_audit_total", int(total))))
	if total == 0 {
		fmt.Fprintf(&b, "\n\n%s", esc(t.T("org_audit_empty")))
	}
	for _, e := range entries {
		fmt.Fprintf(&b, "\n\n<b>%s</b> · %s\n%s", esc(timeText(req, e.At)), esc(h.actorName(req, e.Actor, names)), h.auditWhat(req, e))
	}
	kb := ui.Keys()
	var nav []modelsButton
	if len(entries) > 0 {
		if newest := entries[0].Index; newest < total-1 {
			newer := ""
			if next := newest + 1 + auditPageSize; next < total {
				newer = strconv.FormatInt(next, 10)
			}
			nav = append(nav, button(t.T("btn_org_audit_newer"), actArg(VerbOrgAudit, newer)))
		}
		if oldest := entries[len(entries)-1].Index; oldest > 0 {
			nav = append(nav, button(t.T("btn_org_audit_older"), actArg(VerbOrgAudit, strconv.FormatInt(oldest, 10))))
		}
	}
	kb.Row(nav...)
	kb.Row(button(t.T("btn_org_inbox"), actPage(VerbOrgInbox, 0)), menuRow(req))
	return req.Reply.Show(ctx, b.String(), kb)
}

// actorName is who acted: an admin, an organizer by name or id, or the
// command line.
func (h *Router) actorName(req *bot.Request, id int64, names map[int64]string) string {
	switch {
	case id == 0:
		return req.T.T("org_audit_cli")
	case h.isAdmin(id):
		return req.T.T("org_audit_admin", "ID", id)
	}
	return organizerLabel(id, names[id])
}

// auditWhat is what an entry did, in HTML.
func (h *Router) auditWhat(req *bot.Request, e storage.AuditEntry) string {
	t := req.T
	switch e.Action {
	case storage.AuditGrant:
		return esc(t.T("org_audit_grant", "User", e.Target))
	case storage.AuditRevoke:
		return esc(t.T("org_audit_revoke", "User", e.Target))
	case storage.AuditStatus:
		return esc(t.T("org_audit_status", "Number", e.Target,
			"From", statusName(req, proposal.Status(e.From)), "To", statusName(req, proposal.Status(e.To))))
	case storage.AuditAnswer:
		key := "org_audit_answer"
		if e.Note != "" {
			key = "org_audit_answer_again"
		}
		return esc(t.T(key, "Number", e.Target))
	case storage.AuditExport:
		return esc(t.T("org_audit_export", "Note", e.Note))
	}
	return esc(e.Action + " " + e.Target)
}
