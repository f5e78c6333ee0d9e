package handlers

import (
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/locales"
	"github.com/forumbot/forumbot/storage"
)

func TestOrganizerActionsRoundTrip(t *testing.T) {
	t.Parallel()
	n := "AF-2026-000123"
	actions := []Action{
		actPage(VerbOrgInbox, 0), actPage(VerbOrgInbox, 999), actIn(VerbOrgFilter, dimStatus, 0), actIn(VerbOrgFilter, dimForum, 3),
		actArg(VerbOrgFStatus, storage.FilterTodo), actArg(VerbOrgFStatus, storage.FilterAll),
		actArg(VerbOrgFStatus, string(proposal.StatusPartiallyAccepted)), actArg(VerbOrgFRegion, "north_kazakhstan"),
		actArg(VerbOrgFRegion, anyValue), actArg(VerbOrgFCat, string(proposal.CategoryCultureSport)), actArg(VerbOrgFCat, anyValue),
		actArg(VerbOrgFForum, strings.Repeat("x", 40)), actArg(VerbOrgFForum, proposal.GeneralForum), actArg(VerbOrgFForum, anyValue),
		actArg(VerbOrgFDue, storage.DueOverdue), actArg(VerbOrgFDue, storage.DueSoon), actArg(VerbOrgFDue, anyValue), act(VerbOrgFReset),
		actArg(VerbOrgOpen, n), actArg(VerbOrgCard, n), actArg(VerbOrgStatus, n),
		actArg(VerbOrgMoveAsk, moveArg(n, proposal.StatusUnderReview, proposal.StatusPartiallyAccepted)),
		actArg(VerbOrgMove, moveArg("AF-2026-123456789", proposal.StatusPartiallyAccepted, proposal.StatusImplemented)),
		actArg(VerbOrgAnswer, n), actArg(VerbOrgAnswerOK, n), act(VerbOrgExport), actArg(VerbOrgAudit, ""),
		actArg(VerbOrgAudit, "123456"), actArg(VerbOrgRevoke, "9223372036854775807"),
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
		if !organizerVerbs[a.Verb] {
			t.Errorf("%s is not routed to the organizers' side", a.Verb)
		}
	}
}

func TestForgedOrganizerCallbacksAreRefused(t *testing.T) {
	t.Parallel()
	n := "AF-2026-000123"
	for _, data := range []string{
		"oi", "oi:-1", "oi:1000", "of:xx:0", "of:st", "ofs:open", "ofs:", "ofr:mars", "ofr:", "ofc:war", "off:A B", "off:",
		"ofd:later", "ofx:1", "oo:AF-2026-1", "oo:" + strings.ToLower(n), "oc:", "osc:AF-26-000001",
		// Moves CanMove does not allow, to withdrawn, or malformed.
		"omy:" + n + "/registered/implemented", "omy:" + n + "/registered/withdrawn", "omy:" + n + "/withdrawn/accepted",
		"omy:" + n + "/rejected/accepted", "omy:" + n + "/registered", "omy:" + n + "/registered/accepted/x",
		"omc:x/registered/accepted", "omy:" + n + "/Registered/accepted",
		"oan:", "oay:AF-2026-00001x", "oex:1", "oau:0", "oau:-5", "oau:01", "orv:0", "orv:-7", "orv:1e9", "orv:007",
		"orv:99999999999999999999",
	} {
		if a, err := DecodeAction(data); err == nil {
			t.Errorf("DecodeAction(%q) accepted %+v", data, a)
		}
	}
}

func TestUserFrom(t *testing.T) {
	t.Parallel()
	fwd := func(o models.MessageOrigin) *models.Message { return &models.Message{ForwardOrigin: &o} }
	for _, tc := range []struct {
		m       *models.Message
		id      int64
		name    string
		problem string
	}{
		{&models.Message{Text: " 123456789 "}, 123456789, "", ""},
		{&models.Message{Text: "@someone"}, 0, "", "org_user_expected"},
		{&models.Message{Text: "-5"}, 0, "", "org_user_expected"},
		{fwd(models.MessageOrigin{Type: models.MessageOriginTypeUser, MessageOriginUser: &models.MessageOriginUser{
			SenderUser: models.User{ID: 77, FirstName: "Әсем", LastName: "Нұрланқызы", Username: "asem"}}}), 77, "Әсем Нұрланқызы @asem", ""},
		{fwd(models.MessageOrigin{Type: models.MessageOriginTypeUser, MessageOriginUser: &models.MessageOriginUser{
			SenderUser: models.User{ID: 78, IsBot: true, FirstName: "Bot"}}}), 0, "", "org_user_is_bot"},
		{fwd(models.MessageOrigin{Type: models.MessageOriginTypeHiddenUser, MessageOriginHiddenUser: &models.MessageOriginHiddenUser{SenderUserName: "X"}}), 0, "", "org_user_hidden"},
		{fwd(models.MessageOrigin{Type: models.MessageOriginTypeChannel, MessageOriginChannel: &models.MessageOriginChannel{}}), 0, "", "org_user_not_person"},
	} {
		id, name, problem := userFrom(tc.m)
		if id != tc.id || name != tc.name || problem != tc.problem {
			t.Errorf("userFrom(%+v) = %d %q %q; want %d %q %q", tc.m, id, name, problem, tc.id, tc.name, tc.problem)
		}
	}
}

func TestSafeCellAndPlainLabel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=SUM(A1)": "'=SUM(A1)", "+77011234567": "'+77011234567", "-тізім": "'-тізім", "@handle": "'@handle",
		"\tx": "'\tx", "Қала": "Қала", "": "", "1+1": "1+1",
	} {
		if got := safeCell(in); got != want {
			t.Errorf("safeCell(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"🆕 Тіркелді": "Тіркелді", "☑️ Partially accepted": "Partially accepted", "Other": "Other"} {
		if got := plainLabel(in); got != want {
			t.Errorf("plainLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEveryOrganizerMessageExists holds the keys the organizers' side
// builds from parts to the message files.
func TestEveryOrganizerMessageExists(t *testing.T) {
	t.Parallel()
	var keys []string
	for _, c := range csvColumns {
		keys = append(keys, "csv_"+c)
	}
	keys = append(keys, "org_user_expected", "org_user_hidden", "org_user_is_bot", "org_user_not_person")
	for _, lang := range locales.Supported {
		l := locales.For(lang)
		for _, k := range keys {
			if got := l.T(k); got == k || got == "" {
				t.Errorf("%s: no message %s", lang, k)
			}
		}
	}
}

func TestMoveTargets(t *testing.T) {
	t.Parallel()
	for st, want := range map[proposal.Status]string{
		proposal.StatusRegistered:  "under_review accepted partially_accepted rejected",
		proposal.StatusUnderReview: "accepted partially_accepted rejected",
		proposal.StatusAccepted:    "implemented",
		proposal.StatusRejected:    "",
		proposal.StatusWithdrawn:   "",
	} {
		var got []string
		for _, s := range moveTargets(st) {
			got = append(got, string(s))
		}
		if strings.Join(got, " ") != want {
			t.Errorf("from %s: %v, want %s", st, got, want)
		}
	}
}
