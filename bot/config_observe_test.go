package bot

import (
	"strings"
	"testing"
)

func TestConfigListenAddrAndLogFormat(t *testing.T) {
	t.Parallel()
	c, err := ConfigFromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != "127.0.0.1:8080" || c.LogFormat != "text" {
		t.Errorf("defaults: LISTEN_ADDR %q, LOG_FORMAT %q", c.ListenAddr, c.LogFormat)
	}
	for in, want := range map[string]string{"off": "", "OFF": "", "none": "", ":9090": ":9090", "0.0.0.0:0": "0.0.0.0:0"} {
		c, err := ConfigFromEnv(env(map[string]string{"LISTEN_ADDR": in, "LOG_FORMAT": "JSON"}))
		if err != nil {
			t.Fatalf("LISTEN_ADDR=%s: %v", in, err)
		}
		if c.ListenAddr != want || c.LogFormat != "json" {
			t.Errorf("LISTEN_ADDR=%s: %q (want %q), LOG_FORMAT %q", in, c.ListenAddr, want, c.LogFormat)
		}
	}
	_, err = ConfigFromEnv(env(map[string]string{"LISTEN_ADDR": "8080", "LOG_FORMAT": "xml"}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"LISTEN_ADDR", "LOG_FORMAT"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
}
