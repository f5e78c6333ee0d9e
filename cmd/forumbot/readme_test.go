package main

import (
	"os"
	"strings"
	"testing"

	"github.com/forumbot/forumbot/bot"
)

// The README's table of settings is what operators read: every setting the
// bot reads must be in it, and nothing it no longer reads.
func TestREADMEListsEverySetting(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(line, "| `"); ok {
			if name, _, ok := strings.Cut(name, "` |"); ok && name == strings.ToUpper(name) && !strings.Contains(name, " ") {
				rows[name] = true
			}
		}
	}
	known := map[string]bool{}
	for _, s := range bot.Settings {
		known[s.Name] = true
		if !rows[s.Name] {
			t.Errorf("README's settings table has no row for %s", s.Name)
		}
	}
	for name := range rows {
		if !known[name] && strings.Contains(name, "_") && !strings.HasPrefix(name, "FORUMBOT_") && !strings.HasPrefix(name, "DEMO_") {
			t.Errorf("README's settings table has %s, which the bot does not read", name)
		}
	}
}
