package handlers

import (
	"context"
	"time"

	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/bot/schedule"
	"github.com/forumbot/forumbot/storage"
)

// digestItems is how many proposals each part of the morning digest lists;
// the counts cover them all.
const digestItems = 15

// ProposalDigest feeds the organizers' morning digest (schedule.Digest)
// from the proposals: those registered since the previous working morning,
// those due within proposal.SoonDays working days, and the overdue ones.
type ProposalDigest struct {
	Store    *storage.Store
	Calendar *proposal.Calendar
}

// Digest gathers the digest as it stands at now (the 09:00 slot); on a
// public holiday it is empty, so none is sent.
func (p *ProposalDigest) Digest(ctx context.Context, now time.Time) (schedule.Digest, error) {
	var d schedule.Digest
	if !p.Calendar.Working(proposal.DayOf(now, p.Calendar.Location)) {
		// The scheduler's slot is Monday to Friday; a public holiday is
		// no working day either: nothing to send, the next working
		// morning's digest covers it.
		return d, nil
	}
	q := storage.ProposalQuery{
		OverdueBefore: p.Calendar.OverdueBefore(now),
		SoonBefore:    p.Calendar.DueSoonBefore(now),
	}
	item := func(it storage.InboxItem) schedule.DigestItem {
		return schedule.DigestItem{Number: it.Number, Title: it.Title, Due: p.Calendar.Due(it.Registered).Start(p.Calendar.Location)}
	}

	// Overdue and due soon: the inbox's own filters, oldest first.
	for _, part := range []struct {
		due   string
		items *[]schedule.DigestItem
		count *int
	}{{storage.DueOverdue, &d.Overdue, &d.OverdueCount}, {storage.DueSoon, &d.Due, &d.DueCount}} {
		q.Filter = storage.ProposalFilter{Status: storage.FilterTodo, Due: part.due}
		page, err := p.Store.Inbox(ctx, q, 0, digestItems)
		if err != nil {
			return d, err
		}
		*part.count = page.Total
		for _, it := range page.Items {
			*part.items = append(*part.items, item(it))
		}
	}

	// New: registered since the previous working day's morning. The
	// inbox lists oldest first, so the newest are on its last page.
	since := p.previousMorning(now)
	q.Filter = storage.ProposalFilter{Status: string(proposal.StatusRegistered)}
	first, err := p.Store.Inbox(ctx, q, 0, 0)
	if err != nil {
		return d, err
	}
	const window = 200
	page, err := p.Store.Inbox(ctx, q, max(0, first.Total-window), window)
	if err != nil {
		return d, err
	}
	for _, it := range page.Items {
		if it.Registered.Before(since) {
			continue
		}
		d.NewCount++
		if len(d.New) < digestItems {
			d.New = append(d.New, item(it))
		}
	}
	return d, nil
}

// previousMorning is 09:00 of the working day before now's day: Monday's
// digest covers the weekend too.
func (p *ProposalDigest) previousMorning(now time.Time) time.Time {
	loc := p.Calendar.Location
	day := proposal.DayOf(now, loc).AddDays(-1)
	for i := 0; i < 30 && !p.Calendar.Working(day); i++ {
		day = day.AddDays(-1)
	}
	return day.Start(loc).Add(9 * time.Hour)
}
