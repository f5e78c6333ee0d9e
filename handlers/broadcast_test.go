package handlers

import (
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/locales"
	"github.com/forumbot/forumbot/storage"
)

func TestBroadcastActionsRoundTrip(t *testing.T) {
	t.Parallel()
	actions := []Action{
		act(VerbSubScreen), actArg(VerbSubTopic, topicAnnouncements), actArg(VerbSubTopic, topicAwards), act(VerbSubRegion),
		actArg(VerbSubSetReg, "jambyl"), actArg(VerbSubSetReg, regionAll), actPage(VerbSubForums, 3),
		actIn(VerbSubForum, "taraz-viii-2018", 1), act(VerbSubNone),
		actArg(VerbBcVersion, "ru"), actArg(VerbBcAudience, storage.AudienceAll), actArg(VerbBcAudience, storage.AudienceOrganizers),
		actArg(VerbBcLang, "kk"), actArg(VerbBcRegion, "abai"), actArg(VerbBcForum, strings.Repeat("x", 40)),
		act(VerbBcSend), act(VerbBcAt), act(VerbBcCron), act(VerbBcConfirm), act(VerbBcDiscard), act(VerbBcBack),
		actArg(VerbBcPause, "123456789012345678"), actArg(VerbBcResume, "1"), actArg(VerbBcCancel, "42"),
		actPage(VerbSchedList, 0), actArg(VerbSchedPause, "7"), actArg(VerbSchedRes, "sys-digest"),
		actArg(VerbSchedDel, "12"), actArg(VerbSchedDelY, "12"),
		actArg(VerbAwardForum, "kyzylorda-x-2021"), actIn(VerbAwardCont, "kyzylorda-x-2021", 4), act(VerbAwardConf),
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

func TestForgedBroadcastCallbacksAreRefused(t *testing.T) {
	t.Parallel()
	for _, data := range []string{
		"bcp:0", "bcp:-1", "bcp:01", "bcp:x", "bcp:1234567890123456789", "bcp", "bck:1:2",
		"scp:sys-", "scp:SYS-DIGEST", "scd:../1", "scp:0", "bca:everyone", "bcl:de", "bcr:mars",
		"bcf:UPPER", "bcv:*", "sbt:news", "sbr:moon", "sbf:x", "sac:x", "saf:", "bcs:1", "sbl:-1",
	} {
		if a, err := DecodeAction(data); err == nil {
			t.Errorf("DecodeAction(%q) accepted %+v", data, a)
		}
	}
}

func TestETAText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", 20 * time.Second, "about 20 seconds"},
		{"en", 80 * time.Minute, "about 1 hour"},
		{"ru", 3 * time.Minute, "около 3 минут"},
		{"ru", 21 * time.Minute, "около 21 минуты"},
		{"kk", 2 * time.Hour, "шамамен 2 сағат"},
	} {
		if got := etaText(locales.For(tc.lang), tc.d); got != tc.want {
			t.Errorf("%s %v: %q, want %q", tc.lang, tc.d, got, tc.want)
		}
	}
}

func TestProgressViewButtonsFollowTheState(t *testing.T) {
	t.Parallel()
	tr := locales.For("en")
	for state, want := range map[string]string{
		storage.BroadcastRunning: "bcp:5 bck:5", storage.BroadcastPaused: "bcu:5 bck:5",
		storage.BroadcastPreparing: "bck:5", storage.BroadcastDone: "", storage.BroadcastCancelled: "",
	} {
		j := &storage.BroadcastJob{ID: 5, State: state, Audience: storage.Audience{Kind: storage.AudienceAll},
			Total: 10, Sent: 4, Remaining: 6, Reason: "errors", ReasonDetail: "Bad Request: <b>"}
		text, kb := progressView(tr, nil, j, time.Minute, time.UTC)
		var got []string
		if m, ok := kb.Markup().(*models.InlineKeyboardMarkup); ok {
			for _, row := range m.InlineKeyboard {
				for _, b := range row {
					got = append(got, b.CallbackData)
				}
			}
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: buttons %v, want %s", state, got, want)
		}
		if !strings.Contains(text, "Broadcast #5") || !strings.Contains(text, "sent 4") {
			t.Errorf("%s: %q", state, text)
		}
		if state == storage.BroadcastPaused && !strings.Contains(text, "Bad Request: &lt;b&gt;") {
			t.Errorf("the error is not escaped: %q", text)
		}
	}
}
