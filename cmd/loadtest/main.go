// Command loadtest drives the real bot through the Bot API test double and
// a real redis-server with the mixed journeys of many simulated users, and
// prints updates per second, latency percentiles and Redis round trips per
// update (see package bot/load).
//
//	go run ./cmd/loadtest                          # maximum throughput, 10000 users, 20 s
//	go run ./cmd/loadtest -rate 1000               # latency at 1000 updates/s
//	go run ./cmd/loadtest -strict -redis 127.0.0.1:6379
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/bot/load"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg load.Config
	fs.IntVar(&cfg.Users, "users", 10000, "simulated users (distinct ids, kk/ru/en)")
	fs.DurationVar(&cfg.Duration, "duration", 20*time.Second, "how long the measured phase sends updates")
	fs.Float64Var(&cfg.Rate, "rate", 0, "updates per second to offer; 0 = maximum throughput")
	fs.IntVar(&cfg.InFlight, "inflight", 0, "users waiting for a reply at once (default 128 at max throughput, -users at a fixed rate)")
	fs.DurationVar(&cfg.Think, "think", 0, "a user's mean pause between a reply and their next step (default 0 at max throughput, 1s at a fixed rate; negative: none)")
	fs.IntVar(&cfg.MaxUpdates, "updates", 0, "stop after this many updates if before -duration (0 = no limit)")
	fs.IntVar(&cfg.Warmup, "warmup", 500, "updates sent and answered before measuring")
	fs.IntVar(&cfg.Workers, "workers", 0, "the bot's WORKERS (0 = the bot's default)")
	fs.StringVar(&cfg.RedisAddr, "redis", "", "HOST:PORT of a running Redis on loopback (default: start redis-server on a free port)")
	strict := fs.Bool("strict", false, "check every Bot API call against ../shared/botapi/api.json")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	memProfile := fs.String("memprofile", "", "write a heap profile at the end of the run to this file")
	verbose := fs.Bool("v", false, "show the bot's log from info up (default: warnings and errors; at most 20 lines either way)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "loadtest: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if *strict {
		path := fakeapi.FindSpec()
		if path == "" {
			fmt.Fprintln(stderr, "loadtest: -strict needs shared/botapi/api.json in this directory or one above")
			return 1
		}
		spec, err := fakeapi.LoadSpec(path)
		if err != nil {
			fmt.Fprintf(stderr, "loadtest: %v\n", err)
			return 1
		}
		cfg.Spec = spec
	}
	cfg.Log, cfg.LogLevel = stderr, slog.LevelWarn
	if *verbose {
		cfg.LogLevel = slog.LevelInfo
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "loadtest: %v\n", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "loadtest: %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var profErr error
	if *memProfile != "" {
		// At the end of the measured phase, while the bot and the double
		// still hold what they hold.
		cfg.OnMeasure = func(start bool) {
			if !start {
				profErr = writeHeapProfile(*memProfile)
			}
		}
	}
	rep, err := load.Run(ctx, cfg)
	if err == nil {
		err = profErr
	}
	if rep != nil {
		if werr := rep.Write(stdout); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "loadtest: %v\n", err)
		return 1
	}
	return 0
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
