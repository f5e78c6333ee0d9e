package proposal

import (
	"errors"
	"reflect"
	"testing"
)

func TestDraftRoundTrip(t *testing.T) {
	t.Parallel()
	drafts := []Draft{
		NewDraft("000000000000", false),
		full(),
		at(StepContactShare, editing, func(d *Draft) {
			d.Contact = Contact{Name: "Асқар", Phone: "+77001112233"}
			d.Attachments = append(d.Attachments, Attachment{Kind: KindDocument, FileID: "BQ", UniqueID: "dq", Size: 1 << 20, Name: "жоба \"1\".docx", MIME: "application/msword"})
		}),
	}
	for _, d := range drafts {
		dialog, data := d.Encode()
		if !IsDialog(dialog) {
			t.Errorf("%q is not recognised as a proposal dialog", dialog)
		}
		got, err := Decode(dialog, data)
		if err != nil {
			t.Fatalf("Decode(Encode(%+v)): %v", d, err)
		}
		if !reflect.DeepEqual(got, d) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, d)
		}
	}
}

// TestDraftFormatsStayReadable holds a draft of every format ever stored
// in a session, exactly as stored: a deploy must go on reading them.
func TestDraftFormatsStayReadable(t *testing.T) {
	t.Parallel()
	golden := []struct {
		dialog string
		data   map[string]string
		want   Draft
	}{{
		dialog: "proposal.attachments",
		data: map[string]string{
			"v": "1", "id": "5f0c1a2b3c4d", "rev": "17", "edit": "1",
			"forum": "general", "cat": "local_gov", "region": "kyzylorda",
			"title": "Аула жарығы", "text": "Ауылдың көшелеріне шам орнату керек.",
			"att":  `[{"k":"photo","id":"AgAC","u":"AQAD","s":51234},{"k":"document","id":"BQAC","u":"AgAD","s":2048,"n":"смета.xlsx","m":"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}]`,
			"anon": "1",
		},
		want: Draft{
			ID: "5f0c1a2b3c4d", Rev: 17, Step: StepAttachments, Editing: true,
			Forum: GeneralForum, Category: CategoryLocalGov, Region: "kyzylorda",
			Title: "Аула жарығы", Text: "Ауылдың көшелеріне шам орнату керек.",
			Attachments: []Attachment{
				{Kind: KindPhoto, FileID: "AgAC", UniqueID: "AQAD", Size: 51234},
				{Kind: KindDocument, FileID: "BQAC", UniqueID: "AgAD", Size: 2048, Name: "смета.xlsx", MIME: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
			},
			Contact: Contact{Anonymous: true},
		},
	}, {
		dialog: "proposal.contact_share",
		data:   map[string]string{"v": "1", "id": "aaaaaaaaaaaa", "rev": "0", "name": "A", "phone": "+7", "future_field": "ignored"},
		want:   Draft{ID: "aaaaaaaaaaaa", Step: StepContactShare, Contact: Contact{Name: "A", Phone: "+7"}},
	}}
	for _, g := range golden {
		got, err := Decode(g.dialog, g.data)
		if err != nil {
			t.Fatalf("%s: %v", g.dialog, err)
		}
		if !reflect.DeepEqual(got, g.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", g.dialog, got, g.want)
		}
	}
}

func TestUnreadableDraftsAreRefused(t *testing.T) {
	t.Parallel()
	ok := map[string]string{"v": "1", "id": "aaaaaaaaaaaa", "rev": "3"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range ok {
			m[a] = b
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	cases := map[string]struct {
		dialog string
		data   map[string]string
	}{
		"newer format":        {"proposal.title", with("v", "2")},
		"no format":           {"proposal.title", with("v", "")},
		"unknown step":        {"proposal.poll", ok},
		"not a proposal":      {"search", ok},
		"bad id":              {"proposal.title", with("id", "XYZ")},
		"bad revision":        {"proposal.title", with("rev", "-1")},
		"broken attachments":  {"proposal.title", with("att", "[{")},
		"attachments no list": {"proposal.title", with("att", `{"k":"photo"}`)},
	}
	for name, c := range cases {
		if d, err := Decode(c.dialog, c.data); !errors.Is(err, ErrDraftFormat) {
			t.Errorf("%s: Decode = %+v, %v; want ErrDraftFormat", name, d, err)
		}
	}
}
