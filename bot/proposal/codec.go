package proposal

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A draft lives in the chat's session as a dialog step name and a map of
// strings (storage.Session's Dialog and Data), versioned so that a deploy
// does not break the dialogs in progress:
//
//   - Adding a field, a step or a category needs no new version: a field a
//     draft lacks reads as empty, an unknown one is ignored, and a draft
//     whose values no longer pass (a category removed, say) is sent back
//     to the step that mends it by Draft.Check at the preview.
//   - Changing what a field means takes a new DraftFormat, and Decode must
//     then turn the previous format into the new one; the golden test in
//     codec_test.go holds a draft of every format ever written and fails
//     until it does.
//   - A draft of a format this version does not know (written by a newer
//     bot, during a rollback) is refused with ErrDraftFormat; the user is
//     told it cannot be continued, rather than seeing it half read.
//
// Format 1, the fields of the map:
//
//	v       "1"
//	id      the draft's id (DraftIDLen lowercase hex digits)
//	rev     revision, decimal
//	edit    "1" while an edit from the preview is under way
//	forum   forum id or "general"
//	cat     category
//	region  region code
//	title   title
//	text    text
//	att     attachments, a JSON array of Attachment
//	anon    "1" for an anonymous contact
//	name    contact name
//	phone   contact phone
//
// A field that is not set is absent.

// DraftFormat is the version of the format Encode writes.
const DraftFormat = 1

// DialogPrefix starts the session's dialog step name of every proposal
// step: "proposal.title".
const DialogPrefix = "proposal."

// DraftIDLen is the length of a draft id.
const DraftIDLen = 12

var draftIDRE = regexp.MustCompile(`^[0-9a-f]{12}$`)

// ValidDraftID reports whether id has the form of a draft id.
func ValidDraftID(id string) bool { return draftIDRE.MatchString(id) }

// ErrDraftFormat is returned for a draft this version cannot read.
var ErrDraftFormat = errors.New("proposal: draft in an unknown format")

// IsDialog reports whether a session's dialog step is a proposal's.
func IsDialog(dialog string) bool { return strings.HasPrefix(dialog, DialogPrefix) }

// Encode writes d as a session's dialog step and data.
func (d Draft) Encode() (dialog string, data map[string]string) {
	data = map[string]string{"v": strconv.Itoa(DraftFormat), "id": d.ID, "rev": strconv.Itoa(d.Rev)}
	set := func(k, v string) {
		if v != "" {
			data[k] = v
		}
	}
	if d.Editing {
		data["edit"] = "1"
	}
	set("forum", d.Forum)
	set("cat", string(d.Category))
	set("region", d.Region)
	set("title", d.Title)
	set("text", d.Text)
	if len(d.Attachments) > 0 {
		b, err := json.Marshal(d.Attachments)
		if err != nil {
			panic(err) // strings and numbers only: cannot happen
		}
		data["att"] = string(b)
	}
	if d.Contact.Anonymous {
		data["anon"] = "1"
	}
	set("name", d.Contact.Name)
	set("phone", d.Contact.Phone)
	return DialogPrefix + string(d.Step), data
}

// Decode reads a draft written by Encode of this or an older version.
func Decode(dialog string, data map[string]string) (Draft, error) {
	step, ok := strings.CutPrefix(dialog, DialogPrefix)
	if !ok {
		return Draft{}, fmt.Errorf("%w: dialog %q is not a proposal's", ErrDraftFormat, dialog)
	}
	if data["v"] != strconv.Itoa(DraftFormat) {
		return Draft{}, fmt.Errorf("%w: version %q", ErrDraftFormat, data["v"])
	}
	d := Draft{
		ID:       data["id"],
		Step:     Step(step),
		Editing:  data["edit"] == "1",
		Forum:    data["forum"],
		Category: Category(data["cat"]),
		Region:   data["region"],
		Title:    data["title"],
		Text:     data["text"],
		Contact:  Contact{Anonymous: data["anon"] == "1", Name: data["name"], Phone: data["phone"]},
	}
	if !d.Step.Valid() {
		return Draft{}, fmt.Errorf("%w: step %q", ErrDraftFormat, step)
	}
	if !ValidDraftID(d.ID) {
		return Draft{}, fmt.Errorf("%w: draft id", ErrDraftFormat)
	}
	var err error
	if d.Rev, err = strconv.Atoi(data["rev"]); err != nil || d.Rev < 0 {
		return Draft{}, fmt.Errorf("%w: revision", ErrDraftFormat)
	}
	if att := data["att"]; att != "" {
		if err := json.Unmarshal([]byte(att), &d.Attachments); err != nil {
			return Draft{}, fmt.Errorf("%w: attachments: %v", ErrDraftFormat, err)
		}
	}
	return d, nil
}
