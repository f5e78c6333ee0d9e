package proposal

import (
	"slices"
	"testing"
)

func TestNumbers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		year, seq int
		want      string
	}{{2026, 123, "AF-2026-000123"}, {2026, 1, "AF-2026-000001"}, {2027, 999999, "AF-2027-999999"}, {2030, 1234567, "AF-2030-1234567"}}
	for _, c := range cases {
		got := FormatNumber(c.year, c.seq)
		if got != c.want {
			t.Errorf("FormatNumber(%d, %d) = %q, want %q", c.year, c.seq, got, c.want)
		}
		if y, s, ok := ParseNumber(got); !ok || y != c.year || s != c.seq {
			t.Errorf("ParseNumber(%q) = %d, %d, %v", got, y, s, ok)
		}
	}
	for _, bad := range []string{"", "AF-2026-123", "af-2026-000123", "AF-2026-000000", "AF-26-000123", "AF-2026-0001234",
		"AF-2026-000123 ", "XX-2026-000123", "AF-2026_000123", "AF-1999-000001", "AF-2026--00001", "AF-2026-+00001", "AF-2026-1234567890"} {
		if y, s, ok := ParseNumber(bad); ok {
			t.Errorf("ParseNumber(%q) accepted as %d, %d", bad, y, s)
		}
	}
}

func TestStatusTransitions(t *testing.T) {
	t.Parallel()
	if got := WithdrawableStatuses(); !slices.Equal(got, []Status{StatusRegistered, StatusUnderReview}) {
		t.Errorf("withdrawable: %v", got)
	}
	for _, final := range []Status{StatusRejected, StatusImplemented, StatusWithdrawn} {
		for _, to := range Statuses {
			if CanMove(final, to) {
				t.Errorf("%s is final but may move to %s", final, to)
			}
		}
	}
	if !CanMove(StatusUnderReview, StatusPartiallyAccepted) || !CanMove(StatusAccepted, StatusImplemented) || CanMove(StatusRejected, StatusAccepted) {
		t.Error("transition table broken")
	}
	for _, s := range Statuses {
		if !s.Valid() {
			t.Errorf("%s not valid", s)
		}
	}
	if Status("lost").Valid() || Category("space").Valid() {
		t.Error("unknown status or category accepted")
	}
	if len(Categories) != 9 {
		t.Errorf("%d categories, want 9", len(Categories))
	}

	p := Proposal{Status: StatusUnderReview}
	if !p.CanWithdraw() {
		t.Error("an unanswered proposal under review cannot be withdrawn")
	}
	p.Answer = "Принято к сведению"
	if p.CanWithdraw() {
		t.Error("an answered proposal can be withdrawn")
	}
	if (&Proposal{Status: StatusAccepted}).CanWithdraw() {
		t.Error("an accepted proposal can be withdrawn")
	}
}

func TestTextKeyIgnoresWhatDoesNotChangeTheText(t *testing.T) {
	t.Parallel()
	a := TextKey("Предлагаю открыть молодёжный центр в Таразе.")
	for _, same := range []string{
		"предлагаю открыть молодежный центр в таразе",
		"  ПРЕДЛАГАЮ открыть,   молодёжный центр — в Таразе!!! ",
		"Предлагаю\nоткрыть молодёжный центр в Таразе",
	} {
		if TextKey(same) != a {
			t.Errorf("%q has another key", same)
		}
	}
	if TextKey("Предлагаю открыть молодёжный центр в Шымкенте.") == a {
		t.Error("different texts share a key")
	}
	if len(a) != 32 {
		t.Errorf("key %q", a)
	}
}

func TestAttachmentCheck(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a    Attachment
		want string
	}{
		{Attachment{Kind: KindPhoto, FileID: "f", UniqueID: "u", Size: MaxPhotoBytes}, ""},
		{Attachment{Kind: KindPhoto, FileID: "f", UniqueID: "u", Size: MaxPhotoBytes + 1}, ProblemPhotoTooLarge},
		{Attachment{Kind: KindDocument, FileID: "f", UniqueID: "u", Name: "a.DOCX", Size: MaxDocumentBytes}, ""},
		{Attachment{Kind: KindDocument, FileID: "f", UniqueID: "u", Name: "a.pdf", Size: MaxDocumentBytes + 1}, ProblemDocumentTooLarge},
		{Attachment{Kind: KindDocument, FileID: "f", UniqueID: "u", Name: "virus.pdf.exe"}, ProblemDocumentType},
		{Attachment{Kind: KindDocument, FileID: "f", UniqueID: "u", Name: "archive.zip", MIME: "application/pdf"}, ProblemDocumentType},
		{Attachment{Kind: KindDocument, FileID: "f", UniqueID: "u", MIME: "application/pdf"}, ""},
		{Attachment{Kind: KindDocument, FileID: "f", UniqueID: "u", MIME: "application/x-msdownload"}, ProblemDocumentType},
		{Attachment{Kind: KindDocument, FileID: "f", UniqueID: "u"}, ProblemDocumentType},
		{Attachment{Kind: "video", FileID: "f", UniqueID: "u"}, ProblemAttachmentType},
		{Attachment{Kind: KindPhoto, UniqueID: "u"}, ProblemAttachmentType},
	}
	for _, c := range cases {
		got := ""
		if p := c.a.Check(); p != nil {
			got = p.Code
		}
		if got != c.want {
			t.Errorf("%+v: %q, want %q", c.a, got, c.want)
		}
	}
	if exts := DocumentExtensions(); !slices.Contains(exts, "PDF") || slices.Contains(exts, "JPEG") || !slices.IsSorted(exts) {
		t.Errorf("extensions %v", exts)
	}
}

func TestContacts(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"77011234567": "+77011234567", "+7 (701) 123-45-67": "+77011234567", "": "", "abc": ""} {
		if got := NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
	c := NewContact("  Айгерім ", "", "77011234567")
	if c.Name != "Айгерім" || c.Phone != "+77011234567" || c.Anonymous || !c.Chosen() {
		t.Errorf("%+v", c)
	}
	if (Contact{}).Chosen() || !(Contact{Anonymous: true}).Chosen() {
		t.Error("Chosen")
	}
	if !(Consent{Version: ConsentVersion}).Current() || (Consent{Version: "0"}).Current() {
		t.Error("Consent.Current")
	}
}
