package proposal

import (
	"reflect"
	"strings"
	"testing"
)

var env = Env{ForumKnown: func(id string) bool { return id == "taraz-viii-2018" }}

// full is a draft with every field set, at the preview.
func full() Draft {
	return Draft{
		ID: "0123456789ab", Rev: 9, Step: StepPreview,
		Forum: GeneralForum, Category: CategoryEcology, Region: "jambyl",
		Title: "Велодорожки в Таразе", Text: strings.Repeat("Предлагаю построить ", 3),
		Attachments: []Attachment{{Kind: KindPhoto, FileID: "p1", UniqueID: "u1", Size: 1000}},
		Contact:     Contact{Anonymous: true},
	}
}

func at(step Step, mod ...func(*Draft)) Draft {
	d := full()
	d.Step = step
	for _, m := range mod {
		m(&d)
	}
	return d
}

func editing(d *Draft) { d.Editing = true }

func photo(uid string, size int64) Attachment {
	return Attachment{Kind: KindPhoto, FileID: "f" + uid, UniqueID: uid, Size: size}
}

func TestApply(t *testing.T) {
	t.Parallel()
	type want struct {
		step    Step
		editing bool
		effect  Effect
		problem string
		check   func(Draft) bool // more about the new draft
	}
	cases := []struct {
		name string
		from Draft
		ev   Event
		want want
	}{
		// Consent.
		{"accept the terms goes to the first missing step", NewDraft("0123456789ab", false),
			Event{Kind: EventAccept, On: StepConsent}, want{step: StepForum, effect: EffectConsent}},
		{"accept with a full draft goes to the preview", at(StepConsent),
			Event{Kind: EventAccept, On: StepConsent}, want{step: StepPreview, effect: EffectConsent}},
		{"decline", NewDraft("0123456789ab", false), Event{Kind: EventDecline, On: StepConsent},
			want{step: StepConsent, effect: EffectDecline}},
		{"text at the terms", NewDraft("0123456789ab", false), Event{Kind: EventText, Value: "да"},
			want{step: StepConsent, problem: ProblemUseButtons}},
		{"back from the terms leaves", NewDraft("0123456789ab", false), Event{Kind: EventBack, On: StepConsent},
			want{step: StepConsent, effect: EffectCancel}},

		// Forum.
		{"general forum", at(StepForum), Event{Kind: EventForum, On: StepForum, Value: GeneralForum},
			want{step: StepCategory, check: func(d Draft) bool { return d.Forum == GeneralForum }}},
		{"catalog forum", at(StepForum), Event{Kind: EventForum, On: StepForum, Value: "taraz-viii-2018"},
			want{step: StepCategory, check: func(d Draft) bool { return d.Forum == "taraz-viii-2018" }}},
		{"forum gone from the catalog", at(StepForum), Event{Kind: EventForum, On: StepForum, Value: "gone-2019"},
			want{step: StepForum, problem: ProblemUnknownForum}},
		{"text at the forum step", at(StepForum), Event{Kind: EventText, Value: "Тараз"},
			want{step: StepForum, problem: ProblemUseButtons}},
		{"photo at the forum step", at(StepForum), Event{Kind: EventAttachment, Attachment: photo("x", 1)},
			want{step: StepForum, problem: ProblemUseButtons}},
		{"back from the first step leaves", at(StepForum), Event{Kind: EventBack, On: StepForum},
			want{step: StepForum, effect: EffectCancel}},

		// Category and region.
		{"category", at(StepCategory), Event{Kind: EventCategory, On: StepCategory, Value: "youth"},
			want{step: StepRegion, check: func(d Draft) bool { return d.Category == CategoryYouth }}},
		{"unknown category", at(StepCategory), Event{Kind: EventCategory, On: StepCategory, Value: "space"},
			want{step: StepCategory, problem: ProblemUseButtons}},
		{"category button on the region step", at(StepRegion), Event{Kind: EventCategory, On: StepCategory, Value: "youth"},
			want{step: StepRegion, problem: ProblemStale}},
		{"region", at(StepRegion), Event{Kind: EventRegion, On: StepRegion, Value: "shymkent"},
			want{step: StepTitle, check: func(d Draft) bool { return d.Region == "shymkent" }}},
		{"unknown region", at(StepRegion), Event{Kind: EventRegion, On: StepRegion, Value: "mars"},
			want{step: StepRegion, problem: ProblemUseButtons}},
		{"back from the region", at(StepRegion), Event{Kind: EventBack, On: StepRegion}, want{step: StepCategory}},
		{"stale back", at(StepRegion), Event{Kind: EventBack, On: StepForum},
			want{step: StepRegion, problem: ProblemStale}},

		// Title.
		{"title is cleaned", at(StepTitle), Event{Kind: EventText, Value: "  Велодорожки\n в   Таразе "},
			want{step: StepText, check: func(d Draft) bool { return d.Title == "Велодорожки в Таразе" }}},
		{"title of 120", at(StepTitle), Event{Kind: EventText, Value: strings.Repeat("ә", 120)}, want{step: StepText}},
		{"title of 121", at(StepTitle), Event{Kind: EventText, Value: strings.Repeat("ә", 121)},
			want{step: StepTitle, problem: ProblemTitleTooLong, check: func(d Draft) bool { return d.Title == full().Title }}},
		{"title of 2", at(StepTitle), Event{Kind: EventText, Value: "ok"}, want{step: StepTitle, problem: ProblemTitleTooShort}},
		{"sticker for a title", at(StepTitle), Event{Kind: EventOther}, want{step: StepTitle, problem: ProblemTextExpected}},
		{"photo for a title", at(StepTitle), Event{Kind: EventAttachment, Attachment: photo("x", 1)},
			want{step: StepTitle, problem: ProblemTextExpected}},

		// Text.
		{"text of 20", at(StepText), Event{Kind: EventText, Value: " " + strings.Repeat("қ", 20) + "\r\n"},
			want{step: StepAttachments, check: func(d Draft) bool { return d.Text == strings.Repeat("қ", 20) }}},
		{"text of 19", at(StepText), Event{Kind: EventText, Value: strings.Repeat("қ", 19)},
			want{step: StepText, problem: ProblemTextTooShort}},
		{"text of 4000", at(StepText), Event{Kind: EventText, Value: strings.Repeat("қ", 4000)}, want{step: StepAttachments}},
		{"text of 4001", at(StepText), Event{Kind: EventText, Value: strings.Repeat("қ", 4001)},
			want{step: StepText, problem: ProblemTextTooLong}},
		{"contact for a text", at(StepText), Event{Kind: EventContact, OwnContact: true, Contact: Contact{Phone: "+7"}},
			want{step: StepText, problem: ProblemTextExpected}},

		// Attachments.
		{"a photo", at(StepAttachments, func(d *Draft) { d.Attachments = nil }),
			Event{Kind: EventAttachment, Attachment: photo("a", 100)},
			want{step: StepAttachments, check: func(d Draft) bool { return len(d.Attachments) == 1 }}},
		{"a document", at(StepAttachments),
			Event{Kind: EventAttachment, Attachment: Attachment{Kind: KindDocument, FileID: "d", UniqueID: "d", Name: "Жоспар.PDF", Size: 5 << 20}},
			want{step: StepAttachments, check: func(d Draft) bool { return len(d.Attachments) == 2 }}},
		{"a 4th attachment", at(StepAttachments, func(d *Draft) {
			d.Attachments = []Attachment{photo("a", 1), photo("b", 1), photo("c", 1)}
		}), Event{Kind: EventAttachment, Attachment: photo("d", 1)},
			want{step: StepAttachments, problem: ProblemTooManyFiles, check: func(d Draft) bool { return len(d.Attachments) == 3 }}},
		{"the same photo twice", at(StepAttachments), Event{Kind: EventAttachment, Attachment: photo("u1", 1)},
			want{step: StepAttachments, problem: ProblemDuplicateFile}},
		{"a photo too large", at(StepAttachments), Event{Kind: EventAttachment, Attachment: photo("big", MaxPhotoBytes+1)},
			want{step: StepAttachments, problem: ProblemPhotoTooLarge}},
		{"a document too large", at(StepAttachments),
			Event{Kind: EventAttachment, Attachment: Attachment{Kind: KindDocument, FileID: "d", UniqueID: "d", Name: "a.pdf", Size: MaxDocumentBytes + 1}},
			want{step: StepAttachments, problem: ProblemDocumentTooLarge}},
		{"an executable", at(StepAttachments),
			Event{Kind: EventAttachment, Attachment: Attachment{Kind: KindDocument, FileID: "d", UniqueID: "d", Name: "setup.exe", Size: 10}},
			want{step: StepAttachments, problem: ProblemDocumentType}},
		{"text at attachments", at(StepAttachments), Event{Kind: EventText, Value: "вот"},
			want{step: StepAttachments, problem: ProblemFileExpected}},
		{"voice at attachments", at(StepAttachments), Event{Kind: EventOther},
			want{step: StepAttachments, problem: ProblemAttachmentType}},
		{"done", at(StepAttachments), Event{Kind: EventDone, On: StepAttachments}, want{step: StepContact}},
		{"clear", at(StepAttachments), Event{Kind: EventClear, On: StepAttachments},
			want{step: StepAttachments, check: func(d Draft) bool { return d.Attachments == nil }}},

		// Contact.
		{"anonymous", at(StepContact, func(d *Draft) { d.Contact = Contact{} }), Event{Kind: EventAnonymous, On: StepContact},
			want{step: StepPreview, check: func(d Draft) bool { return d.Contact == Contact{Anonymous: true} }}},
		{"share", at(StepContact), Event{Kind: EventShare, On: StepContact}, want{step: StepContactShare}},
		{"own contact", at(StepContactShare), Event{Kind: EventContact, OwnContact: true, Contact: Contact{Name: "Айгерім", Phone: "+77011234567"}},
			want{step: StepPreview, check: func(d Draft) bool { return d.Contact == Contact{Name: "Айгерім", Phone: "+77011234567"} }}},
		{"own contact sent at the contact step", at(StepContact), Event{Kind: EventContact, OwnContact: true, Contact: Contact{Phone: "+7701"}},
			want{step: StepPreview}},
		{"someone else's contact", at(StepContactShare), Event{Kind: EventContact, Contact: Contact{Phone: "+77019999999"}},
			want{step: StepContactShare, problem: ProblemNotOwnContact, check: func(d Draft) bool { return d.Contact.Anonymous }}},
		{"contact without a phone", at(StepContactShare), Event{Kind: EventContact, OwnContact: true},
			want{step: StepContactShare, problem: ProblemNoPhone}},
		{"text instead of a contact", at(StepContactShare), Event{Kind: EventText, Value: "+77011234567"},
			want{step: StepContactShare, problem: ProblemShareContact}},
		{"text at the contact step", at(StepContact), Event{Kind: EventText, Value: "анонимно"},
			want{step: StepContact, problem: ProblemUseButtons}},
		{"anonymous chosen on the message above while the contact is asked", at(StepContactShare, func(d *Draft) { d.Contact = Contact{} }),
			Event{Kind: EventAnonymous, On: StepContact}, want{step: StepPreview}},
		{"back from sharing", at(StepContactShare), Event{Kind: EventBack, On: StepContactShare}, want{step: StepContact}},

		// Preview and edits.
		{"send", at(StepPreview), Event{Kind: EventSend, On: StepPreview, Value: "0123456789ab", Rev: 9},
			want{step: StepPreview, effect: EffectSubmit}},
		{"send from an older preview", at(StepPreview), Event{Kind: EventSend, On: StepPreview, Value: "0123456789ab", Rev: 8},
			want{step: StepPreview, problem: ProblemStale}},
		{"send of another draft", at(StepPreview), Event{Kind: EventSend, On: StepPreview, Value: "ffffffffffff", Rev: 9},
			want{step: StepPreview, problem: ProblemStale}},
		{"send of a draft whose forum left the catalog", at(StepPreview, func(d *Draft) { d.Forum = "gone-2019" }),
			Event{Kind: EventSend, On: StepPreview, Value: "0123456789ab", Rev: 9},
			want{step: StepForum, problem: ProblemUnknownForum}},
		{"send on the title step", at(StepTitle), Event{Kind: EventSend, On: StepPreview, Value: "0123456789ab", Rev: 9},
			want{step: StepTitle, problem: ProblemStale}},
		{"back from the preview", at(StepPreview), Event{Kind: EventBack, On: StepPreview}, want{step: StepContact}},
		{"edit menu", at(StepPreview), Event{Kind: EventEdit, On: StepPreview}, want{step: StepEdit}},
		{"back from the edit menu", at(StepEdit), Event{Kind: EventBack, On: StepEdit}, want{step: StepPreview}},
		{"edit the title", at(StepEdit), Event{Kind: EventEditField, On: StepEdit, Value: "title"},
			want{step: StepTitle, editing: true}},
		{"edit a step that is not a field", at(StepEdit), Event{Kind: EventEditField, On: StepEdit, Value: "preview"},
			want{step: StepEdit, problem: ProblemUseButtons}},
		{"an edited title returns to the preview", at(StepTitle, editing), Event{Kind: EventText, Value: "Новый заголовок"},
			want{step: StepPreview, check: func(d Draft) bool { return d.Title == "Новый заголовок" }}},
		{"a bad edited title stays", at(StepTitle, editing), Event{Kind: EventText, Value: "x"},
			want{step: StepTitle, editing: true, problem: ProblemTitleTooShort}},
		{"back from an edit returns to the preview unchanged", at(StepRegion, editing), Event{Kind: EventBack, On: StepRegion},
			want{step: StepPreview, check: func(d Draft) bool { return d.Region == "jambyl" }}},
		{"an edited region returns to the preview", at(StepRegion, editing), Event{Kind: EventRegion, On: StepRegion, Value: "abai"},
			want{step: StepPreview}},
		{"an edit of attachments stays until done", at(StepAttachments, editing), Event{Kind: EventAttachment, Attachment: photo("n", 1)},
			want{step: StepAttachments, editing: true}},
		{"done with edited attachments", at(StepAttachments, editing), Event{Kind: EventDone, On: StepAttachments},
			want{step: StepPreview}},
		{"share while editing keeps editing", at(StepContact, editing), Event{Kind: EventShare, On: StepContact},
			want{step: StepContactShare, editing: true}},
		{"back from sharing while editing", at(StepContactShare, editing), Event{Kind: EventBack, On: StepContactShare},
			want{step: StepContact, editing: true}},
		{"contact while editing", at(StepContactShare, editing), Event{Kind: EventContact, OwnContact: true, Contact: Contact{Phone: "+7"}},
			want{step: StepPreview}},

		// Cancel from anywhere.
		{"cancel at the title", at(StepTitle), Event{Kind: EventCancel}, want{step: StepTitle, effect: EffectCancel}},
		{"cancel at the preview", at(StepPreview), Event{Kind: EventCancel}, want{step: StepPreview, effect: EffectCancel}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := c.from
			r := Apply(c.from, c.ev, env)
			if r.Draft.Step != c.want.step || r.Draft.Editing != c.want.editing || r.Effect != c.want.effect {
				t.Errorf("step %s editing %v effect %d; want %s %v %d", r.Draft.Step, r.Draft.Editing, r.Effect, c.want.step, c.want.editing, c.want.effect)
			}
			got := ""
			if r.Problem != nil {
				got = r.Problem.Code
			}
			if got != c.want.problem {
				t.Errorf("problem %q, want %q", got, c.want.problem)
			}
			if c.want.check != nil && !c.want.check(r.Draft) {
				t.Errorf("draft after: %+v", r.Draft)
			}
			// A refused input changes nothing; an accepted one bumps the
			// revision, so older previews cannot be sent.
			refused := r.Problem != nil && r.Draft.Step == before.Step
			if refused && !reflect.DeepEqual(r.Draft, before) {
				t.Errorf("a refused input changed the draft: %+v", r.Draft)
			}
			if !refused && r.Effect == EffectNone && r.Draft.Rev != before.Rev+1 {
				t.Errorf("revision %d after an accepted input, want %d", r.Draft.Rev, before.Rev+1)
			}
			if !reflect.DeepEqual(c.from, before) {
				t.Error("Apply changed its argument")
			}
		})
	}
}

func TestProblemsCarryTheFigures(t *testing.T) {
	t.Parallel()
	r := Apply(at(StepText), Event{Kind: EventText, Value: strings.Repeat("a", 4215)}, env)
	if p := r.Problem; p == nil || p.Len != 4215 || p.Limit != 4000 {
		t.Errorf("text too long: %+v", p)
	}
	r = Apply(at(StepAttachments), Event{Kind: EventAttachment, Attachment: photo("b", 15<<20+1)}, env)
	if p := r.Problem; p == nil || p.Len != 16 || p.Limit != 10 {
		t.Errorf("photo too large: %+v", p)
	}
}

// TestAWholeDialog walks from nothing to a sendable draft by the events a
// user makes, the way handlers feed them.
func TestAWholeDialog(t *testing.T) {
	t.Parallel()
	d := NewDraft("abcdefabcdef", false)
	steps := []Event{
		{Kind: EventAccept, On: StepConsent},
		{Kind: EventForum, On: StepForum, Value: "taraz-viii-2018"},
		{Kind: EventCategory, On: StepCategory, Value: "education"},
		{Kind: EventRegion, On: StepRegion, Value: "astana"},
		{Kind: EventText, Value: "Мектептерге робототехника"},
		{Kind: EventText, Value: "Әр мектепте робототехника үйірмесін ашуды ұсынамын."},
		{Kind: EventAttachment, Attachment: photo("p", 10)},
		{Kind: EventDone, On: StepAttachments},
		{Kind: EventShare, On: StepContact},
		{Kind: EventContact, OwnContact: true, Contact: NewContact("Айгерім", "Сейітова", "7 701 123-45-67")},
	}
	for i, ev := range steps {
		r := Apply(d, ev, env)
		if r.Problem != nil {
			t.Fatalf("event %d at %s: %+v", i, d.Step, r.Problem)
		}
		d = r.Draft
	}
	if d.Step != StepPreview {
		t.Fatalf("at %s, want the preview", d.Step)
	}
	if p, _ := d.Check(env); p != nil {
		t.Fatalf("Check: %+v", p)
	}
	r := Apply(d, Event{Kind: EventSend, On: StepPreview, Value: d.ID, Rev: d.ShownRev()}, env)
	if r.Effect != EffectSubmit {
		t.Fatalf("send: %+v", r)
	}
	p := r.Draft.Proposal("kk")
	if p.Status != StatusRegistered || p.Anonymous || p.TextKey != TextKey(d.Text) || p.Forum != "taraz-viii-2018" {
		t.Errorf("proposal %+v", p)
	}
	if d.Contact.Name != "Айгерім Сейітова" || d.Contact.Phone != "+77011234567" {
		t.Errorf("contact %+v", d.Contact)
	}
}

func TestStepNumbers(t *testing.T) {
	t.Parallel()
	for s, want := range map[Step]int{StepForum: 1, StepTitle: 4, StepContact: 7, StepContactShare: 7, StepPreview: 0, StepConsent: 0} {
		if n, of := s.Number(); n != want || of != 7 {
			t.Errorf("%s: %d of %d, want %d of 7", s, n, of, want)
		}
	}
}
