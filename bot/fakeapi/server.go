package fakeapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// Options configure a Server.
type Options struct {
	Spec        *Spec            // nil: no schema checks (demo without shared/); non-nil: strict
	Token       string           // the only token accepted; others get 401 Unauthorized like Telegram; "" accepts any
	BotID       int64            // default: the number before ':' in Token, else 7000000001
	BotUsername string           // returned by getMe; default "forumbot_test_bot"
	Clock       func() time.Time // default time.Now
	MaxCalls    int              // keep only about the newest MaxCalls calls for Calls/CallsTo/WaitCall (0 = all): bounds memory in long load runs
	// MaxHistory keeps only about the newest MaxHistory messages of each
	// chat and updates for Redeliver (0 = all). Long load runs set it: the
	// history is otherwise most of the process's heap, and its marking most
	// of the garbage collector's work.
	MaxHistory int
	// WebhookTarget maps the webhook's URL (https, as setWebhook demands)
	// to the address the double posts updates to: a test serves plain
	// http on a loopback port, as behind a load balancer terminating TLS
	// (webhook.go). nil: no delivery, the updates stay queued.
	WebhookTarget func(url string) string
	// WebhookRetry is the first wait before a failed webhook delivery is
	// tried again; it doubles up to 8 times as long (default 1 s).
	WebhookRetry time.Duration
}

// User is a Telegram user acting on the bot.
type User struct {
	ID                                int64
	FirstName, Username, LanguageCode string
}

// FileParam is an uploaded file as the double received it.
type FileParam struct {
	Name    string
	Size    int64
	Content []byte
}

// APIError is an error answer of the double, as the client received it.
type APIError struct {
	Code        int
	Description string
	RetryAfter  int   // parameters.retry_after
	MigrateTo   int64 // parameters.migrate_to_chat_id

	violation bool // a bot bug (strictness or semantic check), not an injected fault
}

func (e *APIError) Error() string {
	return "telegram error " + strconv.Itoa(e.Code) + ": " + e.Description
}

// Violation is a request the double rejected because the bot broke the Bot
// API contract (schema or one of Telegram's own checks).
type Violation struct {
	Method string
	Params map[string]any
	Err    *APIError
}

func (v *Violation) Error() string { return v.Method + ": " + v.Err.Description }

// Call is one request the double answered.
type Call struct {
	Method string         // canonical spelling from the spec (sendMessage), or as sent when unknown
	Params map[string]any // form values as strings; JSON-encoded objects/arrays decoded (numbers as json.Number); files as FileParam
	At     time.Time
	Err    *APIError // what the double answered if it was an error
}

// Str returns a scalar parameter as text ("" when absent or not text).
func (c Call) Str(name string) string {
	s, _ := c.Params[name].(string)
	return s
}

// Int returns a scalar parameter parsed as an integer (0 when absent).
func (c Call) Int(name string) int64 {
	n, _ := strconv.ParseInt(c.Str(name), 10, 64)
	return n
}

// File returns an uploaded file parameter, or nil.
func (c Call) File(name string) *FileParam {
	if f, ok := c.Params[name].(FileParam); ok {
		return &f
	}
	return nil
}

// Message is a bot message as the user sees it now.
type Message struct {
	ID        int
	Text      string // text or caption as the bot sent it (markup included)
	Plain     string // the same after entity parsing: what is displayed
	ParseMode string
	Keyboard  [][]Button // inline keyboard rows, nil without one
	Document  *FileParam
	Photo     *FileParam
	Edited    bool
	Date      time.Time
}

// Button is an inline keyboard button.
type Button struct{ Text, CallbackData, URL string }

// Fault makes the double answer matching calls with an error or slowly.
// A call that breaks the schema is still answered 400 (and recorded as a
// violation) without consuming the fault; otherwise the fault answers
// before Telegram's semantic checks and before any effect, as flood control
// would.
type Fault struct {
	Method      string        // "" = any method except getUpdates
	ChatID      int64         // 0 = any chat
	Code        int           // 429, 403, 400, 500, 502...; 0 = no error (use with Delay)
	RetryAfter  int           // for 429
	MigrateTo   int64         // for 400 migrate
	Description string        // overrides the Telegram-like default
	Delay       time.Duration // answer slowly (respecting request ctx cancellation)
	Times       int           // how many matching calls it affects; 0 = until cleared
	// AllMethods makes a fault with Method "" match getUpdates too: the
	// whole Bot API is down.
	AllMethods bool
	// Until ends the fault (zero: never): later calls are not affected,
	// and a Delay ends at Until at the latest, so Delay with Until is an
	// outage whose calls hang until it is over. It is wall-clock time,
	// not Options.Clock.
	Until time.Time
}

// Server is the Bot API test double. Create it with New.
type Server struct {
	spec    *Spec
	token   string
	botUser models.User
	clock   func() time.Time

	limits    uploadLimits
	ln        net.Listener
	srv       *http.Server
	url       string
	done      chan struct{}
	serveDone chan struct{}
	closeOnce sync.Once
	inflight  sync.WaitGroup

	mu     sync.Mutex
	closed bool
	// obs is held (written) while a call changes chats and is recorded,
	// and read by Chat and Calls, so they never see one without the other.
	obs sync.RWMutex

	// updates
	nextUpdateID int64
	queue        []*queuedUpdate
	history      map[int64]*queuedUpdate
	updWake      chan struct{}
	pollGen      uint64
	confirmed    int64 // highest update_id confirmed by an offset
	confirmWake  chan struct{}
	allowed      map[string]bool // nil: Telegram's default set

	// chats and their messages
	chats     map[int64]*chatState
	callbacks map[string]*callbackState
	cbSeq     int64
	files     map[string]*fileRec
	fileSeq   int64
	commands  map[string][]models.BotCommand
	menus     map[int64]any
	webhook   webhookState
	// webhook delivery (webhook.go)
	delivery      webhookDelivery
	webhookTarget func(string) string
	webhookRetry  time.Duration

	faults     []*Fault
	limits429  *limiter // Telegram's flood control (SetRateLimits), nil when off
	maxCalls   int
	calls      []Call
	callsBase  int // calls dropped by MaxCalls before calls[0]
	maxHistory int
	callWake   chan struct{}
	violations []error
	subs       map[int]*subscriber
	subSeq     int
}

type webhookState struct {
	url            string
	hasCert        bool
	maxConnections int
	ipAddress      string
	allowed        []string
}

// New starts a double listening on 127.0.0.1 on a free port. It is ready
// when New returns; call Close when done.
func New(opts Options) *Server { return newServer(opts, defaultLimits) }

func newServer(opts Options, limits uploadLimits) *Server {
	s := &Server{
		spec:         opts.Spec,
		token:        opts.Token,
		clock:        opts.Clock,
		maxCalls:     opts.MaxCalls,
		maxHistory:   opts.MaxHistory,
		limits:       limits,
		done:         make(chan struct{}),
		serveDone:    make(chan struct{}),
		nextUpdateID: 1,
		history:      map[int64]*queuedUpdate{},
		chats:        map[int64]*chatState{},
		callbacks:    map[string]*callbackState{},
		files:        map[string]*fileRec{},
		commands:     map[string][]models.BotCommand{},
		menus:        map[int64]any{},
		subs:         map[int]*subscriber{},
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	s.webhookTarget, s.webhookRetry = opts.WebhookTarget, opts.WebhookRetry
	if s.webhookRetry <= 0 {
		s.webhookRetry = defaultWebhookRetry
	}
	botID := opts.BotID
	if botID == 0 {
		if head, _, ok := strings.Cut(opts.Token, ":"); ok {
			botID, _ = strconv.ParseInt(head, 10, 64)
		}
	}
	if botID == 0 {
		botID = 7000000001
	}
	username := opts.BotUsername
	if username == "" {
		username = "forumbot_test_bot"
	}
	s.botUser = models.User{ID: botID, IsBot: true, FirstName: "Forumbot", Username: username}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("fakeapi: listen: %v", err))
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.serveDone)
		_ = s.srv.Serve(ln)
	}()
	return s
}

// URL is the base URL to pass to bot.WithServerURL.
func (s *Server) URL() string { return s.url }

// Close stops the server: pending long polls and delayed answers return at
// once, and every goroutine of the double has exited when Close returns.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		subs := s.subs
		s.subs = map[int]*subscriber{}
		s.mu.Unlock()
		close(s.done)
		_ = s.srv.Close()
		<-s.serveDone
		s.inflight.Wait()
		for _, sub := range subs {
			sub.stop()
		}
	})
}

// enter registers an in-flight request unless the server is closing.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.inflight.Add(1)
	return true
}

// BotUser is the bot's own account as getMe returns it.
func (s *Server) BotUser() models.User { return s.botUser }

func badRequest(desc string) *APIError {
	return &APIError{Code: http.StatusBadRequest, Description: "Bad Request: " + desc, violation: true}
}

var rawTrue = json.RawMessage("true")

// ServeHTTP answers one Bot API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		writeError(w, &APIError{Code: http.StatusServiceUnavailable, Description: "Service Unavailable"})
		return
	}
	defer s.inflight.Done()
	at := s.clock()

	token, methodName, okPath := splitPath(r.URL.Path)
	req, perr := readRequest(r, s.limits)
	call := Call{Method: methodName, At: at}
	// fail answers a call rejected before validation, recording what was sent
	fail := func(aerr *APIError) {
		if req != nil {
			call.Params, _ = decodeParams(nil, nil, req)
		}
		s.finish(w, call, aerr, nil)
	}
	if !okPath {
		call.Method = r.URL.Path
		fail(&APIError{Code: http.StatusNotFound, Description: "Not Found", violation: true})
		return
	}
	if s.token != "" && token != s.token {
		fail(&APIError{Code: http.StatusUnauthorized, Description: "Unauthorized", violation: true})
		return
	}
	lower := strings.ToLower(methodName)
	var ms *methodSpec
	if s.spec != nil {
		ms = s.spec.methods[lower]
		if ms != nil {
			call.Method = ms.name
		}
	}
	handler, modelled := handlers[lower]
	if modelled {
		call.Method = handler.name
	}
	if ms == nil && (s.spec != nil || !modelled) {
		if s.spec == nil {
			fail(badRequest("method not modelled by the test double"))
			return
		}
		fail(&APIError{Code: http.StatusNotFound, Description: "Not Found", violation: true})
		return
	}
	if perr != nil {
		fail(perr)
		return
	}
	params, verr := decodeParams(s.spec, ms, req)
	if verr != nil {
		fail(verr)
		return
	}
	call.Params = params
	cc := &callCtx{s: s, ctx: r.Context(), params: params, files: req.files, at: at}

	if f := s.takeFault(call.Method, cc); f != nil {
		if f.Delay > 0 && !s.sleep(r.Context(), f.Delay) {
			s.finish(w, call, &APIError{Code: 499, Description: "client closed request"}, nil)
			return
		}
		if f.Code != 0 {
			s.finish(w, call, faultError(f), nil)
			return
		}
	}

	if aerr := s.rateLimit(call.Method, cc); aerr != nil {
		s.finish(w, call, aerr, nil)
		return
	}

	if !modelled {
		if len(ms.returns) == 1 && ms.returns[0].depth == 0 && ms.returns[0].kind == kindBoolean {
			if aerr := cc.checkChats(); aerr != nil {
				s.finish(w, call, aerr, nil)
				return
			}
			s.finish(w, call, nil, rawTrue)
			return
		}
		s.finish(w, call, badRequest("method not modelled by the test double"), nil)
		return
	}
	if handler.checkChats {
		if aerr := cc.checkChats(); aerr != nil {
			s.finish(w, call, aerr, nil)
			return
		}
	}
	// A call's effect (a message in Chat) and its record in Calls become
	// visible together, so a test that saw one can count on the other.
	// getUpdates long-polls and changes no chat: it stays outside.
	observable := call.Method != "getUpdates"
	if observable {
		s.obs.Lock()
	}
	result, aerr := handler.fn(cc)
	var body []byte
	if aerr == nil {
		var isRaw bool
		body, isRaw = result.(json.RawMessage)
		if !isRaw {
			var err error
			if body, err = json.Marshal(result); err != nil {
				aerr = &APIError{Code: http.StatusInternalServerError, Description: "Internal Server Error: " + err.Error()}
			}
		}
	}
	call.Err = aerr
	s.record(call)
	if observable {
		s.obs.Unlock()
	}
	s.respond(w, aerr, body)
}

// splitPath parses /bot<token>/<method>.
func splitPath(p string) (token, method string, ok bool) {
	rest, found := strings.CutPrefix(p, "/bot")
	if !found {
		return "", "", false
	}
	token, method, found = strings.Cut(rest, "/")
	if !found || method == "" || strings.Contains(method, "/") {
		return "", "", false
	}
	return token, method, true
}

// finish records the call and writes the answer.
func (s *Server) finish(w http.ResponseWriter, call Call, aerr *APIError, result []byte) {
	call.Err = aerr
	s.record(call)
	s.respond(w, aerr, result)
}

// respond writes the answer.
func (s *Server) respond(w http.ResponseWriter, aerr *APIError, result []byte) {
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	buf := make([]byte, 0, len(result)+24)
	buf = append(buf, `{"ok":true,"result":`...)
	buf = append(buf, result...)
	buf = append(buf, '}')
	_, _ = w.Write(buf)
}

type errorBody struct {
	OK          bool         `json:"ok"`
	ErrorCode   int          `json:"error_code"`
	Description string       `json:"description"`
	Parameters  *errorParams `json:"parameters,omitempty"`
}

type errorParams struct {
	RetryAfter      int   `json:"retry_after,omitempty"`
	MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
}

func writeError(w http.ResponseWriter, e *APIError) {
	body := errorBody{ErrorCode: e.Code, Description: e.Description}
	if e.RetryAfter != 0 || e.MigrateTo != 0 {
		body.Parameters = &errorParams{RetryAfter: e.RetryAfter, MigrateToChatID: e.MigrateTo}
	}
	data, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json")
	status := e.Code
	if status < 400 || status > 599 {
		status = http.StatusBadRequest
	}
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

func (s *Server) record(call Call) {
	s.mu.Lock()
	s.calls = append(s.calls, call)
	if s.maxCalls > 0 && len(s.calls) >= 2*s.maxCalls {
		drop := len(s.calls) - s.maxCalls
		s.calls = append([]Call(nil), s.calls[drop:]...)
		s.callsBase += drop
	}
	if call.Err != nil && call.Err.violation {
		s.violations = append(s.violations, &Violation{Method: call.Method, Params: call.Params, Err: call.Err})
	}
	if s.callWake != nil {
		close(s.callWake)
		s.callWake = nil
	}
	for _, sub := range s.subs {
		sub.push(call)
	}
	s.mu.Unlock()
}

// sleep waits d unless the request is cancelled or the server closes.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// Calls returns every call answered so far, in order (getUpdates included).
func (s *Server) Calls() []Call {
	s.obs.RLock()
	defer s.obs.RUnlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsTo returns the calls of one method (case-insensitive).
func (s *Server) CallsTo(method string) []Call {
	s.obs.RLock()
	defer s.obs.RUnlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if strings.EqualFold(c.Method, method) {
			out = append(out, c)
		}
	}
	return out
}

// ErrClosed is returned by WaitCall when the server closes first.
var ErrClosed = errors.New("fakeapi: server closed")

// WaitCall blocks until a call (already answered or future) satisfies pred.
// pred runs without the server's lock held, so it may call other methods.
func (s *Server) WaitCall(ctx context.Context, pred func(Call) bool) (Call, error) {
	seen := 0 // absolute index of the next call to look at
	for {
		s.mu.Lock()
		from := max(seen-s.callsBase, 0)
		batch := s.calls[from:len(s.calls):len(s.calls)]
		seen = s.callsBase + len(s.calls)
		var wake chan struct{}
		closed := s.closed
		if !closed {
			if s.callWake == nil {
				s.callWake = make(chan struct{})
			}
			wake = s.callWake
		}
		s.mu.Unlock()
		for _, c := range batch {
			if pred(c) {
				return c, nil
			}
		}
		if closed {
			return Call{}, ErrClosed
		}
		select {
		case <-ctx.Done():
			return Call{}, ctx.Err()
		case <-wake:
		case <-s.done:
		}
	}
}

// Violations returns every strictness failure seen so far; each was also
// answered to the client as an error. Elements are *Violation.
func (s *Server) Violations() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.violations...)
}

// Inject adds a fault; the first matching active fault decides an answer.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fc := f
	s.faults = append(s.faults, &fc)
	s.wakePollersLocked() // a long poll in progress sees an outage at once (outageHoldLocked)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *Server) takeFault(method string, cc *callCtx) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return nil
	}
	chatID, hasChat := cc.chatIDParam()
	now := time.Now()
	for i, f := range s.faults {
		if !f.Until.IsZero() && !now.Before(f.Until) {
			continue
		}
		if f.Method == "" {
			if method == "getUpdates" && !f.AllMethods {
				continue
			}
		} else if !strings.EqualFold(f.Method, method) {
			continue
		}
		if f.ChatID != 0 && (!hasChat || chatID != f.ChatID) {
			continue
		}
		out := *f
		if !f.Until.IsZero() {
			out.Delay = min(out.Delay, f.Until.Sub(now))
		}
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &out
	}
	return nil
}

func faultError(f *Fault) *APIError {
	e := &APIError{Code: f.Code, Description: f.Description}
	switch {
	case f.Code == http.StatusTooManyRequests:
		e.RetryAfter = f.RetryAfter
		if e.RetryAfter <= 0 {
			e.RetryAfter = 1
		}
		if e.Description == "" {
			e.Description = "Too Many Requests: retry after " + strconv.Itoa(e.RetryAfter)
		}
	case f.Code == http.StatusForbidden && e.Description == "":
		e.Description = "Forbidden: bot was blocked by the user"
	case f.Code == http.StatusBadRequest:
		e.MigrateTo = f.MigrateTo
		if e.Description == "" {
			if f.MigrateTo != 0 {
				e.Description = "Bad Request: group chat was upgraded to a supergroup chat"
			} else {
				e.Description = "Bad Request"
			}
		}
	case f.Code == http.StatusUnauthorized && e.Description == "":
		e.Description = "Unauthorized"
	case f.Code == http.StatusConflict && e.Description == "":
		e.Description = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	case e.Description == "":
		e.Description = http.StatusText(f.Code)
		if e.Description == "" {
			e.Description = "Error " + strconv.Itoa(f.Code)
		}
	}
	return e
}

// subscriber feeds calls to a channel through an unbounded queue so that a
// slow reader never blocks the server.
type subscriber struct {
	ch      chan Call
	mu      sync.Mutex
	queue   []Call
	notify  chan struct{}
	quit    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

func (sub *subscriber) push(c Call) {
	sub.mu.Lock()
	sub.queue = append(sub.queue, c)
	sub.mu.Unlock()
	select {
	case sub.notify <- struct{}{}:
	default:
	}
}

func (sub *subscriber) run() {
	defer close(sub.stopped)
	for {
		sub.mu.Lock()
		batch := sub.queue
		sub.queue = nil
		sub.mu.Unlock()
		for _, c := range batch {
			select {
			case sub.ch <- c:
			case <-sub.quit:
				return
			}
		}
		select {
		case <-sub.notify:
		case <-sub.quit:
			return
		}
	}
}

func (sub *subscriber) stop() {
	sub.once.Do(func() {
		close(sub.quit)
		<-sub.stopped
		close(sub.ch)
	})
}

// Subscribe returns a live feed of calls (in order, from now on) and a
// cancel function that closes the channel. Close also cancels it.
func (s *Server) Subscribe() (<-chan Call, func()) {
	sub := &subscriber{
		ch:      make(chan Call),
		notify:  make(chan struct{}, 1),
		quit:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	go sub.run()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		sub.stop()
		return sub.ch, func() {}
	}
	id := s.subSeq
	s.subSeq++
	s.subs[id] = sub
	s.mu.Unlock()
	return sub.ch, func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
		sub.stop()
	}
}
