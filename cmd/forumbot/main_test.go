package main

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// forumbot runs the command as main would and returns its exit code,
// stdout and stderr.
func forumbot(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut, func(k string) string {
		if v, ok := env[k]; ok || k != "LISTEN_ADDR" {
			return v
		}
		return "127.0.0.1:0" // never the default port: tests run side by side
	})
	return code, out.String(), errOut.String()
}

// oneLine checks that a failure is said in one line, without a stack trace.
func oneLine(t *testing.T, stderr, want string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], want) {
		t.Errorf("stderr should be one line saying %q, got:\n%s", want, stderr)
	}
	if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, ".go:") {
		t.Errorf("stderr has a stack trace:\n%s", stderr)
	}
}

func TestHelpListsSubcommandsAndSettings(t *testing.T) {
	t.Parallel()
	code, out, _ := forumbot(t, nil, "", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"run", "import FILE", "demo", "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "REDIS_URL",
		"REDIS_PREFIX", "ADMIN_IDS", "DEFAULT_LANG", "LOG_LEVEL"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help does not mention %s", want)
		}
	}
	if code, _, _ := forumbot(t, nil, "", "frobnicate"); code != 2 {
		t.Errorf("unknown subcommand: exit %d, want 2", code)
	}
}

func TestRunWithoutTokenSaysWhatToFix(t *testing.T) {
	t.Parallel()
	code, _, stderr := forumbot(t, map[string]string{"REDIS_URL": "redis://" + redistest.Addr()}, "", "run")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	oneLine(t, stderr, "TELEGRAM_BOT_TOKEN is not set")
}

func TestRunWithUnreachableRedis(t *testing.T) {
	t.Parallel()
	code, _, stderr := forumbot(t, map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "REDIS_URL": "redis://127.0.0.1:1/0"}, "", "run")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	oneLine(t, stderr, "cannot reach Redis at 127.0.0.1:1")
}

func TestRunWithRejectedToken(t *testing.T) {
	t.Parallel()
	api := fakeapi.New(fakeapi.Options{Spec: fakeapi.SpecForTest(t), Token: "1:right"})
	defer api.Close()
	code, _, stderr := forumbot(t, map[string]string{
		"TELEGRAM_BOT_TOKEN": "1:wrong", "TELEGRAM_API_URL": api.URL(),
		"REDIS_URL": "redis://" + redistest.Addr(), "REDIS_PREFIX": redistest.Prefix(t),
	}, "", "run")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	oneLine(t, stderr, "the Bot API rejected TELEGRAM_BOT_TOKEN")
	if strings.Contains(stderr, "1:wrong") {
		t.Error("the token reached the output")
	}
}

func TestRunWithBadSettings(t *testing.T) {
	t.Parallel()
	code, _, stderr := forumbot(t, map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "DEFAULT_LANG": "fr"}, "", "run")
	if code != 1 || !strings.Contains(stderr, "DEFAULT_LANG") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestImport(t *testing.T) {
	t.Parallel()
	env := map[string]string{"REDIS_URL": "redis://" + redistest.Addr(), "REDIS_PREFIX": redistest.Prefix(t)}
	good := filepath.Join(t.TempDir(), "catalog.yaml")
	if err := os.WriteFile(good, catalog.BuiltinYAML(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := forumbot(t, env, "", "import", good)
	if code != 0 || !strings.Contains(out, "imported 5 forums") {
		t.Fatalf("exit %d, out %q, err %q", code, out, stderr)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("forums:\n  - id: x\n    level: galactic\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = forumbot(t, env, "", "import", bad)
	if code != 1 || !strings.Contains(stderr, "bad.yaml:3:") || !strings.Contains(stderr, "nothing was imported") {
		t.Errorf("bad file: exit %d, stderr:\n%s", code, stderr)
	}
	// The first import is still there, whole.
	code, out, _ = forumbot(t, env, "", "import", good)
	if code != 0 || !strings.Contains(out, "catalog version 2") {
		t.Errorf("re-import: exit %d, %q", code, out)
	}
	if code, _, _ := forumbot(t, env, "", "import"); code != 2 {
		t.Errorf("import without a file: exit %d, want 2", code)
	}
}

func TestDemoChatsInTheTerminal(t *testing.T) {
	t.Parallel()
	code, out, stderr := forumbot(t, map[string]string{"DEMO_LANG": "en"}, "/start\n2\nTaraz\n99\n", "demo")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"Hello, Demo!", "[2] 🗂 Past forums", "you pressed: 🗂 Past forums", "5 past forums, newest first",
		"found for “Taraz”", "(no button 99)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo did not show %q:\n%s", want, out)
		}
	}
}

// LISTEN_ADDR set to nothing turns the server off; unset takes the default.
func TestEmptyListenAddrTurnsTheServerOff(t *testing.T) {
	t.Setenv("LISTEN_ADDR", "")
	if got := getenv("LISTEN_ADDR"); got != "off" {
		t.Errorf("LISTEN_ADDR= reads %q", got)
	}
	cfg, err := bot.ConfigFromEnv(getenv)
	if err != nil || cfg.ListenAddr != "" {
		t.Errorf("LISTEN_ADDR=: %q, %v", cfg.ListenAddr, err)
	}
	os.Unsetenv("LISTEN_ADDR")
	cfg, err = bot.ConfigFromEnv(getenv)
	if err != nil || cfg.ListenAddr != "127.0.0.1:8080" {
		t.Errorf("LISTEN_ADDR unset: %q, %v", cfg.ListenAddr, err)
	}
}

// LOG_FORMAT=json writes one JSON object a line.
func TestJSONLogFormat(t *testing.T) {
	var buf bytes.Buffer
	newLogger(&buf, slog.LevelInfo, "json").Info("hello", "n", 1)
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil || rec["msg"] != "hello" {
		t.Errorf("not a JSON line: %q (%v)", buf.String(), err)
	}
	buf.Reset()
	newLogger(&buf, slog.LevelInfo, "text").Info("hello")
	if !strings.Contains(buf.String(), "msg=hello") {
		t.Errorf("not a text line: %q", buf.String())
	}
}
