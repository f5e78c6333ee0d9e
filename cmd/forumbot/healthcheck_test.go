package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestHealthcheckAsksTheBotsOwnServer(t *testing.T) {
	t.Parallel()
	var ready atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/healthz":
			w.Write([]byte("ok\n"))
		case r.URL.Path == "/readyz" && ready.Load():
			w.Write([]byte("ready\n"))
		case r.URL.Path == "/readyz":
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("redis does not answer PING\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	// Listening on every address, as in the container (LISTEN_ADDR=:8080).
	env := map[string]string{"LISTEN_ADDR": ":" + port}

	check := func(args []string, wantCode int, wantOut string) {
		t.Helper()
		code, out, errOut := forumbot(t, env, "", append([]string{"healthcheck"}, args...)...)
		if code != wantCode {
			t.Errorf("healthcheck %v: exit %d, want %d (stderr %q)", args, code, wantCode, errOut)
		}
		if !strings.Contains(out+errOut, wantOut) {
			t.Errorf("healthcheck %v: output %q %q, want %q", args, out, errOut, wantOut)
		}
	}
	check(nil, 0, "ok")
	check([]string{"--ready"}, 1, "503 Service Unavailable redis does not answer PING")
	ready.Store(true)
	check([]string{"--ready"}, 0, "ready")
	check([]string{"--now"}, 2, "usage")

	srv.Close()
	check(nil, 1, "no answer")
	if code, _, errOut := forumbot(t, map[string]string{"LISTEN_ADDR": "off"}, "", "healthcheck"); code != 1 || !strings.Contains(errOut, "LISTEN_ADDR is off") {
		t.Errorf("LISTEN_ADDR off: exit %d, %q", code, errOut)
	}
}

func TestProbeAddr(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		":8080": "127.0.0.1:8080", "0.0.0.0:80": "127.0.0.1:80", "[::]:9": "[::1]:9",
		"10.1.2.3:8080": "10.1.2.3:8080", "localhost:1": "localhost:1",
	} {
		if got := probeAddr(in); got != want {
			t.Errorf("probeAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
