package bot

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/locales"
)

// Config is the bot's configuration, read from the environment.
type Config struct {
	Token       string        // TELEGRAM_BOT_TOKEN
	APIURL      string        // TELEGRAM_API_URL
	RedisURL    string        // REDIS_URL
	RedisPrefix string        // REDIS_PREFIX
	AdminIDs    []int64       // ADMIN_IDS
	DefaultLang string        // DEFAULT_LANG
	LogLevel    slog.Level    // LOG_LEVEL
	SessionTTL  time.Duration // SESSION_TTL
	Workers     int           // WORKERS
	// ShutdownTimeout bounds how long a stop waits for queued updates.
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT
	// UpdateTimeout bounds the handling of one update (the pipeline's
	// Timeout); an update whose handler was cut off by a crash is handled
	// again once this and storage.UpdateMargin have passed.
	UpdateTimeout time.Duration // UPDATE_TIMEOUT
	// ProposalLimit is how many proposals one user may send in 24 hours.
	ProposalLimit int // PROPOSAL_LIMIT
	// BroadcastRate is how many broadcast messages a second all processes
	// send together; BroadcastErrorLimit identical permanent errors in a
	// row pause a broadcast; ScheduleGrace is how old a missed schedule
	// slot may be and still run after downtime.
	BroadcastRate       float64       // BROADCAST_RATE
	BroadcastErrorLimit int           // BROADCAST_ERROR_LIMIT
	ScheduleGrace       time.Duration // SCHEDULE_GRACE
	// Holidays are the public holidays deadlines skip; AnswerDays is how
	// many working days after registration an answer is due.
	Holidays   proposal.Holidays // HOLIDAYS
	AnswerDays int               // ANSWER_DAYS
	// ListenAddr is the address of /healthz, /readyz and /metrics; empty
	// turns the server off.
	ListenAddr string // LISTEN_ADDR
	// LogFormat is text (for a terminal) or json (for log collectors).
	LogFormat string // LOG_FORMAT

	// Mode is how updates arrive: "polling" (getUpdates, one leader among
	// the replicas holds a lease in Redis) or "webhook" (Telegram POSTs
	// them to PublicURL; every replica serves it and queues the update in
	// Redis before answering 200).
	Mode string // MODE
	// PublicURL is the webhook's https URL as Telegram sees it (the load
	// balancer's); its path is the path the bot serves on ListenAddr.
	PublicURL string // PUBLIC_URL
	// WebhookSecret is the secret_token Telegram sends back in the
	// X-Telegram-Bot-Api-Secret-Token header of every webhook request.
	WebhookSecret string // WEBHOOK_SECRET
	// WebhookMaxConnections is setWebhook's max_connections (1 to 100).
	WebhookMaxConnections int // WEBHOOK_MAX_CONNECTIONS
	// PollLease is how long the polling leader's lease lasts without
	// renewal: a standby takes over at most this long after the leader dies.
	PollLease time.Duration // POLL_LEASE

	// Redis topologies besides REDIS_URL's one server (REDIS_URL still
	// gives the password, database and TLS): Sentinel when
	// RedisSentinelAddrs is set, Cluster when RedisClusterAddrs is.
	RedisSentinelMaster string   // REDIS_SENTINEL_MASTER
	RedisSentinelAddrs  []string // REDIS_SENTINEL_ADDRS
	RedisClusterAddrs   []string // REDIS_CLUSTER_ADDRS
}

// Modes of Config.Mode.
const (
	ModePolling = "polling"
	ModeWebhook = "webhook"
)

// Setting documents one environment variable, for --help.
type Setting struct{ Name, Default, Help string }

// Settings lists every environment variable the bot reads.
var Settings = []Setting{
	{"TELEGRAM_BOT_TOKEN", "", "bot token from @BotFather (required by run)"},
	{"TELEGRAM_API_URL", "https://api.telegram.org", "Bot API server; tests and demo point it at the test double"},
	{"REDIS_URL", "redis://127.0.0.1:6379/0", "Redis server"},
	{"REDIS_PREFIX", "forumbot:", "prefix of every Redis key, so several bots can share one Redis"},
	{"ADMIN_IDS", "", "comma-separated Telegram user ids of the admins"},
	{"DEFAULT_LANG", "kk", "language for users whose Telegram language the bot does not speak: kk, ru or en"},
	{"LOG_LEVEL", "info", "debug, info, warn or error"},
	{"LOG_FORMAT", "text", "text (for a terminal) or json (one JSON object a line, for production)"},
	{"LISTEN_ADDR", "127.0.0.1:8080", "address of the HTTP server of /healthz, /readyz and /metrics (Prometheus); set empty, or off, to turn it off"},
	{"MODE", "polling", "how updates arrive: polling (getUpdates; with several replicas one leader polls, holding a lease in Redis) or webhook (Telegram POSTs to PUBLIC_URL; any number of replicas behind a load balancer)"},
	{"PUBLIC_URL", "", "webhook mode: the https URL Telegram posts updates to (port 443, 80, 88 or 8443); the bot serves its path on LISTEN_ADDR"},
	{"WEBHOOK_SECRET", "", "webhook mode: 1 to 256 characters A-Z a-z 0-9 _ -; requests without it in X-Telegram-Bot-Api-Secret-Token get 403"},
	{"WEBHOOK_MAX_CONNECTIONS", "40", "webhook mode: how many connections Telegram may open at once (1 to 100)"},
	{"POLL_LEASE", "10s", "polling mode: how long the leader's lease lasts; a standby replica takes over at most this long after the leader dies (2s to 5m)"},
	{"REDIS_SENTINEL_MASTER", "mymaster", "Sentinel: the master's name (used when REDIS_SENTINEL_ADDRS is set)"},
	{"REDIS_SENTINEL_ADDRS", "", "Sentinel: comma-separated host:port of the sentinels; REDIS_URL then gives only the user, password, database and TLS (rediss://)"},
	{"REDIS_CLUSTER_ADDRS", "", "Redis Cluster: comma-separated host:port of some nodes; REDIS_URL then gives only the user, password and TLS; REDIS_PREFIX becomes a hash tag ({forumbot}:) so every key is in one slot"},
	{"SESSION_TTL", "24h", "how long an idle chat's dialog is kept"},
	{"WORKERS", "32", "updates handled at once (each chat stays in order)"},
	{"SHUTDOWN_TIMEOUT", "10s", "how long a stop waits for updates in progress"},
	{"UPDATE_TIMEOUT", "30s", "time limit of the handling of one update (1s to 5m); an update cut off by a crash is handled again by the next delivery once the dead process is known gone (10s) or after this and 5s more"},
	{"PROPOSAL_LIMIT", "5", "how many proposals one user may send in 24 hours"},
	{"BROADCAST_RATE", "25", "broadcast messages a second, all processes together: 1 to 1000 (Telegram allows 30 a second, 1000 for paid broadcasts)"},
	{"BROADCAST_ERROR_LIMIT", "5", "identical permanent errors in a row that pause a broadcast"},
	{"SCHEDULE_GRACE", "6h", "how old a schedule slot missed during downtime may be and still run once"},
	{"HOLIDAYS", "kz", "public holidays answer deadlines skip: kz (Kazakhstan's fixed holidays), dates (2026-05-27) and month-days (12-31), comma-separated; a list without kz replaces them; none for no holidays"},
	{"ANSWER_DAYS", "15", "working days after registration an official answer to a proposal is due (1 to 365)"},
}

// ConfigFromEnv reads the configuration through getenv (os.Getenv in
// production). Every problem found is reported, one per line.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, s := range Settings {
			if s.Name == name {
				return s.Default
			}
		}
		return ""
	}
	var problems []string
	c := Config{
		Token:       get("TELEGRAM_BOT_TOKEN"),
		APIURL:      strings.TrimRight(get("TELEGRAM_API_URL"), "/"),
		RedisURL:    get("REDIS_URL"),
		RedisPrefix: get("REDIS_PREFIX"),
		DefaultLang: strings.ToLower(get("DEFAULT_LANG")),
	}
	if !locales.IsSupported(c.DefaultLang) {
		problems = append(problems, fmt.Sprintf("DEFAULT_LANG=%q: use kk, ru or en", c.DefaultLang))
	}
	for _, part := range strings.Split(get("ADMIN_IDS"), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil || id <= 0 {
			problems = append(problems, fmt.Sprintf("ADMIN_IDS: %q is not a Telegram user id", part))
			continue
		}
		c.AdminIDs = append(c.AdminIDs, id)
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("LOG_LEVEL"))); err != nil {
		problems = append(problems, fmt.Sprintf("LOG_LEVEL=%q: use debug, info, warn or error", get("LOG_LEVEL")))
	}
	var err error
	if c.SessionTTL, err = time.ParseDuration(get("SESSION_TTL")); err != nil || c.SessionTTL <= 0 {
		problems = append(problems, fmt.Sprintf("SESSION_TTL=%q: use a duration such as 24h", get("SESSION_TTL")))
	}
	if c.ShutdownTimeout, err = time.ParseDuration(get("SHUTDOWN_TIMEOUT")); err != nil || c.ShutdownTimeout <= 0 {
		problems = append(problems, fmt.Sprintf("SHUTDOWN_TIMEOUT=%q: use a duration such as 10s", get("SHUTDOWN_TIMEOUT")))
	}
	if c.UpdateTimeout, err = time.ParseDuration(get("UPDATE_TIMEOUT")); err != nil || c.UpdateTimeout < time.Second || c.UpdateTimeout > 5*time.Minute {
		problems = append(problems, fmt.Sprintf("UPDATE_TIMEOUT=%q: use a duration from 1s to 5m such as 30s", get("UPDATE_TIMEOUT")))
	}
	if c.Workers, err = strconv.Atoi(get("WORKERS")); err != nil || c.Workers < 1 || c.Workers > 10000 {
		problems = append(problems, fmt.Sprintf("WORKERS=%q: use a number from 1 to 10000", get("WORKERS")))
	}
	if c.ProposalLimit, err = strconv.Atoi(get("PROPOSAL_LIMIT")); err != nil || c.ProposalLimit < 1 || c.ProposalLimit > 1000 {
		problems = append(problems, fmt.Sprintf("PROPOSAL_LIMIT=%q: use a number from 1 to 1000", get("PROPOSAL_LIMIT")))
	}
	if c.BroadcastRate, err = strconv.ParseFloat(get("BROADCAST_RATE"), 64); err != nil || c.BroadcastRate < 1 || c.BroadcastRate > 1000 {
		problems = append(problems, fmt.Sprintf("BROADCAST_RATE=%q: use a number of messages a second from 1 to 1000", get("BROADCAST_RATE")))
	}
	if c.BroadcastErrorLimit, err = strconv.Atoi(get("BROADCAST_ERROR_LIMIT")); err != nil || c.BroadcastErrorLimit < 1 || c.BroadcastErrorLimit > 10000 {
		problems = append(problems, fmt.Sprintf("BROADCAST_ERROR_LIMIT=%q: use a number from 1 to 10000", get("BROADCAST_ERROR_LIMIT")))
	}
	if c.ScheduleGrace, err = time.ParseDuration(get("SCHEDULE_GRACE")); err != nil || c.ScheduleGrace < 0 {
		problems = append(problems, fmt.Sprintf("SCHEDULE_GRACE=%q: use a duration such as 6h", get("SCHEDULE_GRACE")))
	}
	if c.Holidays, err = proposal.ParseHolidays(get("HOLIDAYS")); err != nil {
		problems = append(problems, fmt.Sprintf("HOLIDAYS=%q: %v", get("HOLIDAYS"), err))
	}
	if c.AnswerDays, err = strconv.Atoi(get("ANSWER_DAYS")); err != nil || c.AnswerDays < 1 || c.AnswerDays > 365 {
		problems = append(problems, fmt.Sprintf("ANSWER_DAYS=%q: use a number of working days from 1 to 365", get("ANSWER_DAYS")))
	}
	switch c.LogFormat = strings.ToLower(get("LOG_FORMAT")); c.LogFormat {
	case "text", "json":
	default:
		problems = append(problems, fmt.Sprintf("LOG_FORMAT=%q: use text or json", get("LOG_FORMAT")))
	}
	// LISTEN_ADDR set to nothing (see cmd/forumbot) or to off turns the
	// server off.
	switch c.ListenAddr = get("LISTEN_ADDR"); strings.ToLower(c.ListenAddr) {
	case "off", "none":
		c.ListenAddr = ""
	default:
		if _, port, err := net.SplitHostPort(c.ListenAddr); err != nil || port == "" {
			problems = append(problems, fmt.Sprintf("LISTEN_ADDR=%q: use host:port such as 127.0.0.1:8080, or off", c.ListenAddr))
		}
	}
	problems = append(problems, c.readDeployment(get)...)
	if len(problems) > 0 {
		return c, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return c, nil
}

// IsAdmin reports whether userID is in ADMIN_IDS.
func (c Config) IsAdmin(userID int64) bool {
	for _, id := range c.AdminIDs {
		if id == userID {
			return true
		}
	}
	return false
}
