package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// healthcheck asks the bot's own HTTP server (LISTEN_ADDR) whether it is
// alive, or with --ready whether it is ready, and exits 0 or 1. It is the
// Dockerfile's HEALTHCHECK: the distroless image has no shell or curl, so
// the binary probes itself.
func healthcheck(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	path := "/healthz"
	for _, a := range args {
		switch a {
		case "--ready":
			path = "/readyz"
		default:
			fmt.Fprintln(stderr, "usage: forumbot healthcheck [--ready]")
			return 2
		}
	}
	cfg, ok := config(stderr, getenv)
	if !ok {
		return 1
	}
	if cfg.ListenAddr == "" {
		fmt.Fprintln(stderr, "forumbot healthcheck: LISTEN_ADDR is off, there is nothing to ask")
		return 1
	}
	url := "http://" + probeAddr(cfg.ListenAddr) + path
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "forumbot healthcheck: %v\n", err)
		return 1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "forumbot healthcheck: %s: no answer: %v\n", path, err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "forumbot healthcheck: %s: %s %s", path, resp.Status, body)
		return 1
	}
	fmt.Fprintf(stdout, "%s", body)
	return 0
}

// probeAddr turns a listening address into one to connect to: ":8080" and
// "0.0.0.0:8080" listen everywhere, the probe asks the loopback.
func probeAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		if ip != nil && ip.To4() == nil {
			host = "::1"
		} else {
			host = "127.0.0.1"
		}
	}
	return net.JoinHostPort(host, port)
}
