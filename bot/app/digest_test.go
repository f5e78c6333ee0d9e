package app_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/handlers"
)

// TestDigestFromProposals: the organizers' morning digest lists what came
// in since the previous working morning, what is due soon and what is
// overdue, from the proposals in Redis.
func TestDigestFromProposals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cal := proposal.NewCalendar(h.cfg.Holidays, h.cfg.AnswerDays, almatyLoc)
	// Monday 2026-11-23, 09:00 in Almaty; testNow is the Saturday before.
	monday := time.Date(2026, 11, 23, 9, 0, 0, 0, almatyLoc)
	soonDays := 0
	for d := 5; d < 40; d++ {
		if dl := cal.DeadlineAt(testNow.AddDate(0, 0, -d), monday); dl.Soon && !dl.Overdue {
			soonDays = d
			break
		}
	}
	if soonDays == 0 {
		t.Fatal("no registration day is due soon on Monday")
	}
	contact := proposal.Contact{Anonymous: true}
	fresh := h.seedProposal(9901, 1, 1, "almaty", proposal.Category("youth"), "general", "Жаңа ұсыныс", "Жаңа ұсыныстың мәтіні: саябаққа орындықтар.", contact)
	soon := h.seedProposal(9902, 2, soonDays, "almaty", proposal.Category("youth"), "general", "Мерзімі жақын", "Мерзімі жақын ұсыныстың мәтіні: кітапхана ашу.", contact)
	late := h.seedProposal(9903, 3, 45, "almaty", proposal.Category("youth"), "general", "Мерзімі өткен", "Мерзімі өткен ұсыныстың мәтіні: жолды жөндеу.", contact)

	d, err := (&handlers.ProposalDigest{Store: h.store, Calendar: cal}).Digest(context.Background(), monday)
	if err != nil {
		t.Fatal(err)
	}
	has := func(part string, items []string, want string) {
		if !slices.Contains(items, want) {
			t.Errorf("%s: %v lacks %s", part, items, want)
		}
	}
	var newN, dueN, overN []string
	for _, it := range d.New {
		newN = append(newN, it.Number)
	}
	for _, it := range d.Due {
		dueN = append(dueN, it.Number)
	}
	for _, it := range d.Overdue {
		overN = append(overN, it.Number)
	}
	has("new", newN, fresh)
	has("due soon", dueN, soon)
	has("overdue", overN, late)
	if slices.Contains(newN, late) || slices.Contains(overN, fresh) || slices.Contains(dueN, late) {
		t.Errorf("a proposal in the wrong part: new %v, due %v, overdue %v", newN, dueN, overN)
	}
	if d.NewCount != 1 || d.OverdueCount != 1 || d.DueCount != len(d.Due) {
		t.Errorf("counts: new %d, due %d, overdue %d", d.NewCount, d.DueCount, d.OverdueCount)
	}
	for _, it := range d.Overdue {
		if !it.Due.Before(monday) {
			t.Errorf("overdue %s is due %v, not before Monday", it.Number, it.Due)
		}
	}
}

func TestNoDigestOnAPublicHoliday(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cal := proposal.NewCalendar(h.cfg.Holidays, h.cfg.AnswerDays, almatyLoc)
	h.seedProposal(9911, 11, 45, "almaty", proposal.Category("youth"), "general", "Мерзімі өткен", "Мерзімі өткен ұсыныстың мәтіні: жолды жөндеу.", proposal.Contact{Anonymous: true})
	// Wednesday 16 December 2026, Independence Day.
	holiday := time.Date(2026, 12, 16, 9, 0, 0, 0, almatyLoc)
	if cal.Working(proposal.DayOf(holiday, almatyLoc)) {
		t.Fatal("16 December should be a public holiday in the default calendar")
	}
	d, err := (&handlers.ProposalDigest{Store: h.store, Calendar: cal}).Digest(context.Background(), holiday)
	if err != nil || !d.Empty() {
		t.Errorf("digest on a holiday: %+v, %v; want none", d, err)
	}
	// The next working morning reports the overdue proposal.
	d, err = (&handlers.ProposalDigest{Store: h.store, Calendar: cal}).Digest(context.Background(), holiday.AddDate(0, 0, 1))
	if err != nil || d.OverdueCount != 1 {
		t.Errorf("digest the day after: %+v, %v; want one overdue", d, err)
	}
}
