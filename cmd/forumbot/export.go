package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/forumbot/forumbot/bot/app"
	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/handlers"
	"github.com/forumbot/forumbot/locales"
	"github.com/forumbot/forumbot/storage"
)

// now is the export's clock (a test fixes it): the deadlines' column
// depends on it.
var now = time.Now

const exportUsage = `usage: forumbot export proposals --format csv [--status all|todo|STATUS] [--region CODE]
       [--category CATEGORY] [--forum ID|general] [--due overdue|soon] [--lang kk|ru|en] [--out FILE]`

// exportProposals is `forumbot export proposals`: the CSV the bot sends an
// organizer, with the same filters, to stdout or a file. The export is in
// the audit log, by "the command line" (actor 0).
func exportProposals(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 || args[0] != "proposals" {
		fmt.Fprintln(stderr, exportUsage)
		return 2
	}
	fs := flag.NewFlagSet("export proposals", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "csv", "")
	var f storage.ProposalFilter
	fs.StringVar(&f.Status, "status", storage.FilterAll, "")
	fs.StringVar(&f.Region, "region", "", "")
	fs.StringVar(&f.Category, "category", "", "")
	fs.StringVar(&f.Forum, "forum", "", "")
	fs.StringVar(&f.Due, "due", "", "")
	lang := fs.String("lang", "", "")
	out := fs.String("out", "", "")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		if err == nil {
			err = fmt.Errorf("unexpected %q", fs.Arg(0))
		}
		fmt.Fprintf(stderr, "forumbot export: %v\n%s\n", err, exportUsage)
		return 2
	}
	if *format != "csv" {
		fmt.Fprintf(stderr, "forumbot export: format %q: only csv is supported\n", *format)
		return 2
	}
	if err := f.Check(); err != nil {
		fmt.Fprintf(stderr, "forumbot export: %v\n", err)
		return 2
	}
	cfg, ok := config(stderr, getenv)
	if !ok {
		return 1
	}
	if *lang == "" {
		*lang = cfg.DefaultLang
	}
	if !locales.IsSupported(*lang) {
		fmt.Fprintf(stderr, "forumbot export: language %q: use kk, ru or en\n", *lang)
		return 2
	}
	logger(stderr, cfg.LogLevel, cfg.LogFormat)
	loc, err := time.LoadLocation(app.Zone)
	if err != nil {
		fmt.Fprintf(stderr, "forumbot export: time zone %s: %v\n", app.Zone, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	store, err := storage.Open(ctx, app.RedisConn(cfg), storage.Options{Prefix: cfg.RedisPrefix})
	if err != nil {
		fmt.Fprintf(stderr, "forumbot: %v\n", err)
		return 1
	}
	defer store.Close()
	cat, _, err := store.Catalog(ctx)
	if errors.Is(err, storage.ErrNoCatalog) {
		cat = catalog.Builtin() // what the bot seeds when it starts
	} else if err != nil {
		fmt.Fprintf(stderr, "forumbot export: %v\n", err)
		return 1
	}
	at := now().In(loc)
	cal := proposal.NewCalendar(cfg.Holidays, cfg.AnswerDays, loc)
	opts := handlers.ExportOptions{
		Query: storage.ProposalQuery{Filter: f, OverdueBefore: cal.OverdueBefore(at), SoonBefore: cal.DueSoonBefore(at)},
		Lang:  *lang, Catalog: cat, Calendar: cal, Now: at,
	}

	// Logged first: an export the log cannot record does not happen.
	numbers, err := store.ProposalNumbers(ctx, opts.Query)
	if err != nil {
		fmt.Fprintf(stderr, "forumbot export: %v\n", err)
		return 1
	}
	entry := storage.AuditEntry{At: at, Action: storage.AuditExport, Note: fmt.Sprintf("%s rows=%d", f, len(numbers))}
	if err := store.AppendAudit(ctx, entry); err != nil {
		fmt.Fprintf(stderr, "forumbot export: %v\n", err)
		return 1
	}
	n, err := writeExport(ctx, *out, stdout, store, opts)
	if err != nil {
		fmt.Fprintf(stderr, "forumbot export: %v\n", err)
		return 1
	}
	where := "stdout"
	if *out != "" {
		where = *out
	}
	fmt.Fprintf(stderr, "forumbot: exported %d proposals (%s) to %s\n", n, f, where)
	return 0
}

// writeExport writes the CSV to stdout, or to path through a temporary
// file renamed into place, so a failed export never leaves half a file.
func writeExport(ctx context.Context, path string, stdout io.Writer, store *storage.Store, o handlers.ExportOptions) (int, error) {
	if path == "" {
		return handlers.WriteProposalsCSV(ctx, stdout, store, o)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".forumbot-export-*.csv")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	n, err := handlers.WriteProposalsCSV(ctx, tmp, store, o)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return n, err
}
