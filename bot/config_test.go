package bot

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	c, err := ConfigFromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.RedisURL != "redis://127.0.0.1:6379/0" || c.DefaultLang != "kk" || c.SessionTTL != 24*time.Hour ||
		c.APIURL != "https://api.telegram.org" || c.LogLevel != slog.LevelInfo || c.Workers != 32 {
		t.Errorf("defaults: %+v", c)
	}
}

func TestConfigValues(t *testing.T) {
	t.Parallel()
	c, err := ConfigFromEnv(env(map[string]string{
		"TELEGRAM_BOT_TOKEN": "1:abc", "ADMIN_IDS": "42, 7", "DEFAULT_LANG": "RU", "LOG_LEVEL": "debug",
		"TELEGRAM_API_URL": "http://127.0.0.1:8081/", "REDIS_PREFIX": "fb2:",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Token != "1:abc" || !c.IsAdmin(42) || !c.IsAdmin(7) || c.IsAdmin(8) || c.DefaultLang != "ru" ||
		c.LogLevel != slog.LevelDebug || c.APIURL != "http://127.0.0.1:8081" || c.RedisPrefix != "fb2:" {
		t.Errorf("values: %+v", c)
	}
}

func TestConfigProblemsAreAllReported(t *testing.T) {
	t.Parallel()
	_, err := ConfigFromEnv(env(map[string]string{"ADMIN_IDS": "42,abc", "DEFAULT_LANG": "de", "LOG_LEVEL": "loud", "SESSION_TTL": "soon"}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"ADMIN_IDS", "DEFAULT_LANG", "LOG_LEVEL", "SESSION_TTL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
}

func TestConfigUpdateTimeout(t *testing.T) {
	t.Parallel()
	c, err := ConfigFromEnv(env(nil))
	if err != nil || c.UpdateTimeout != 30*time.Second {
		t.Fatalf("default UPDATE_TIMEOUT = %v (%v), want 30s", c.UpdateTimeout, err)
	}
	if c, err = ConfigFromEnv(env(map[string]string{"UPDATE_TIMEOUT": "3s"})); err != nil || c.UpdateTimeout != 3*time.Second {
		t.Fatalf("UPDATE_TIMEOUT=3s read as %v (%v)", c.UpdateTimeout, err)
	}
	for _, bad := range []string{"soon", "500ms", "6m", "-1s"} {
		_, err := ConfigFromEnv(env(map[string]string{"UPDATE_TIMEOUT": bad}))
		if err == nil || !strings.Contains(err.Error(), "UPDATE_TIMEOUT=") || !strings.Contains(err.Error(), "1s to 5m") {
			t.Errorf("UPDATE_TIMEOUT=%s: %v, want a problem naming it and its range", bad, err)
		}
	}
}
