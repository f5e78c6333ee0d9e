package load

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// tap serves the Bot API double on a listener of its own and notes the
// moment each getUpdates answer is written: the update ids in it are
// delivered to the bot then. Every request is answered by the double
// itself (its ServeHTTP), unchanged; the tap only reads what it writes.
type tap struct {
	api       http.Handler
	delivered func(ids []int64, at time.Time)

	srv    *http.Server
	ln     net.Listener
	done   chan struct{}
	conns  atomic.Int64 // TCP connections the bot opened to the double
	served atomic.Int64 // requests handed to the double
}

func newTap(api http.Handler, delivered func(ids []int64, at time.Time)) (*tap, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	t := &tap{api: api, delivered: delivered, ln: ln, done: make(chan struct{})}
	t.srv = &http.Server{
		Handler:           t,
		ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				t.conns.Add(1)
			}
		},
	}
	go func() {
		defer close(t.done)
		_ = t.srv.Serve(ln)
	}()
	return t, nil
}

// URL is the Bot API server URL to give the bot.
func (t *tap) URL() string { return "http://" + t.ln.Addr().String() }

// Close stops serving; requests in progress are cut off.
func (t *tap) Close() {
	_ = t.srv.Close()
	<-t.done
}

// shutdown waits for requests in progress (bounded by ctx).
func (t *tap) shutdown(ctx context.Context) {
	_ = t.srv.Shutdown(ctx)
	t.Close()
}

func (t *tap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t.served.Add(1)
	if strings.HasSuffix(r.URL.Path, "/getUpdates") {
		t.api.ServeHTTP(&deliveryWriter{ResponseWriter: w, t: t}, r)
		return
	}
	t.api.ServeHTTP(w, r)
}

// deliveryWriter passes a getUpdates answer through, reporting the update
// ids in it just before they leave.
type deliveryWriter struct {
	http.ResponseWriter
	t   *tap
	ids []int64
}

func (d *deliveryWriter) Write(p []byte) (int, error) {
	d.ids = updateIDs(p, d.ids[:0])
	if len(d.ids) > 0 {
		d.t.delivered(d.ids, time.Now())
	}
	return d.ResponseWriter.Write(p)
}

var updateIDKey = []byte(`{"update_id":`)

// updateIDs appends the update ids of a getUpdates answer to out. Every
// update the double serves is a JSON object whose first member is
// update_id; the same bytes cannot occur inside a JSON string, where the
// quotes would be escaped, and no nested object has an update_id.
func updateIDs(body []byte, out []int64) []int64 {
	for {
		i := bytes.Index(body, updateIDKey)
		if i < 0 {
			return out
		}
		body = body[i+len(updateIDKey):]
		var n int64
		j := 0
		for j < len(body) && body[j] >= '0' && body[j] <= '9' {
			n = n*10 + int64(body[j]-'0')
			j++
		}
		if j > 0 {
			out = append(out, n)
		}
		body = body[j:]
	}
}
