package fakeapi

import (
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
