package fakeapi

import (
	"strings"
	"testing"
	"time"
)

// An outage fault (AllMethods, Until) answers every method, getUpdates
// included, until it ends, and nothing after.
func TestFaultOutageCoversGetUpdatesAndEnds(t *testing.T) {
	t.Parallel()
	srv := newStrict(t)
	srv.SendText(alice, "hi")
	until := time.Now().Add(300 * time.Millisecond)
	srv.Inject(Fault{Code: 502, AllMethods: true, Until: until})
	if r := postForm(t, srv, "getUpdates", map[string]string{"timeout": "0"}); r.Status != 502 || r.ErrorCode != 502 {
		t.Fatalf("getUpdates in the outage: %+v", r)
	}
	if r := postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1001", "text": "x"}); r.Status != 502 {
		t.Fatalf("sendMessage in the outage: %+v", r)
	}
	time.Sleep(time.Until(until))
	if r := postForm(t, srv, "getUpdates", map[string]string{"timeout": "0"}); !r.OK {
		t.Fatalf("getUpdates after the outage: %+v", r)
	}
	if r := postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1001", "text": "x"}); !r.OK {
		t.Fatalf("sendMessage after the outage: %+v", r)
	}
	wantNoViolations(t, srv)
}

// A hanging outage (Delay with Until) holds each call until the outage
// ends, however long the Delay, then answers it normally.
func TestFaultHangEndsWithTheOutage(t *testing.T) {
	t.Parallel()
	srv := newStrict(t)
	srv.SendText(alice, "hi")
	srv.Inject(Fault{Delay: time.Hour, AllMethods: true, Until: time.Now().Add(300 * time.Millisecond)})
	done := make(chan apiReply, 1)
	go func() { done <- postForm(t, srv, "sendMessage", map[string]string{"chat_id": "1001", "text": "x"}) }()
	select {
	case r := <-done:
		if !r.OK {
			t.Fatalf("sendMessage after the hang: %+v", r)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the call still hangs 20 s after the outage ended")
	}
	if n := len(srv.Chat(alice.ID)); n != 1 {
		t.Errorf("%d messages in the chat after the hang, want 1", n)
	}
}

// A long poll waiting when an outage begins is cut by it, as a real
// outage would cut the connection: with the outage's error, or, for a
// hanging outage, by delivering nothing until the outage is over (and
// then its error, if it has one).
func TestFaultOutageCutsTheLongPollInProgress(t *testing.T) {
	t.Parallel()
	srv := newStrict(t)
	poll := func(offset string) <-chan apiReply {
		ch := make(chan apiReply, 1)
		go func() { ch <- postForm(t, srv, "getUpdates", map[string]string{"timeout": "20", "offset": offset}) }()
		return ch
	}
	failing := poll("0")
	deadline := time.Now().Add(10 * time.Second)
	for !waitingPoll(srv) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	srv.Inject(Fault{Code: 500, AllMethods: true, Until: time.Now().Add(time.Hour)})
	if r := <-failing; r.Status != 500 {
		t.Fatalf("the long poll in progress answered %+v, want 500", r)
	}
	srv.ClearFaults()

	hanging := poll("0")
	for !waitingPoll(srv) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	until := time.Now().Add(500 * time.Millisecond)
	srv.Inject(Fault{Delay: time.Hour, AllMethods: true, Until: until})
	srv.SendText(alice, "during the outage")
	r := <-hanging
	if !r.OK || time.Now().Before(until) || !strings.Contains(string(r.Result), "during the outage") {
		t.Fatalf("the hanging long poll answered %+v (at the end of the outage, with the update sent meanwhile?)", r)
	}

	// Hanging, then timing out (a gateway's 504): the same wait, then the
	// error. (The offset confirms the update delivered above.)
	deadline = time.Now().Add(10 * time.Second)
	timingOut := poll("2")
	for !waitingPoll(srv) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	until = time.Now().Add(500 * time.Millisecond)
	srv.Inject(Fault{Delay: time.Hour, Code: 504, AllMethods: true, Until: until})
	if r := <-timingOut; r.Status != 504 || time.Now().Before(until) {
		t.Fatalf("the long poll answered %+v before the outage ended, want 504 at its end", r)
	}
	wantNoViolations(t, srv)
}

// waitingPoll reports whether a getUpdates call waits for updates.
func waitingPoll(s *Server) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.updWake != nil
}
