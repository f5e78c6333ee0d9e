package handlers

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/locales"
	"github.com/forumbot/forumbot/storage"
)

// Action is what a button asks for. Every button's callback data is an
// encoded Action, and every callback query is decoded back, strictly:
// anything the bot did not produce (forged or from an older version) is
// refused, never half-understood.
type Action struct {
	Verb string // one of the verbs below
	Arg  string // a forum id, a region code, a year or a language
	Page int    // a page of a list
}

// Verbs of Action. Short, because callback data holds at most 64 bytes.
const (
	VerbMenu      = "m"    // main menu
	VerbHelp      = "help" // help
	VerbLangMenu  = "lm"   // language chooser
	VerbLang      = "l"    // Arg: language
	VerbUpcoming  = "up"   // Page
	VerbPast      = "pa"   // Page
	VerbRegions   = "rs"   // list of regions
	VerbRegion    = "r"    // Arg: region code, Page
	VerbYears     = "ys"   // list of years
	VerbYear      = "y"    // Arg: year ("0" = unknown), Page
	VerbForum     = "f"    // Arg: forum id
	VerbCalendar  = "ics"  // Arg: forum id
	VerbShare     = "sh"   // Arg: forum id
	VerbAwards    = "aw"   // Arg: forum id ("" = overview), Page of the overview
	VerbAwardsY   = "awy"  // Arg: year
	VerbSearch    = "s"    // ask for a search query
	VerbSubscribe = "sub"  // subscribe to news
)

// Verbs of citizens' proposals (proposal.go, proposal_list.go, privacy.go).
// The dialog's buttons carry the step they belong to (Back) or the draft
// and its revision (Send), so a button of an older screen is told apart.
const (
	VerbPropose         = "pn"  // start a proposal
	VerbConsentYes      = "cy"  // accept the terms of personal data
	VerbConsentNo       = "cn"  // decline them
	VerbPrivacy         = "pv"  // show the terms (/privacy)
	VerbForget          = "fg"  // ask to confirm /forgetme
	VerbForgetYes       = "fgy" // /forgetme confirmed
	VerbPropForum       = "pf"  // Arg: forum id or "general"
	VerbPropCat         = "pc"  // Arg: category
	VerbPropRegion      = "pr"  // Arg: region code
	VerbPropDone        = "pd"  // attachments: go on
	VerbPropClear       = "pz"  // attachments: remove them
	VerbPropAnon        = "pan" // contact: anonymous
	VerbPropShare       = "pk"  // contact: name and phone
	VerbPropBack        = "pb"  // Arg: the step the button is on
	VerbPropCancel      = "px"  // drop the draft
	VerbPropEdit        = "pe"  // preview: what to change
	VerbPropEditF       = "pef" // Arg: the step to change
	VerbPropSend        = "ps"  // Arg: draft id, Page: its revision
	VerbMyProps         = "my"  // Page
	VerbPropOpen        = "po"  // Arg: proposal number
	VerbPropWithdraw    = "pw"  // Arg: proposal number
	VerbPropWithdrawYes = "pwy" // Arg: proposal number
)

// verbArgs says which parts each verb carries: "" nothing, "a" Arg, "n"
// Page, "an" both.
var verbArgs = map[string]string{
	VerbMenu: "", VerbHelp: "", VerbLangMenu: "", VerbLang: "a",
	VerbUpcoming: "n", VerbPast: "n", VerbRegions: "", VerbRegion: "an",
	VerbYears: "", VerbYear: "an", VerbForum: "a", VerbCalendar: "a", VerbShare: "a",
	VerbAwards: "an", VerbAwardsY: "a", VerbSearch: "", VerbSubscribe: "",

	VerbPropose: "", VerbConsentYes: "", VerbConsentNo: "", VerbPrivacy: "", VerbForget: "", VerbForgetYes: "",
	VerbPropForum: "a", VerbPropCat: "a", VerbPropRegion: "a", VerbPropDone: "", VerbPropClear: "",
	VerbPropAnon: "", VerbPropShare: "", VerbPropBack: "a", VerbPropCancel: "", VerbPropEdit: "",
	VerbPropEditF: "a", VerbPropSend: "an", VerbMyProps: "n", VerbPropOpen: "a",
	VerbPropWithdraw: "a", VerbPropWithdrawYes: "a",

	VerbSubScreen: "", VerbSubTopic: "a", VerbSubRegion: "", VerbSubSetReg: "a", VerbSubForums: "n",
	VerbSubForum: "an", VerbSubNone: "",

	VerbBcVersion: "a", VerbBcAudience: "a", VerbBcLang: "a", VerbBcRegion: "a", VerbBcForum: "a",
	VerbBcSend: "", VerbBcAt: "", VerbBcCron: "", VerbBcConfirm: "", VerbBcDiscard: "", VerbBcBack: "",
	VerbBcPause: "a", VerbBcResume: "a", VerbBcCancel: "a",
	VerbSchedList: "n", VerbSchedPause: "a", VerbSchedRes: "a", VerbSchedDel: "a", VerbSchedDelY: "a",
	VerbAwardForum: "a", VerbAwardCont: "an", VerbAwardConf: "",

	VerbOrgInbox: "n", VerbOrgFilter: "an", VerbOrgFStatus: "a", VerbOrgFRegion: "a", VerbOrgFCat: "a",
	VerbOrgFForum: "a", VerbOrgFDue: "a", VerbOrgFReset: "", VerbOrgOpen: "a", VerbOrgCard: "a",
	VerbOrgStatus: "a", VerbOrgMoveAsk: "a", VerbOrgMove: "a", VerbOrgAnswer: "a", VerbOrgAnswerOK: "a",
	VerbOrgExport: "", VerbOrgAudit: "a", VerbOrgRevoke: "a",
}

// ErrBadCallback is returned for callback data the bot did not make.
var ErrBadCallback = errors.New("callback data not understood")

var forumIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// Broadcast job and schedule ids (broadcast.go, schedule.go).
var (
	jobIDRE      = regexp.MustCompile(`^[1-9][0-9]{0,17}$`)
	scheduleIDRE = regexp.MustCompile(`^(?:[1-9][0-9]{0,17}|sys-[a-z]{1,20})$`)
)

// maxCallbackData is Telegram's limit on callback_data, in bytes.
const maxCallbackData = 64

// Encode writes the action as callback data: verb, then the parts the verb
// carries, separated by ":".
func (a Action) Encode() string {
	parts := []string{a.Verb}
	spec := verbArgs[a.Verb]
	if strings.Contains(spec, "a") {
		parts = append(parts, a.Arg)
	}
	if strings.Contains(spec, "n") {
		parts = append(parts, strconv.Itoa(a.Page))
	}
	return strings.Join(parts, ":")
}

// DecodeAction parses callback data made by Encode and checks every part.
func DecodeAction(data string) (Action, error) {
	if data == "" || len(data) > maxCallbackData {
		return Action{}, ErrBadCallback
	}
	parts := strings.Split(data, ":")
	spec, ok := verbArgs[parts[0]]
	if !ok || len(parts) != 1+len(spec) {
		return Action{}, ErrBadCallback
	}
	a := Action{Verb: parts[0]}
	i := 1
	if strings.Contains(spec, "a") {
		a.Arg = parts[i]
		i++
	}
	if strings.Contains(spec, "n") {
		n, err := strconv.Atoi(parts[i])
		if err != nil || n < 0 || n > 999 || parts[i] != strconv.Itoa(n) {
			return Action{}, ErrBadCallback
		}
		a.Page = n
	}
	if !a.valid() {
		return Action{}, ErrBadCallback
	}
	return a, nil
}

func (a Action) valid() bool {
	switch a.Verb {
	case VerbLang:
		return locales.IsSupported(a.Arg)
	case VerbRegion:
		_, ok := catalog.RegionByCode(a.Arg)
		return ok
	case VerbYear:
		y, ok := yearArg(a.Arg)
		return ok && (y == 0 || y >= 1991)
	case VerbAwardsY:
		y, ok := yearArg(a.Arg)
		return ok && y >= 1991
	case VerbForum, VerbCalendar, VerbShare:
		return forumIDRE.MatchString(a.Arg)
	case VerbAwards:
		return a.Arg == "" || forumIDRE.MatchString(a.Arg)
	case VerbPropForum:
		return forumIDRE.MatchString(a.Arg)
	case VerbPropCat:
		return proposal.Category(a.Arg).Valid()
	case VerbPropRegion:
		return proposal.ValidRegion(a.Arg)
	case VerbPropBack:
		return proposal.Step(a.Arg).Valid()
	case VerbPropEditF:
		return proposal.Step(a.Arg).Editable()
	case VerbPropSend:
		return proposal.ValidDraftID(a.Arg) && a.Page < proposal.RevModulus
	case VerbPropOpen, VerbPropWithdraw, VerbPropWithdrawYes:
		_, _, ok := proposal.ParseNumber(a.Arg)
		return ok
	case VerbSubTopic:
		return a.Arg == topicAnnouncements || a.Arg == topicAwards
	case VerbSubSetReg:
		_, ok := catalog.RegionByCode(a.Arg)
		return ok || a.Arg == regionAll
	case VerbSubForum, VerbBcForum, VerbAwardForum, VerbAwardCont:
		return forumIDRE.MatchString(a.Arg)
	case VerbBcVersion, VerbBcLang:
		return locales.IsSupported(a.Arg)
	case VerbBcRegion:
		_, ok := catalog.RegionByCode(a.Arg)
		return ok
	case VerbBcAudience:
		switch a.Arg {
		case storage.AudienceAll, storage.AudienceOrganizers, storage.AudienceLang, storage.AudienceRegion, storage.AudienceForum:
			return true
		}
		return false
	case VerbBcPause, VerbBcResume, VerbBcCancel:
		return jobIDRE.MatchString(a.Arg)
	case VerbSchedPause, VerbSchedRes, VerbSchedDel, VerbSchedDelY:
		return scheduleIDRE.MatchString(a.Arg)
	}
	if organizerVerbs[a.Verb] {
		return validOrganizerAction(a)
	}
	return true
}

// yearArg reads a year argument: 0 (unknown) or 1991..2100, written
// canonically.
func yearArg(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && n <= 2100 && strconv.Itoa(n) == s
}

// Shorthands for building buttons' actions.
func act(verb string) Action                  { return Action{Verb: verb} }
func actArg(verb, arg string) Action          { return Action{Verb: verb, Arg: arg} }
func actPage(verb string, page int) Action    { return Action{Verb: verb, Page: page} }
func actIn(verb, arg string, page int) Action { return Action{Verb: verb, Arg: arg, Page: page} }
