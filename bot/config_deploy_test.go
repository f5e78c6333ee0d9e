package bot

import (
	"strings"
	"testing"
	"time"
)

func TestConfigDeploymentDefaults(t *testing.T) {
	t.Parallel()
	c, err := ConfigFromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Mode != ModePolling || c.PollLease != 10*time.Second || c.WebhookMaxConnections != 40 ||
		c.RedisSentinelMaster != "mymaster" || c.RedisSentinelAddrs != nil || c.RedisClusterAddrs != nil {
		t.Errorf("defaults: %+v", c)
	}
}

func TestConfigWebhook(t *testing.T) {
	t.Parallel()
	c, err := ConfigFromEnv(env(map[string]string{"MODE": "Webhook", "PUBLIC_URL": "https://bot.example.kz:8443/tg/hook",
		"WEBHOOK_SECRET": "s3cret_-X", "LISTEN_ADDR": ":8080"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Mode != ModeWebhook || c.WebhookPath() != "/tg/hook" || c.WebhookSecret != "s3cret_-X" {
		t.Errorf("%+v", c)
	}
	for _, tc := range []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"MODE": "webhook"}, []string{"PUBLIC_URL", "WEBHOOK_SECRET"}},
		{map[string]string{"MODE": "webhook", "PUBLIC_URL": "http://bot.example.kz/", "WEBHOOK_SECRET": "a b"}, []string{"https", "WEBHOOK_SECRET"}},
		{map[string]string{"MODE": "webhook", "PUBLIC_URL": "https://bot.example.kz:9000/", "WEBHOOK_SECRET": "x", "LISTEN_ADDR": "off"}, []string{"443", "LISTEN_ADDR"}},
		{map[string]string{"MODE": "push"}, []string{"MODE"}},
		{map[string]string{"WEBHOOK_MAX_CONNECTIONS": "101", "POLL_LEASE": "1s"}, []string{"WEBHOOK_MAX_CONNECTIONS", "POLL_LEASE"}},
	} {
		_, err := ConfigFromEnv(env(tc.env))
		if err == nil {
			t.Errorf("%v: no error", tc.env)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error does not say %q: %v", tc.env, w, err)
			}
		}
	}
}

func TestConfigRedisTopology(t *testing.T) {
	t.Parallel()
	c, err := ConfigFromEnv(env(map[string]string{"REDIS_CLUSTER_ADDRS": "10.0.0.1:7000, 10.0.0.2:7000,"}))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.RedisClusterAddrs, " ") != "10.0.0.1:7000 10.0.0.2:7000" {
		t.Errorf("cluster addrs %q", c.RedisClusterAddrs)
	}
	c, err = ConfigFromEnv(env(map[string]string{"REDIS_SENTINEL_ADDRS": "s1:26379,s2:26379", "REDIS_SENTINEL_MASTER": "forum"}))
	if err != nil || c.RedisSentinelMaster != "forum" || len(c.RedisSentinelAddrs) != 2 {
		t.Errorf("sentinel: %+v %v", c, err)
	}
	_, err = ConfigFromEnv(env(map[string]string{"REDIS_SENTINEL_ADDRS": "s1", "REDIS_CLUSTER_ADDRS": "a:1"}))
	if err == nil || !strings.Contains(err.Error(), `"s1" is not host:port`) {
		t.Errorf("error %v", err)
	}
	_, err = ConfigFromEnv(env(map[string]string{"REDIS_SENTINEL_ADDRS": "s1:26379", "REDIS_CLUSTER_ADDRS": "a:1"}))
	if err == nil || !strings.Contains(err.Error(), "both set") {
		t.Errorf("error %v", err)
	}
}
