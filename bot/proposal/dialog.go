package proposal

import (
	"strings"
	"unicode/utf8"
)

// Step is where the dialog that collects a proposal stands.
type Step string

// Steps of the dialog, in order: the terms (only when not accepted yet),
// seven numbered input steps, the preview. StepContactShare waits for the
// user's contact after they chose to give it; StepEdit is the preview's
// "what to change" menu.
const (
	StepConsent      Step = "consent"
	StepForum        Step = "forum"
	StepCategory     Step = "category"
	StepRegion       Step = "region"
	StepTitle        Step = "title"
	StepText         Step = "text"
	StepAttachments  Step = "attachments"
	StepContact      Step = "contact"
	StepContactShare Step = "contact_share"
	StepPreview      Step = "preview"
	StepEdit         Step = "edit"
)

// inputSteps are the numbered steps, in order.
var inputSteps = []Step{StepForum, StepCategory, StepRegion, StepTitle, StepText, StepAttachments, StepContact}

// allSteps are every step a draft can be at.
var allSteps = append([]Step{StepConsent}, append(inputSteps[:len(inputSteps):len(inputSteps)], StepContactShare, StepPreview, StepEdit)...)

// Valid reports whether s is a step of the dialog.
func (s Step) Valid() bool {
	for _, x := range allSteps {
		if x == s {
			return true
		}
	}
	return false
}

// Editable reports whether the preview's edit menu offers s.
func (s Step) Editable() bool {
	for _, x := range inputSteps {
		if x == s {
			return true
		}
	}
	return false
}

// EditableSteps are the steps the edit menu offers, in order.
func EditableSteps() []Step { return append([]Step(nil), inputSteps...) }

// Number is the step's place among the numbered steps ("step 4 of 7"), or
// 0 for a step that has none.
func (s Step) Number() (n, of int) {
	if s == StepContactShare {
		s = StepContact
	}
	for i, x := range inputSteps {
		if x == s {
			return i + 1, len(inputSteps)
		}
	}
	return 0, len(inputSteps)
}

// Draft is a proposal being written: the dialog's state, kept in the chat's
// session between messages (see Encode).
type Draft struct {
	// ID names the draft, so a Send pressed twice, or after a crash, is
	// recognised as the same proposal.
	ID string
	// Rev counts the draft's changes: a preview's Send button carries the
	// revision it shows, and a Send from an older preview is refused.
	Rev  int
	Step Step
	// Editing is set while one field is changed from the preview: the next
	// valid input goes back to the preview.
	Editing     bool
	Forum       string
	Category    Category
	Region      string
	Title       string
	Text        string
	Attachments []Attachment
	Contact     Contact
}

// NewDraft starts a draft; consented tells whether the user accepted the
// terms in force already, else the first step asks for that.
func NewDraft(id string, consented bool) Draft {
	d := Draft{ID: id, Step: StepForum}
	if !consented {
		d.Step = StepConsent
	}
	return d
}

// Problem is why an input was not taken; handlers turn Code into a
// localized message, with Len and Limit where the code has them.
type Problem struct {
	Code  string
	Len   int // what the user sent: characters, megabytes, attachments
	Limit int
}

// Problem codes.
const (
	ProblemStale            = "stale"          // a button of another step
	ProblemUseButtons       = "use_buttons"    // the step takes a button, not this
	ProblemUnknownForum     = "unknown_forum"  // not in the catalog (any more)
	ProblemTitleTooShort    = "title_short"    // Len, Limit
	ProblemTitleTooLong     = "title_long"     // Len, Limit
	ProblemTextTooShort     = "text_short"     // Len, Limit
	ProblemTextTooLong      = "text_long"      // Len, Limit
	ProblemTextExpected     = "text_expected"  // a file or sticker where text is due
	ProblemFileExpected     = "file_expected"  // text where attachments are due
	ProblemAttachmentType   = "attach_type"    // a video, voice, sticker...
	ProblemPhotoTooLarge    = "photo_large"    // Len, Limit in MB
	ProblemDocumentTooLarge = "doc_large"      // Len, Limit in MB
	ProblemDocumentType     = "doc_type"       // not an office document, PDF, text or image
	ProblemTooManyFiles     = "too_many_files" // Limit
	ProblemDuplicateFile    = "dup_file"       // the same file twice
	ProblemNotOwnContact    = "not_own"        // someone else's contact
	ProblemNoPhone          = "no_phone"       // a contact without a phone number
	ProblemShareContact     = "share_contact"  // anything but a contact at StepContactShare
)

// ProblemCodes lists every Problem code, so that a test can hold each to
// its message in every language.
var ProblemCodes = []string{
	ProblemStale, ProblemUseButtons, ProblemUnknownForum, ProblemTitleTooShort, ProblemTitleTooLong,
	ProblemTextTooShort, ProblemTextTooLong, ProblemTextExpected, ProblemFileExpected,
	ProblemAttachmentType, ProblemPhotoTooLarge, ProblemDocumentTooLarge, ProblemDocumentType,
	ProblemTooManyFiles, ProblemDuplicateFile, ProblemNotOwnContact, ProblemNoPhone, ProblemShareContact,
}

// EventKind is what the user did.
type EventKind uint8

// Kinds of event. Button events (Forum to Send) carry the step the button
// was shown on; messages (Text to Other) do not.
const (
	EventForum      EventKind = iota + 1 // Value: forum id or GeneralForum
	EventCategory                        // Value: category
	EventRegion                          // Value: region code
	EventDone                            // attachments: go on
	EventClear                           // attachments: remove them all
	EventAnonymous                       // contact: stay anonymous
	EventShare                           // contact: give name and phone
	EventEdit                            // preview: open the edit menu
	EventEditField                       // edit menu: Value is the step to change
	EventAccept                          // terms: accept
	EventDecline                         // terms: decline
	EventSend                            // preview: send
	EventBack                            // go one step back
	EventText                            // a text message: Value
	EventAttachment                      // a photo or document: Attachment
	EventContact                         // a shared contact: Contact, OwnContact
	EventOther                           // content no step takes: a sticker, video, voice...
	EventCancel                          // drop the draft (any step)
)

// Event is one input to the dialog.
type Event struct {
	Kind EventKind
	// On is the step a button was shown on; a button of another step is
	// stale. Unused for messages and EventCancel.
	On         Step
	Value      string
	Attachment Attachment
	Contact    Contact
	// OwnContact reports that the shared contact is the sender's own.
	OwnContact bool
	// Rev is, for EventSend, the revision the pressed preview showed
	// (modulo RevModulus) and Value the draft's ID.
	Rev int
}

// RevModulus bounds the revision a button carries.
const RevModulus = 1000

// ShownRev is the revision a preview's Send button carries.
func (d Draft) ShownRev() int { return d.Rev % RevModulus }

func (e Event) isButton() bool { return e.Kind >= EventForum && e.Kind <= EventBack }

// Effect is what the caller must do besides showing the new step.
type Effect uint8

// Effects of an event.
const (
	EffectNone    Effect = iota
	EffectConsent        // store the user's consent to the terms in force
	EffectSubmit         // register the draft as a proposal
	EffectCancel         // the draft is dropped
	EffectDecline        // the terms are declined: the draft is dropped
)

// Result is the outcome of Apply: the new draft, or the old one with the
// Problem that kept the input out.
type Result struct {
	Draft   Draft
	Effect  Effect
	Problem *Problem
}

// Env is what the dialog asks of the world.
type Env struct {
	// ForumKnown reports whether the catalog has a forum with id.
	ForumKnown func(id string) bool
}

// Apply is the dialog's transition function: the draft after ev, with
// nothing changed but what ev changes. It is pure.
func Apply(d Draft, ev Event, env Env) Result {
	if ev.Kind == EventCancel {
		return Result{Draft: d, Effect: EffectCancel}
	}
	if ev.isButton() && !buttonFits(ev.On, d.Step) {
		return refuse(d, ProblemStale)
	}
	if ev.Kind == EventBack {
		return back(d)
	}
	switch d.Step {
	case StepConsent:
		switch ev.Kind {
		case EventAccept:
			d.Step = d.firstIncomplete(env)
			return changed(d, EffectConsent)
		case EventDecline:
			return Result{Draft: d, Effect: EffectDecline}
		}
		return refuse(d, ProblemUseButtons)

	case StepForum:
		if ev.Kind != EventForum {
			return refuse(d, ProblemUseButtons)
		}
		if !forumOK(ev.Value, env) {
			return refuse(d, ProblemUnknownForum)
		}
		d.Forum = ev.Value
		return forward(d)

	case StepCategory:
		if ev.Kind != EventCategory || !Category(ev.Value).Valid() {
			return refuse(d, ProblemUseButtons)
		}
		d.Category = Category(ev.Value)
		return forward(d)

	case StepRegion:
		if ev.Kind != EventRegion || !ValidRegion(ev.Value) {
			return refuse(d, ProblemUseButtons)
		}
		d.Region = ev.Value
		return forward(d)

	case StepTitle:
		if ev.Kind != EventText {
			return refuse(d, ProblemTextExpected)
		}
		title := CleanTitle(ev.Value)
		if p := checkTitle(title); p != nil {
			return Result{Draft: d, Problem: p}
		}
		d.Title = title
		return forward(d)

	case StepText:
		if ev.Kind != EventText {
			return refuse(d, ProblemTextExpected)
		}
		text := CleanText(ev.Value)
		if p := checkText(text); p != nil {
			return Result{Draft: d, Problem: p}
		}
		d.Text = text
		return forward(d)

	case StepAttachments:
		switch ev.Kind {
		case EventAttachment:
			return attach(d, ev.Attachment)
		case EventDone:
			return forward(d)
		case EventClear:
			d.Attachments = nil
			return changed(d, EffectNone)
		case EventText:
			return refuse(d, ProblemFileExpected)
		}
		return refuse(d, ProblemAttachmentType)

	case StepContact, StepContactShare:
		switch ev.Kind {
		case EventAnonymous:
			d.Contact = Contact{Anonymous: true}
			return forward(d)
		case EventShare:
			d.Step = StepContactShare
			return changed(d, EffectNone)
		case EventContact:
			// Also at StepContact: a contact sent from the attachment menu
			// is as good as one sent with the button.
			return contact(d, ev)
		}
		if d.Step == StepContactShare {
			return refuse(d, ProblemShareContact)
		}
		return refuse(d, ProblemUseButtons)

	case StepPreview:
		switch ev.Kind {
		case EventEdit:
			d.Step = StepEdit
			return changed(d, EffectNone)
		case EventSend:
			if ev.Value != d.ID || ev.Rev != d.ShownRev() {
				return refuse(d, ProblemStale)
			}
			if p, step := d.Check(env); p != nil {
				d.Step, d.Editing = step, false
				r := changed(d, EffectNone)
				r.Problem = p
				return r
			}
			return Result{Draft: d, Effect: EffectSubmit}
		}
		return refuse(d, ProblemUseButtons)

	case StepEdit:
		if ev.Kind == EventEditField && Step(ev.Value).Editable() {
			d.Step, d.Editing = Step(ev.Value), true
			return changed(d, EffectNone)
		}
		return refuse(d, ProblemUseButtons)
	}
	// A step this version does not know (Decode refuses those): start over
	// at the first step the draft lacks.
	d.Step = d.firstIncomplete(env)
	return changed(d, EffectNone)
}

// buttonFits reports whether a button shown on step on still acts at step
// at: its own step, and the contact step's buttons while the contact is
// asked for (the user may choose "anonymously" on the message above).
func buttonFits(on, at Step) bool {
	return on == at || on == StepContact && at == StepContactShare
}

func refuse(d Draft, code string) Result { return Result{Draft: d, Problem: &Problem{Code: code}} }

// changed returns d as the new state, one revision on.
func changed(d Draft, e Effect) Result {
	d.Rev++
	return Result{Draft: d, Effect: e}
}

// forward moves on after a valid input: to the next step, or back to the
// preview when the input was an edit from it.
func forward(d Draft) Result {
	switch {
	case d.Editing:
		d.Step, d.Editing = StepPreview, false
	case d.Step == StepContact || d.Step == StepContactShare:
		d.Step = StepPreview
	default:
		for i, s := range inputSteps {
			if s == d.Step {
				d.Step = inputSteps[i+1]
				break
			}
		}
	}
	return changed(d, EffectNone)
}

// back goes one step back: to the previous step, to the preview from an
// edit, or out of the dialog from the first step.
func back(d Draft) Result {
	switch {
	case d.Step == StepContactShare:
		d.Step = StepContact // Editing stays: the contact step is still an edit
	case d.Editing:
		d.Step, d.Editing = StepPreview, false
	case d.Step == StepForum || d.Step == StepConsent:
		return Result{Draft: d, Effect: EffectCancel}
	case d.Step == StepPreview:
		d.Step = StepContact
	case d.Step == StepEdit:
		d.Step = StepPreview
	default:
		for i, s := range inputSteps {
			if s == d.Step && i > 0 {
				d.Step = inputSteps[i-1]
				break
			}
		}
	}
	return changed(d, EffectNone)
}

func attach(d Draft, a Attachment) Result {
	if len(d.Attachments) >= MaxAttachments {
		return Result{Draft: d, Problem: &Problem{Code: ProblemTooManyFiles, Len: len(d.Attachments) + 1, Limit: MaxAttachments}}
	}
	for _, x := range d.Attachments {
		if x.UniqueID == a.UniqueID {
			return refuse(d, ProblemDuplicateFile)
		}
	}
	if p := a.Check(); p != nil {
		return Result{Draft: d, Problem: p}
	}
	d.Attachments = append(append([]Attachment(nil), d.Attachments...), a)
	return changed(d, EffectNone)
}

func contact(d Draft, ev Event) Result {
	if !ev.OwnContact {
		return refuse(d, ProblemNotOwnContact)
	}
	c := ev.Contact
	c.Anonymous = false
	if c.Phone == "" {
		return refuse(d, ProblemNoPhone)
	}
	d.Contact = c
	return forward(d)
}

func forumOK(id string, env Env) bool {
	return id == GeneralForum || env.ForumKnown != nil && env.ForumKnown(id)
}

// CleanTitle is a title as stored: one line, single spaces.
func CleanTitle(s string) string { return strings.Join(strings.Fields(s), " ") }

// CleanText is a text as stored: trimmed, with Windows line ends made
// plain.
func CleanText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

func checkTitle(title string) *Problem {
	n := utf8.RuneCountInString(title)
	switch {
	case n < MinTitleRunes:
		return &Problem{Code: ProblemTitleTooShort, Len: n, Limit: MinTitleRunes}
	case n > MaxTitleRunes:
		return &Problem{Code: ProblemTitleTooLong, Len: n, Limit: MaxTitleRunes}
	}
	return nil
}

func checkText(text string) *Problem {
	n := utf8.RuneCountInString(text)
	switch {
	case n < MinTextRunes:
		return &Problem{Code: ProblemTextTooShort, Len: n, Limit: MinTextRunes}
	case n > MaxTextRunes:
		return &Problem{Code: ProblemTextTooLong, Len: n, Limit: MaxTextRunes}
	}
	return nil
}

// Check tells whether d can be sent: the first problem and the step that
// mends it, or nil. A draft written by an older version of the bot, or
// whose forum left the catalog since, may fail it at the preview.
func (d Draft) Check(env Env) (*Problem, Step) {
	switch {
	case !forumOK(d.Forum, env):
		return &Problem{Code: ProblemUnknownForum}, StepForum
	case !d.Category.Valid():
		return &Problem{Code: ProblemUseButtons}, StepCategory
	case !ValidRegion(d.Region):
		return &Problem{Code: ProblemUseButtons}, StepRegion
	}
	if p := checkTitle(d.Title); p != nil {
		return p, StepTitle
	}
	if p := checkText(d.Text); p != nil {
		return p, StepText
	}
	if len(d.Attachments) > MaxAttachments {
		return &Problem{Code: ProblemTooManyFiles, Len: len(d.Attachments), Limit: MaxAttachments}, StepAttachments
	}
	for _, a := range d.Attachments {
		if p := a.Check(); p != nil {
			return p, StepAttachments
		}
	}
	if !d.Contact.Chosen() {
		return &Problem{Code: ProblemUseButtons}, StepContact
	}
	return nil, ""
}

// firstIncomplete is the first input step d lacks, or the preview.
func (d Draft) firstIncomplete(env Env) Step {
	if _, step := d.Check(env); step != "" {
		return step
	}
	return StepPreview
}

// Proposal is the proposal d describes, before storage numbers it.
func (d Draft) Proposal(lang string) Proposal {
	return Proposal{
		Forum:       d.Forum,
		Category:    d.Category,
		Region:      d.Region,
		Title:       d.Title,
		Text:        d.Text,
		Attachments: d.Attachments,
		Anonymous:   d.Contact.Anonymous,
		Lang:        lang,
		TextKey:     TextKey(d.Text),
		Status:      StatusRegistered,
	}
}
