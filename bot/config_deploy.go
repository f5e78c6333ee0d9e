package bot

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// readDeployment reads the settings of how the bot is deployed: the mode
// updates arrive in and the Redis topology. It returns the problems found.
func (c *Config) readDeployment(get func(string) string) []string {
	var problems []string
	switch c.Mode = strings.ToLower(get("MODE")); c.Mode {
	case ModePolling:
	case ModeWebhook:
		problems = append(problems, c.readWebhook(get)...)
	default:
		problems = append(problems, fmt.Sprintf("MODE=%q: use polling or webhook", get("MODE")))
	}
	var err error
	if c.WebhookMaxConnections, err = strconv.Atoi(get("WEBHOOK_MAX_CONNECTIONS")); err != nil || c.WebhookMaxConnections < 1 || c.WebhookMaxConnections > 100 {
		problems = append(problems, fmt.Sprintf("WEBHOOK_MAX_CONNECTIONS=%q: use a number from 1 to 100", get("WEBHOOK_MAX_CONNECTIONS")))
	}
	if c.PollLease, err = time.ParseDuration(get("POLL_LEASE")); err != nil || c.PollLease < 2*time.Second || c.PollLease > 5*time.Minute {
		problems = append(problems, fmt.Sprintf("POLL_LEASE=%q: use a duration from 2s to 5m, such as 10s", get("POLL_LEASE")))
	}

	c.RedisSentinelMaster = get("REDIS_SENTINEL_MASTER")
	var bad []string
	c.RedisSentinelAddrs, bad = addrList(get("REDIS_SENTINEL_ADDRS"))
	for _, a := range bad {
		problems = append(problems, fmt.Sprintf("REDIS_SENTINEL_ADDRS: %q is not host:port", a))
	}
	c.RedisClusterAddrs, bad = addrList(get("REDIS_CLUSTER_ADDRS"))
	for _, a := range bad {
		problems = append(problems, fmt.Sprintf("REDIS_CLUSTER_ADDRS: %q is not host:port", a))
	}
	if len(c.RedisSentinelAddrs) > 0 && len(c.RedisClusterAddrs) > 0 {
		problems = append(problems, "REDIS_SENTINEL_ADDRS and REDIS_CLUSTER_ADDRS are both set: use one topology")
	}
	return problems
}

// readWebhook checks what webhook mode needs; Telegram's own rules, so
// that setWebhook does not fail at start.
func (c *Config) readWebhook(get func(string) string) []string {
	var problems []string
	c.PublicURL = get("PUBLIC_URL")
	c.WebhookSecret = get("WEBHOOK_SECRET")
	u, err := url.Parse(c.PublicURL)
	switch {
	case c.PublicURL == "":
		problems = append(problems, "MODE=webhook needs PUBLIC_URL, the https URL Telegram posts updates to")
	case err != nil || u.Scheme != "https" || u.Host == "":
		problems = append(problems, "PUBLIC_URL: use an https URL such as https://bot.example.kz/telegram")
	default:
		switch u.Port() {
		case "", "443", "80", "88", "8443":
		default:
			problems = append(problems, "PUBLIC_URL: Telegram posts only to ports 443, 80, 88 and 8443")
		}
	}
	if !validSecret(c.WebhookSecret) {
		problems = append(problems, "MODE=webhook needs WEBHOOK_SECRET: 1 to 256 characters A-Z a-z 0-9 _ -")
	}
	if c.ListenAddr == "" {
		problems = append(problems, "MODE=webhook needs LISTEN_ADDR: the webhook is served there")
	}
	return problems
}

// WebhookPath is the path of PublicURL, which the bot serves ("/" when
// it has none).
func (c Config) WebhookPath() string {
	u, err := url.Parse(c.PublicURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

func validSecret(s string) bool {
	if len(s) < 1 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// addrList splits a comma-separated list of host:port; bad are the parts
// that are not.
func addrList(v string) (addrs, bad []string) {
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if _, port, err := net.SplitHostPort(part); err != nil || port == "" {
			bad = append(bad, part)
			continue
		}
		addrs = append(addrs, part)
	}
	return addrs, bad
}
