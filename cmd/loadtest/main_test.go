package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestSmallRunPrintsTheReport(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"-users", "30", "-updates", "60", "-duration", "1m", "-warmup", "20", "-inflight", "8"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{"updates/s", "p50", "p99", "round trips per update", "GOMAXPROCS", "RSS"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-users", "x"}, {"-nope"}, {"extra"}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"-rate", "-1"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "rate") {
		t.Errorf("-rate -1: exit %d, %q", code, errOut.String())
	}
}
