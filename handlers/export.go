package handlers

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/locales"
	"github.com/forumbot/forumbot/storage"
)

// The CSV export of proposals: one row per proposal, the inbox's filters
// applied, UTF-8 with a byte order mark (so Excel reads Kazakh letters
// right), CRLF line ends and RFC 4180 quoting (encoding/csv). The bot sends
// it to an organizer as a document; `forumbot export proposals` writes the
// same bytes. Every export is in the audit log.
//
// A cell a citizen or an organizer wrote freely (title, text, name,
// answer) that starts with = + - @ or a tab gets a leading apostrophe, so
// that a spreadsheet shows it as text rather than run it as a formula.
// Phones (+ and digits, normalized) and Telegram usernames (letters,
// digits, _; written without the @) cannot hold a formula and are written
// as they are.

// BOM is UTF-8's byte order mark, which the export starts with.
const BOM = "\uFEFF"

// maxUpload is the largest file a bot may send (Telegram's 50 MB).
const maxUpload = 50 << 20

// csvColumns are the export's columns; the header is each column's
// message csv_<column> in the export's language.
var csvColumns = []string{
	"number", "registered", "status", "due", "deadline", "forum", "category", "region",
	"title", "text", "attachments", "contact", "name", "phone", "username",
	"answer", "answered", "updated", "lang",
}

// ExportOptions say what to export and how.
type ExportOptions struct {
	Query    storage.ProposalQuery
	Lang     string           // of the header and the words in cells
	Catalog  *catalog.Catalog // for the forums' names (may be nil: ids)
	Calendar *proposal.Calendar
	Now      time.Time
}

// WriteProposalsCSV writes the proposals of o.Query to w as CSV and
// returns how many rows (proposals) it wrote.
func WriteProposalsCSV(ctx context.Context, w io.Writer, store *storage.Store, o ExportOptions) (int, error) {
	t := locales.For(o.Lang)
	loc := o.Calendar.Location
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(BOM); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	header := make([]string, len(csvColumns))
	for i, c := range csvColumns {
		header[i] = t.T("csv_" + c)
	}
	if err := cw.Write(header); err != nil {
		return 0, err
	}
	stamp := func(at time.Time) string {
		if at.IsZero() {
			return ""
		}
		return at.In(loc).Format("2006-01-02 15:04")
	}
	row := make([]string, len(csvColumns))
	n, err := store.EachProposal(ctx, o.Query, func(r storage.ProposalRecord) error {
		p := r.Proposal
		due, deadline := "", ""
		if p.Status != proposal.StatusWithdrawn {
			dl := o.Calendar.DeadlineAt(p.CreatedAt, o.Now)
			due = dl.Due.String()
			switch {
			case p.Answer != "":
			case dl.Overdue:
				deadline = t.T("csv_overdue")
			case dl.Soon:
				deadline = t.T("csv_soon")
			}
		}
		contact, name, phone, username := t.T("csv_contact_named"), r.Author.Name, r.Author.Phone, r.Author.Username
		switch {
		case p.Anonymous:
			contact, name, phone, username = t.T("csv_contact_anonymous"), "", "", ""
		case p.AuthorForgotten || !r.HasAuthor:
			contact, name, phone, username = t.T("csv_contact_forgotten"), "", "", ""
		}
		region := p.Region
		if reg, ok := catalog.RegionByCode(p.Region); ok {
			region = reg.Name.In(o.Lang)
		}
		category := string(p.Category)
		if p.Category.Valid() {
			category = plainLabel(t.T("prop_cat_" + string(p.Category)))
		}
		status := string(p.Status)
		if p.Status.Valid() {
			status = plainLabel(t.T("prop_status_" + string(p.Status)))
		}
		copy(row, []string{
			p.Number, stamp(p.CreatedAt), status, due, deadline,
			forumTitle(t, o.Catalog, p.Forum), category, region,
			safeCell(p.Title), safeCell(p.Text), strconv.Itoa(len(p.Attachments)), contact,
			safeCell(name), phone, username,
			safeCell(p.Answer), stamp(p.AnsweredAt), stamp(p.UpdatedAt), p.Lang,
		})
		return cw.Write(row)
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, err
	}
	return n, bw.Flush()
}

// safeCell keeps a spreadsheet from reading text as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// plainLabel drops a label's leading emoji: "🆕 Registered" → "Registered".
func plainLabel(s string) string {
	return strings.TrimLeftFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// exportCSV sends the proposals of the inbox's filters as a CSV document,
// after logging the export.
func (h *Router) exportCSV(ctx context.Context, req *bot.Request) error {
	f, _ := inboxFilter(req)
	q := h.query(req, f)
	var buf bytes.Buffer
	n, err := WriteProposalsCSV(ctx, &buf, h.Store, ExportOptions{
		Query: q, Lang: req.Lang(), Catalog: req.Catalog.Catalog, Calendar: h.dueCalendar(), Now: req.Now,
	})
	if err != nil {
		return err
	}
	switch {
	case n == 0:
		return req.Reply.Notify(ctx, req.T.T("org_export_empty"))
	case buf.Len() > maxUpload:
		return req.Reply.Send(ctx, req.T.T("org_export_too_big", "MB", buf.Len()>>20), nil)
	}
	// Logged first: an export the log cannot record does not happen.
	note := fmt.Sprintf("%s rows=%d", f, n)
	if err := h.Store.AppendAudit(ctx, storage.AuditEntry{At: req.Now, Actor: req.UserID, Action: storage.AuditExport, Note: note}); err != nil {
		return err
	}
	h.Log.Info("proposals exported", "chat_id", req.ChatID, "rows", n, "bytes", buf.Len())
	name := "proposals-" + req.Now.Format("2006-01-02-1504") + ".csv"
	caption := req.T.N("org_export_caption", n, "Filters", esc(filterLine(req, f)))
	if err := req.Reply.Document(ctx, name, buf.Bytes(), caption); err != nil {
		return err
	}
	return req.Reply.Notify(ctx, req.T.N("org_export_done", n))
}
