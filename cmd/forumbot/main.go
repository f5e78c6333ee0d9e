// Command forumbot runs the civil forums Telegram bot.
//
//	forumbot [run]        run the bot (long polling, or MODE=webhook)
//	forumbot import FILE  load the forum catalog from YAML
//	forumbot demo         chat with the bot in this terminal, no token or Redis
//	forumbot export proposals --format csv [filters] [--out FILE]
//	forumbot healthcheck [--ready]
//	forumbot --help
//
// This file only wires: everything it calls lives in bot/, storage/ and
// handlers/.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/app"
	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/demo"
	"github.com/forumbot/forumbot/locales"
	"github.com/forumbot/forumbot/storage"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, getenv))
}

// getenv is os.Getenv, except that LISTEN_ADDR set to nothing
// (LISTEN_ADDR=) reads as off: the HTTP server is turned off, where an
// unset LISTEN_ADDR takes the default.
func getenv(name string) string {
	v, ok := os.LookupEnv(name)
	if name == "LISTEN_ADDR" && ok && strings.TrimSpace(v) == "" {
		return "off"
	}
	return v
}

// run is main without the process: it returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cmd := "run"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "-h", "--help", "help":
		usage(stdout)
		return 0
	case "run":
		return runBot(stderr, getenv)
	case "import":
		if len(args) != 1 {
			fmt.Fprintln(stderr, "usage: forumbot import FILE")
			return 2
		}
		return importCatalog(args[0], stdout, stderr, getenv)
	case "demo":
		return runDemo(stdin, stdout, stderr, getenv)
	case "export":
		return exportProposals(args, stdout, stderr, getenv)
	case "healthcheck":
		return healthcheck(args, stdout, stderr, getenv)
	}
	fmt.Fprintf(stderr, "forumbot: unknown command %q (see forumbot --help)\n", cmd)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `forumbot: a Telegram bot for Kazakhstan's civil forums.

Usage:
  forumbot [run]         run the bot: long polling (the default) or, with
                         MODE=webhook, the webhook behind PUBLIC_URL
  forumbot import FILE   validate a forum catalog (YAML) and replace the stored one
  forumbot demo          chat with the bot in this terminal: embedded Redis and
                         Bot API test double, no token needed
  forumbot export proposals --format csv [--status all|todo|STATUS]
         [--region CODE] [--category CATEGORY] [--forum ID|general]
         [--due overdue|soon] [--lang kk|ru|en] [--out FILE]
                         the proposals as CSV (UTF-8 with BOM, one row each),
                         as organizers get it from the bot; stdout by default
  forumbot healthcheck [--ready]
                         ask the running bot's /healthz (or /readyz) on
                         LISTEN_ADDR; exit 0 when it answers 200 (the
                         container's HEALTHCHECK)
  forumbot --help        this help

The demo speaks Kazakh; DEMO_LANG=ru or DEMO_LANG=en makes its user Russian- or
English-speaking.

Settings (environment variables):
`)
	for _, s := range bot.Settings {
		def := s.Default
		if def == "" {
			def = "(none)"
		}
		fmt.Fprintf(w, "  %-20s %s; default %s\n", s.Name, s.Help, def)
	}
}

// config reads the environment or says in one line what is wrong.
func config(stderr io.Writer, getenv func(string) string) (bot.Config, bool) {
	cfg, err := bot.ConfigFromEnv(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "forumbot: configuration: %v\n", err)
		return cfg, false
	}
	return cfg, true
}

// logger makes the process's logger, text or JSON (LOG_FORMAT); go-redis's
// own log goes through it.
func logger(w io.Writer, level slog.Level, format string) *slog.Logger {
	l := newLogger(w, level, format)
	storage.RouteClientLog(l)
	return l
}

func newLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func runBot(stderr io.Writer, getenv func(string) string) int {
	cfg, ok := config(stderr, getenv)
	if !ok {
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	startCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	a, err := app.New(startCtx, app.Options{Config: cfg, Log: logger(stderr, cfg.LogLevel, cfg.LogFormat)})
	cancel()
	if err != nil {
		fmt.Fprintf(stderr, "forumbot: %v\n", err)
		return 1
	}
	if err := a.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "forumbot: %v\n", err)
		return 1
	}
	return 0
}

func importCatalog(path string, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, ok := config(stderr, getenv)
	if !ok {
		return 1
	}
	logger(stderr, cfg.LogLevel, cfg.LogFormat)
	c, err := catalog.LoadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "forumbot: %s is not a valid catalog; nothing was imported:\n%v\n", path, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	store, err := storage.Open(ctx, app.RedisConn(cfg), storage.Options{Prefix: cfg.RedisPrefix})
	if err != nil {
		fmt.Fprintf(stderr, "forumbot: %v\n", err)
		return 1
	}
	defer store.Close()
	v, err := store.ReplaceCatalog(ctx, c)
	if err != nil {
		var ve catalog.ValidationErrors
		if errors.As(err, &ve) {
			fmt.Fprintf(stderr, "forumbot: %v\n", ve)
		} else {
			fmt.Fprintf(stderr, "forumbot: import failed, the stored catalog is unchanged: %v\n", err)
		}
		return 1
	}
	fmt.Fprintf(stdout, "imported %d forums from %s (catalog version %d); running bots use it from their next update\n", len(c.Forums), path, v)
	return 0
}

func runDemo(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	lang := locales.Match(getenv("DEMO_LANG"))
	if lang == "" {
		lang = locales.Default
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The bot's own log goes to stderr at warn level, out of the chat's way.
	if err := demo.Run(ctx, stdin, stdout, logger(stderr, slog.LevelWarn, "text"), lang); err != nil {
		fmt.Fprintf(stderr, "forumbot demo: %v\n", err)
		return 1
	}
	return 0
}
