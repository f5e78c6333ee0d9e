// Package proposal is the domain of citizens' proposals to the civil
// forums: what a proposal is (Proposal, Status, Category, Attachment,
// Contact), the consent its author gives (Consent), the numbers proposals
// get (AF-2026-000123) and the dialog that collects one (Draft, Apply). It
// knows nothing about Telegram or Redis: handlers turn updates into Events
// and show Drafts; storage keeps Proposals.
//
// The organizer side (inbox, answers, status changes, export) builds on
// the same types: Status and its transitions (CanMove), Proposal.Answer,
// and Author kept apart from the proposal so that it can be forgotten.
package proposal

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/forumbot/forumbot/bot/catalog"
)

// Limits of a proposal. The dialog tells each of them before the user can
// hit it.
const (
	MinTitleRunes  = 3
	MaxTitleRunes  = 120
	MinTextRunes   = 20
	MaxTextRunes   = 4000
	MaxAttachments = 3
	// MaxPhotoBytes is Telegram's own limit on a photo.
	MaxPhotoBytes = 10 << 20
	// MaxDocumentBytes is the largest file a bot can download (getFile), so
	// that organizers can open every attachment.
	MaxDocumentBytes = 20 << 20
	// DefaultDailyLimit is how many proposals one user may send in
	// LimitWindow (PROPOSAL_LIMIT).
	DefaultDailyLimit = 5
	LimitWindow       = 24 * time.Hour
	// maxNameRunes bounds a contact's name (Telegram allows 64 + 64).
	maxNameRunes = 130
)

// GeneralForum is the forum of a proposal that concerns no particular
// forum of the catalog.
const GeneralForum = "general"

// Status is where a proposal stands. The author sees it in "My proposals";
// organizers move it along (see CanMove).
type Status string

// Statuses of a proposal.
const (
	StatusRegistered        Status = "registered"
	StatusUnderReview       Status = "under_review"
	StatusAccepted          Status = "accepted"
	StatusPartiallyAccepted Status = "partially_accepted"
	StatusRejected          Status = "rejected"
	StatusImplemented       Status = "implemented"
	StatusWithdrawn         Status = "withdrawn" // by its author
)

// Statuses lists every status, in the order of a proposal's life.
var Statuses = []Status{
	StatusRegistered, StatusUnderReview, StatusAccepted, StatusPartiallyAccepted,
	StatusRejected, StatusImplemented, StatusWithdrawn,
}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// transitions are the moves a status may make; a status not listed is final.
var transitions = map[Status][]Status{
	StatusRegistered:        {StatusUnderReview, StatusAccepted, StatusPartiallyAccepted, StatusRejected, StatusWithdrawn},
	StatusUnderReview:       {StatusAccepted, StatusPartiallyAccepted, StatusRejected, StatusWithdrawn},
	StatusAccepted:          {StatusImplemented},
	StatusPartiallyAccepted: {StatusImplemented},
}

// CanMove reports whether a proposal in status from may move to to.
func CanMove(from, to Status) bool { return slices.Contains(transitions[from], to) }

// WithdrawableStatuses are the statuses an author may withdraw a proposal
// from (when it has no answer yet), in the order of Statuses.
func WithdrawableStatuses() []Status {
	var out []Status
	for _, s := range Statuses {
		if CanMove(s, StatusWithdrawn) {
			out = append(out, s)
		}
	}
	return out
}

// Category is what a proposal is about.
type Category string

// Categories of a proposal.
const (
	CategorySocial       Category = "social"        // social support
	CategoryYouth        Category = "youth"         // youth policy
	CategoryCultureSport Category = "culture_sport" // culture and sport
	CategoryEducation    Category = "education"
	CategoryHealth       Category = "health"
	CategoryEcology      Category = "ecology"
	CategoryLocalGov     Category = "local_gov" // local self-government
	CategoryNGO          Category = "ngo"       // NGO development and volunteering
	CategoryOther        Category = "other"
)

// Categories lists every category in the order they are offered.
var Categories = []Category{
	CategorySocial, CategoryYouth, CategoryCultureSport, CategoryEducation, CategoryHealth,
	CategoryEcology, CategoryLocalGov, CategoryNGO, CategoryOther,
}

// Valid reports whether c is one of Categories.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// ValidRegion reports whether code is one of the 17 regions or the three
// cities of republican significance.
func ValidRegion(code string) bool {
	_, ok := catalog.RegionByCode(code)
	return ok
}

// AttachmentKind is what a user attached.
type AttachmentKind string

// Kinds of attachment.
const (
	KindPhoto    AttachmentKind = "photo"
	KindDocument AttachmentKind = "document"
)

// Attachment is a file kept by Telegram, referred to by its file id.
type Attachment struct {
	Kind     AttachmentKind `json:"k"`
	FileID   string         `json:"id"`
	UniqueID string         `json:"u"`
	Size     int64          `json:"s,omitempty"` // bytes; 0 when Telegram did not say
	Name     string         `json:"n,omitempty"` // a document's file name
	MIME     string         `json:"m,omitempty"` // a document's MIME type
}

// documentTypes are the file name extensions a document may have, with
// their MIME types: office documents, PDF, plain text and images.
var documentTypes = map[string]string{
	".pdf":  "application/pdf",
	".doc":  "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".odt":  "application/vnd.oasis.opendocument.text",
	".rtf":  "application/rtf",
	".txt":  "text/plain",
	".xls":  "application/vnd.ms-excel",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".ppt":  "application/vnd.ms-powerpoint",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".png":  "image/png",
}

// DocumentExtensions lists the accepted extensions of a document, for the
// message that tells them.
func DocumentExtensions() []string {
	out := make([]string, 0, len(documentTypes))
	for ext := range documentTypes {
		if ext != ".jpeg" {
			out = append(out, strings.ToUpper(ext[1:]))
		}
	}
	slices.Sort(out)
	return out
}

func documentTypeOK(name, mime string) bool {
	if name != "" {
		_, ok := documentTypes[strings.ToLower(path.Ext(name))]
		return ok
	}
	for _, m := range documentTypes {
		if strings.EqualFold(m, mime) {
			return true
		}
	}
	return false
}

// Check tells what is wrong with an attachment: an unknown kind, no file
// id, a file too large, or a document of a type organizers may not be able
// to open.
func (a Attachment) Check() *Problem {
	switch {
	case a.FileID == "" || a.UniqueID == "":
		return &Problem{Code: ProblemAttachmentType}
	case a.Kind == KindPhoto:
		if a.Size > MaxPhotoBytes {
			return &Problem{Code: ProblemPhotoTooLarge, Len: megabytes(a.Size), Limit: MaxPhotoBytes >> 20}
		}
	case a.Kind == KindDocument:
		if a.Size > MaxDocumentBytes {
			return &Problem{Code: ProblemDocumentTooLarge, Len: megabytes(a.Size), Limit: MaxDocumentBytes >> 20}
		}
		if !documentTypeOK(a.Name, a.MIME) {
			return &Problem{Code: ProblemDocumentType}
		}
	default:
		return &Problem{Code: ProblemAttachmentType}
	}
	return nil
}

// megabytes rounds up, so a file just over the limit never reads as equal
// to it.
func megabytes(n int64) int { return int((n + 1<<20 - 1) >> 20) }

// Contact is how the author may be reached: anonymously (organizers see
// only the proposal), or by the name and phone number of their own
// Telegram contact.
type Contact struct {
	Anonymous bool
	Name      string
	Phone     string
}

// Chosen reports whether the author made a choice.
func (c Contact) Chosen() bool { return c.Anonymous || c.Phone != "" }

// NewContact makes a named contact from what Telegram sends: the phone
// number in international form, the name trimmed and bounded.
func NewContact(firstName, lastName, phone string) Contact {
	name := strings.Join(strings.Fields(firstName+" "+lastName), " ")
	if r := []rune(name); len(r) > maxNameRunes {
		name = string(r[:maxNameRunes])
	}
	return Contact{Name: name, Phone: NormalizePhone(phone)}
}

// NormalizePhone keeps the digits of a phone number, with a leading "+":
// Telegram sends "77011234567" or "+7 701 123 45 67" alike. It returns ""
// when there are no digits.
func NormalizePhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "+" + b.String()
}

// Author is who sent a proposal, kept apart from it, for the organizers
// only. Name, Phone and Username are empty for an anonymous proposal; the
// user and chat ids stay so the author can follow it (and be told of an
// answer). /forgetme deletes the whole Author.
type Author struct {
	UserID   int64
	ChatID   int64
	Name     string
	Phone    string
	Username string
}

// Proposal is one registered proposal, without its author.
type Proposal struct {
	Number      string // AF-2026-000123
	Year, Seq   int
	Forum       string // a forum id of the catalog, or GeneralForum
	Category    Category
	Region      string // a region code of the catalog
	Title       string
	Text        string
	Attachments []Attachment
	Anonymous   bool
	Lang        string // the language the author wrote in
	TextKey     string // TextKey(Text), for the author's duplicate check
	Status      Status
	Answer      string    // the organizers' answer, "" until they give one
	AnsweredAt  time.Time // zero until answered
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// AuthorForgotten reports that the author withdrew consent (/forgetme):
	// the proposal stays, its author is gone.
	AuthorForgotten bool
}

// CanWithdraw reports whether the author may still withdraw p: its status
// allows it and organizers have not answered.
func (p *Proposal) CanWithdraw() bool {
	return CanMove(p.Status, StatusWithdrawn) && p.Answer == ""
}

// NumberPrefix starts every proposal number ("AF": азаматтық форум).
const NumberPrefix = "AF"

// NumberYearPrefix is the part of a number before the sequence: "AF-2026-".
func NumberYearPrefix(year int) string { return fmt.Sprintf("%s-%04d-", NumberPrefix, year) }

// FormatNumber writes the number of the seq-th proposal of year:
// AF-2026-000123. Sequences past 999999 take more digits.
func FormatNumber(year, seq int) string {
	return NumberYearPrefix(year) + fmt.Sprintf("%06d", seq)
}

// ParseNumber reads a number written by FormatNumber, strictly: anything
// else (another prefix, lower case, missing zeros) is refused.
func ParseNumber(s string) (year, seq int, ok bool) {
	rest, found := strings.CutPrefix(s, NumberPrefix+"-")
	if !found || len(rest) < 4+1+6 || len(rest) > 4+1+9 || rest[4] != '-' {
		return 0, 0, false
	}
	year, err1 := strconv.Atoi(rest[:4])
	seq, err2 := strconv.Atoi(rest[5:])
	if err1 != nil || err2 != nil || year < 2000 || seq < 1 || FormatNumber(year, seq) != s {
		return 0, 0, false
	}
	return year, seq, true
}

// TextKey is the key of a proposal's text for the author's duplicate
// check: texts that differ only in case, punctuation, spacing or the
// spelling catalog.Fold evens out (Kazakh letters, Latin or Cyrillic) have
// the same key. It is a hash, so an index of keys holds no text.
func TextKey(text string) string {
	sum := sha256.Sum256([]byte(catalog.Fold(text)))
	return hex.EncodeToString(sum[:16])
}

// ConsentVersion is the version of the terms the bot shows; a user who
// accepted an older version is asked again.
const ConsentVersion = "1"

// Consent is a user's acceptance of the terms of ConsentVersion.
type Consent struct {
	Version string
	At      time.Time
	Lang    string // the language the terms were shown in
}

// Current reports whether c is an acceptance of the terms in force.
func (c Consent) Current() bool { return c.Version == ConsentVersion }
