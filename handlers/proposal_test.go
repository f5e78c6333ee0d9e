package handlers

import (
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/locales"
)

func TestProposalActionsRoundTrip(t *testing.T) {
	t.Parallel()
	actions := []Action{
		act(VerbPropose), act(VerbConsentYes), act(VerbConsentNo), act(VerbPrivacy), act(VerbForget), act(VerbForgetYes),
		actArg(VerbPropForum, "general"), actArg(VerbPropForum, "taraz-viii-2018"), actArg(VerbPropCat, "culture_sport"),
		actArg(VerbPropRegion, "east_kazakhstan"), act(VerbPropDone), act(VerbPropClear), act(VerbPropAnon), act(VerbPropShare),
		actArg(VerbPropBack, "contact_share"), act(VerbPropCancel), act(VerbPropEdit), actArg(VerbPropEditF, "attachments"),
		actIn(VerbPropSend, "0123456789ab", 999), actPage(VerbMyProps, 3), actArg(VerbPropOpen, "AF-2026-000123"),
		actArg(VerbPropWithdraw, "AF-2026-1234567"), actArg(VerbPropWithdrawYes, "AF-2027-000001"),
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
		if !isProposalVerb(a.Verb) {
			t.Errorf("%s is not routed to the proposal feature", a.Verb)
		}
	}
}

func TestForgedProposalCallbacksAreRefused(t *testing.T) {
	t.Parallel()
	for _, data := range []string{
		"pc:space", "pc:", "pr:mars", "pr:ALMATY", "pb:nowhere", "pb:", "pef:preview", "pef:consent",
		"ps:0123456789ab", "ps:0123456789ab:1000", "ps:0123456789AB:1", "ps:xyz:1", "ps::1",
		"po:AF-2026-123", "po:af-2026-000123", "po:AF-2026-000123:1", "pw:../../x", "pwy:AF-2026-000000",
		"my", "my:-1", "pn:1", "cy:x", "fgy:1", "pf:General", "pf:../x", "pan:1",
	} {
		if a, err := DecodeAction(data); err == nil {
			t.Errorf("DecodeAction(%q) accepted as %+v", data, a)
		}
	}
}

func TestButtonEvents(t *testing.T) {
	t.Parallel()
	cases := map[Action]proposal.Event{
		actArg(VerbPropCat, "youth"):           {Kind: proposal.EventCategory, On: proposal.StepCategory, Value: "youth"},
		actArg(VerbPropBack, "title"):          {Kind: proposal.EventBack, On: proposal.StepTitle},
		actIn(VerbPropSend, "aaaaaaaaaaaa", 7): {Kind: proposal.EventSend, On: proposal.StepPreview, Value: "aaaaaaaaaaaa", Rev: 7},
		act(VerbPropCancel):                    {Kind: proposal.EventCancel},
		act(VerbConsentYes):                    {Kind: proposal.EventAccept, On: proposal.StepConsent},
		actArg(VerbPropEditF, "text"):          {Kind: proposal.EventEditField, On: proposal.StepEdit, Value: "text"},
	}
	cases[act(VerbMyProps)] = proposal.Event{Kind: proposal.EventOther} // not a dialog button
	for a, want := range cases {
		if got := buttonEvent(a); got != want {
			t.Errorf("%+v: %+v, want %+v", a, got, want)
		}
	}
}

// TestEveryProposalMessageExists holds the keys the code builds from
// parts (a category, a status, a problem code...) to the message files:
// a missing one would show its key to the user.
func TestEveryProposalMessageExists(t *testing.T) {
	t.Parallel()
	var keys []string
	for _, c := range proposal.Categories {
		keys = append(keys, "prop_cat_"+string(c))
	}
	for _, s := range proposal.Statuses {
		keys = append(keys, "prop_status_"+string(s))
	}
	for _, code := range proposal.ProblemCodes {
		keys = append(keys, "prop_err_"+code)
	}
	for _, s := range proposal.EditableSteps() {
		keys = append(keys, "prop_field_"+string(s))
	}
	keys = append(keys, "prop_attach_"+string(proposal.KindPhoto), "prop_attach_"+string(proposal.KindDocument))
	for _, c := range []string{"propose", "myproposals", "privacy", "forgetme", "cancel"} {
		keys = append(keys, "cmd_"+c)
	}
	for _, lang := range locales.Supported {
		l := locales.For(lang)
		for _, k := range keys {
			if got := l.T(k, "Len", 1, "Limit", 2, "Over", 3, "Types", "PDF"); got == k || got == "" {
				t.Errorf("%s: no message %s", lang, k)
			}
		}
	}
}

func TestGroupDigits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		lang string
		n    int
		want string
	}{{"en", 4000, "4,000"}, {"ru", 4000, "4\u00a0000"}, {"kk", 120, "120"}, {"en", 1234567, "1,234,567"}, {"en", -5, "-5"}}
	for _, c := range cases {
		if got := groupDigits(c.lang, c.n); got != c.want {
			t.Errorf("groupDigits(%s, %d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}

func TestClipUTF16(t *testing.T) {
	t.Parallel()
	short := "Қысқа мәтін"
	if got, clipped := clipUTF16(short, 100); got != short || clipped {
		t.Errorf("short text changed: %q", got)
	}
	long := strings.Repeat("😀 ", 2000) // 3 UTF-16 units each
	got, clipped := clipUTF16(long, 3000)
	if !clipped || !strings.HasSuffix(got, "…") {
		t.Fatalf("not clipped: %d runes", len([]rune(got)))
	}
	if n := len(utf16.Encode([]rune(got))); n > 3000 {
		t.Errorf("clipped to %d UTF-16 units, want at most 3000", n)
	}
}
