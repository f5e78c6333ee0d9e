package handlers

import (
	"strings"
	"testing"
)

func TestActionRoundTrip(t *testing.T) {
	t.Parallel()
	actions := []Action{
		act(VerbMenu), act(VerbHelp), act(VerbLangMenu), actArg(VerbLang, "ru"),
		actPage(VerbUpcoming, 0), actPage(VerbPast, 12), act(VerbRegions), actIn(VerbRegion, "jambyl", 2),
		act(VerbYears), actIn(VerbYear, "2018", 1), actIn(VerbYear, "0", 0),
		actArg(VerbForum, "taraz-viii-2018"), actArg(VerbCalendar, "taraz-viii-2018"), actArg(VerbShare, "a"),
		actIn(VerbAwards, "", 3), actIn(VerbAwards, "kyzylorda-x-2021", 0), actArg(VerbAwardsY, "2021"),
		act(VerbSearch), act(VerbSubscribe),
		actArg(VerbForum, strings.Repeat("x", 40)),
	}
	for _, a := range actions {
		data := a.Encode()
		if len(data) > maxCallbackData {
			t.Errorf("%+v encodes to %d bytes", a, len(data))
		}
		got, err := DecodeAction(data)
		if err != nil || got != a {
			t.Errorf("DecodeAction(%q) = %+v, %v; want %+v", data, got, err, a)
		}
	}
}

func TestForgedCallbackDataIsRefused(t *testing.T) {
	t.Parallel()
	forged := []string{
		"", "x", "m:1", "f", "f:", "f:../../etc/passwd", "f:UPPER", "f:a:b", "f:" + strings.Repeat("x", 41),
		"l:de", "l:", "up:-1", "up:1000", "up:01", "up:1e3", "up:x", "r:mars:0", "r:jambyl", "y:1990:0", "y:2101:0",
		"y:abc:0", "awy:0", "awy:20x", "ics:", "sh:a b", "aw:x:y", strings.Repeat("m", 65), "f:taraz\x00",
		"help:1", "s:1", "f:a;DROP",
	}
	for _, data := range forged {
		if a, err := DecodeAction(data); err == nil {
			t.Errorf("DecodeAction(%q) accepted as %+v", data, a)
		}
	}
}

func FuzzDecodeAction(f *testing.F) {
	for _, s := range []string{"f:taraz-viii-2018", "y:2018:0", "r:jambyl:1", "l:kk", "aw::0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		a, err := DecodeAction(data)
		if err != nil {
			return
		}
		// Whatever is accepted must be what the bot itself would write.
		if again := a.Encode(); again != data {
			t.Fatalf("DecodeAction(%q) = %+v, which encodes to %q", data, a, again)
		}
	})
}
