// Package schedule runs what fires on a schedule: broadcasts an organizer
// scheduled or repeats on a cron expression, award series (one nomination
// per slot), the forums' reminders (a day and an hour before) and the
// organizers' digest (working days at 09:00). All times are Asia/Almaty.
//
// Schedules live in Redis (storage.Schedule). Every process runs a
// Scheduler; each slot of each schedule is claimed by exactly one of them
// (storage.FireSchedule), which creates the slot's broadcast job in the
// same step, so a crash cannot lose it and a restart cannot repeat it.
// After downtime, a missed slot within the grace window runs once; older
// ones are recorded as skipped, logged and told to the organizers.
//
// Cron expressions are read and stepped by robfig/cron's parser and
// schedules; every firing runs under robfig/cron's panic recovery.
package schedule

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/storage"
)

// Kinds of schedule.
const (
	KindBroadcast = "broadcast" // an organizer's message, scheduled or repeated
	KindAwards    = "awards"    // an award series
	KindReminders = "reminders" // the bot's own: forums' reminders, every minute
	KindDigest    = "digest"    // the bot's own: the organizers' digest
)

// The bot's own schedules.
const (
	RemindersID   = "sys-reminders"
	RemindersSpec = "* * * * *"
	DigestID      = "sys-digest"
	DigestSpec    = "0 9 * * 1-5"
)

// BroadcastPayload is what a broadcast schedule sends.
type BroadcastPayload struct {
	Copies   map[string]string `json:"copies"` // language -> "chat:message"
	Audience string            `json:"aud"`
	Members  []int64           `json:"members,omitempty"`
}

// AwardsPayload names an award series: one forum's contest.
type AwardsPayload struct {
	Forum   string `json:"forum"`
	Contest string `json:"contest"` // ContestKey of the contest
}

// ContestKey identifies a contest among a forum's awards.
func ContestKey(t catalog.Text) string { return t.KK + "|" + t.RU + "|" + t.EN }

// Nominations are the awards of a forum's contest, in catalog order.
func Nominations(f *catalog.Forum, contest string) []catalog.Award {
	var out []catalog.Award
	for _, a := range f.Awards {
		if ContestKey(a.Contest) == contest {
			out = append(out, a)
		}
	}
	return out
}

// Clock is the scheduler's time: the real one, or a fake in tests.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// RealClock is the wall clock.
var RealClock Clock = realClock{}

// Notifier tells an organizer something (a skipped slot), in HTML.
type Notifier interface {
	Notify(ctx context.Context, chatID int64, lang string, n Notice)
}

// Notice is what a Notifier is told.
type Notice struct {
	Schedule storage.Schedule
	Skipped  int
	Last     time.Time // the last skipped slot
}

// Texts writes what the bot's own schedules send, in each language; the
// handlers implement it with the locales.
type Texts interface {
	Award(lang string, f *catalog.Forum, a catalog.Award, n, of int) string
	Reminder(lang string, f *catalog.Forum, start time.Time, hourBefore bool) string
	Digest(lang string, d Digest) string
}

// DigestItem is a proposal in the organizers' digest.
type DigestItem struct {
	Number string
	Title  string
	Due    time.Time
}

// Digest is the organizers' morning digest. The lists may be cut short;
// the counts say how many there are in all (a count below its list's
// length means the list is whole).
type Digest struct {
	New, Due, Overdue                []DigestItem
	NewCount, DueCount, OverdueCount int
}

// Empty reports whether there is nothing to tell.
func (d Digest) Empty() bool {
	return max(len(d.New), d.NewCount)+max(len(d.Due), d.DueCount)+max(len(d.Overdue), d.OverdueCount) == 0
}

// DigestSource gathers the digest. NoProposals is the source until the
// proposals work gives organizers deadlines to keep.
type DigestSource interface {
	Digest(ctx context.Context, now time.Time) (Digest, error)
}

// NoProposals is a DigestSource with nothing to report: no digest is sent.
type NoProposals struct{}

// Digest returns an empty digest.
func (NoProposals) Digest(context.Context, time.Time) (Digest, error) { return Digest{}, nil }

// Config tunes a Scheduler.
type Config struct {
	Location   *time.Location
	Grace      time.Duration // a missed slot younger than this still runs (SCHEDULE_GRACE)
	Organizers []int64       // who gets the digest and the notices of the bot's own schedules
	// OrganizerIDs, when set, is asked for them at each use instead (the
	// admins and the organizers granted since start).
	OrganizerIDs func(ctx context.Context) []int64
	Reload       time.Duration // how often schedules are re-read at the latest
}

// Scheduler fires schedules. Several may run against one Redis.
type Scheduler struct {
	store    *storage.Store
	cfg      Config
	clock    Clock
	log      *slog.Logger
	texts    Texts
	notifier Notifier
	digest   DigestSource
	// Wake, when set, is called after a slot created a broadcast job (the
	// engine's Wake).
	Wake func()

	kick  chan struct{}
	chain cron.Chain
	mu    sync.Mutex // one Tick at a time
}

// New makes a scheduler.
func New(store *storage.Store, cfg Config, clock Clock, texts Texts, notifier Notifier, digest DigestSource, log *slog.Logger) *Scheduler {
	if clock == nil {
		clock = RealClock
	}
	if cfg.Grace <= 0 {
		cfg.Grace = 6 * time.Hour
	}
	if cfg.Reload <= 0 {
		cfg.Reload = 30 * time.Second
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if digest == nil {
		digest = NoProposals{}
	}
	return &Scheduler{
		store: store, cfg: cfg, clock: clock, log: log, texts: texts, notifier: notifier, digest: digest,
		kick:  make(chan struct{}, 1),
		chain: cron.NewChain(cron.Recover(cronLogger{log})),
	}
}

// cronLogger gives robfig/cron's Recover our logger.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Info("schedule: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("schedule: "+msg, append(kv, "err", err)...)
}

// Kick makes a running scheduler look at its schedules now (one was
// created or changed).
func (s *Scheduler) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// EnsureSystem stores the bot's own schedules (reminders, digest) if they
// are missing, leaving their state alone when they are there.
func (s *Scheduler) EnsureSystem(ctx context.Context) error {
	now := s.clock.Now()
	for _, n := range []storage.NewSchedule{
		{ID: RemindersID, Kind: KindReminders, Spec: RemindersSpec, Title: "reminders"},
		{ID: DigestID, Kind: KindDigest, Spec: DigestSpec, Title: "digest"},
	} {
		if _, _, err := s.store.SaveSchedule(ctx, n, now); err != nil {
			return err
		}
	}
	return nil
}

// Run fires schedules until ctx is cancelled.
func (s *Scheduler) Run(ctx context.Context) error {
	// Redis may be away at the start: wait for it rather than give up.
	for {
		err := s.EnsureSystem(ctx)
		if err == nil {
			break
		}
		s.log.Warn("schedule: Redis unreachable, the scheduler waits", "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-s.clock.After(min(s.cfg.Reload, 5*time.Second)):
		}
	}
	for {
		next := s.Tick(ctx, s.clock.Now())
		wait := s.cfg.Reload
		if !next.IsZero() {
			wait = min(wait, max(next.Sub(s.clock.Now()), 0))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.kick:
		case <-s.clock.After(wait):
		}
	}
}

// Tick fires every slot due at now and returns the next slot to come (zero
// when none).
func (s *Scheduler) Tick(ctx context.Context, now time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	all, err := s.store.Schedules(ctx)
	if err != nil {
		s.log.Warn("schedule: cannot read the schedules", "err", err)
		return time.Time{}
	}
	var next time.Time
	for _, sc := range all {
		if sc.State != storage.ScheduleActive {
			continue
		}
		var n time.Time
		s.chain.Then(cron.FuncJob(func() { n = s.tick(ctx, sc, now) })).Run()
		if !n.IsZero() && (next.IsZero() || n.Before(next)) {
			next = n
		}
	}
	return next
}

// tick fires what is due of one schedule and returns its next slot.
func (s *Scheduler) tick(ctx context.Context, sc storage.Schedule, now time.Time) time.Time {
	loc := s.cfg.Location
	spec, err := ParseStored(sc.Spec, sc.From, loc, sc.Last)
	if err != nil {
		s.log.Warn("schedule: unreadable spec, skipped", "schedule", sc.ID, "err", err)
		return time.Time{}
	}
	first := spec.Next(sc.Last.In(loc))
	if first.IsZero() {
		// Nothing will ever come: the schedule is over.
		_, _, _, err := s.store.FireSchedule(ctx, sc.ID, storage.Fire{Slot: sc.Last.Add(time.Second), NextIdx: -1, Done: true}, now)
		if err != nil {
			s.log.Warn("schedule: cannot close a finished schedule", "schedule", sc.ID, "err", err)
		}
		return time.Time{}
	}
	if first.After(now) {
		return first
	}
	// Every slot due by now; the latest is the one that may run.
	latest, due := first, 1
	for t := spec.Next(first); !t.IsZero() && !t.After(now) && due < 100000; t = spec.Next(t) {
		latest, due = t, due+1
	}
	after := spec.Next(latest)
	run := now.Sub(latest) <= s.cfg.Grace
	skipped := due - 1
	if !run {
		skipped = due
	}
	var lastSkipped time.Time
	if skipped > 0 {
		lastSkipped = latest
		if run {
			lastSkipped = latest.Add(-time.Second) // before the one that runs
			if prev := spec.NextN(sc.Last.In(loc), skipped); len(prev) > 0 {
				lastSkipped = prev[len(prev)-1]
			}
		}
	}
	f := storage.Fire{Slot: latest, NextIdx: -1, Skipped: skipped, LastSkipped: lastSkipped, Done: after.IsZero(), Run: run}
	var work func(ctx context.Context)
	if run {
		work, err = s.prepare(ctx, sc, latest, &f)
		if err != nil {
			s.log.Warn("schedule: cannot prepare a slot", "schedule", sc.ID, "slot", latest, "err", err)
			return after
		}
	}
	claimed, job, _, err := s.store.FireSchedule(ctx, sc.ID, f, now)
	if err != nil {
		s.log.Warn("schedule: cannot claim a slot", "schedule", sc.ID, "err", err)
		return after
	}
	if !claimed {
		return after
	}
	if skipped > 0 && sc.Kind != KindReminders {
		// (The reminders' minutes are not worth a word: each run looks back
		// over the whole grace window.)
		s.log.Warn("schedule: missed slots skipped", "schedule", sc.ID, "kind", sc.Kind, "skipped", skipped, "last", lastSkipped.In(loc).Format(time.DateTime))
		s.tellSkipped(ctx, sc, skipped, lastSkipped)
	}
	if run {
		s.log.Info("schedule: slot fired", "schedule", sc.ID, "kind", sc.Kind, "slot", latest.In(loc).Format(time.DateTime), "job", job)
		if work != nil {
			work(ctx)
		}
		if job != 0 && s.Wake != nil {
			s.Wake()
		}
	}
	return after
}

func (s *Scheduler) tellSkipped(ctx context.Context, sc storage.Schedule, skipped int, last time.Time) {
	if s.notifier == nil {
		return
	}
	n := Notice{Schedule: sc, Skipped: skipped, Last: last.In(s.cfg.Location)}
	if sc.OwnerChat != 0 {
		s.notifier.Notify(ctx, sc.OwnerChat, sc.OwnerLang, n)
		return
	}
	for _, id := range s.organizers(ctx) {
		s.notifier.Notify(ctx, id, "", n)
	}
}

// prepare sets up what a slot does: the broadcast job it creates with its
// claim, or work to do once it is claimed (the bot's own schedules, whose
// jobs are made once each by their origin).
func (s *Scheduler) prepare(ctx context.Context, sc storage.Schedule, slot time.Time, f *storage.Fire) (func(context.Context), error) {
	switch sc.Kind {
	case KindBroadcast:
		var p BroadcastPayload
		if err := json.Unmarshal([]byte(sc.Payload), &p); err != nil {
			return nil, fmt.Errorf("payload: %w", err)
		}
		aud, ok := storage.ParseAudience(p.Audience)
		if !ok {
			return nil, fmt.Errorf("audience %q", p.Audience)
		}
		copies := map[string]storage.MessageRef{}
		for lang, ref := range p.Copies {
			if r, ok := storage.ParseMessageRef(ref); ok {
				copies[lang] = r
			}
		}
		f.Job = &storage.NewBroadcast{
			Kind: storage.KindCopy, Audience: aud, Owner: sc.Owner, OwnerChat: sc.OwnerChat, OwnerLang: sc.OwnerLang,
			Notify: sc.OwnerChat != 0, Title: sc.Title, Copies: copies, Members: p.Members,
			Origin: "sched:" + sc.ID + ":" + strconv.FormatInt(slot.Unix(), 10),
		}
		return nil, nil
	case KindAwards:
		return nil, s.prepareAward(ctx, sc, f)
	case KindReminders:
		return func(ctx context.Context) { s.reminders(ctx, slot) }, nil
	case KindDigest:
		return func(ctx context.Context) { s.sendDigest(ctx, slot) }, nil
	}
	return nil, fmt.Errorf("unknown kind %q", sc.Kind)
}

// prepareAward makes the announcement of the series' next nomination.
func (s *Scheduler) prepareAward(ctx context.Context, sc storage.Schedule, f *storage.Fire) error {
	var p AwardsPayload
	if err := json.Unmarshal([]byte(sc.Payload), &p); err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	cat, _, err := s.store.Catalog(ctx)
	if err != nil {
		return err
	}
	forum, ok := cat.ByID(p.Forum)
	var noms []catalog.Award
	if ok {
		noms = Nominations(forum, p.Contest)
	}
	idx := sc.NextIdx
	f.NextIdx = idx
	if idx >= len(noms) {
		// Every nomination is announced (or the catalog lost the contest):
		// the series is over.
		f.Run, f.Done = false, true
		return nil
	}
	texts := map[string]string{}
	for _, lang := range catalog.Langs {
		texts[lang] = s.texts.Award(lang, forum, noms[idx], idx+1, len(noms))
	}
	f.Done = f.Done || idx+1 == len(noms)
	f.Job = &storage.NewBroadcast{
		Kind: storage.KindText, Audience: storage.Audience{Kind: storage.AudienceAwards},
		Owner: sc.Owner, OwnerChat: sc.OwnerChat, OwnerLang: sc.OwnerLang, Notify: sc.OwnerChat != 0,
		Title: sc.Title, Texts: texts,
		Origin: "award:" + sc.ID + ":" + strconv.Itoa(idx),
	}
	return nil
}

// Reminder offsets.
const (
	dayBefore  = 24 * time.Hour
	hourBefore = time.Hour
	// defaultReminderHour is when the day-before reminder of a forum with
	// no start time goes out (the day before, at 10:00).
	defaultReminderHour = 10
)

// reminders sends each forum's reminders that are due: a day and an hour
// before its start, to its subscribers. A reminder is made once for the
// forum's start time: a forum moved to another date gets the reminders of
// the new one, a cancelled forum none.
func (s *Scheduler) reminders(ctx context.Context, now time.Time) {
	cat, _, err := s.store.Catalog(ctx)
	if err != nil {
		s.log.Warn("schedule: reminders: no catalog", "err", err)
		return
	}
	loc := s.cfg.Location
	for i := range cat.Forums {
		f := &cat.Forums[i]
		if f.Cancelled || f.Start.Precision != catalog.PrecisionDay || !f.Start.Known() {
			continue
		}
		start := f.Start.Start(loc)
		type rem struct {
			at   time.Time
			hour bool
			tag  string
		}
		var rems []rem
		if f.Start.Time != "" {
			rems = append(rems, rem{start.Add(-dayBefore), false, "d"}, rem{start.Add(-hourBefore), true, "h"})
		} else {
			day := time.Date(start.Year(), start.Month(), start.Day()-1, defaultReminderHour, 0, 0, 0, loc)
			rems = append(rems, rem{day, false, "d"})
		}
		for _, r := range rems {
			if now.Before(r.at) || !now.Before(start) || now.Sub(r.at) > s.cfg.Grace {
				continue
			}
			texts := map[string]string{}
			for _, lang := range catalog.Langs {
				texts[lang] = s.texts.Reminder(lang, f, start, r.hour)
			}
			origin := "rem:" + f.ID + ":" + strconv.FormatInt(start.Unix(), 10) + ":" + r.tag
			id, created, err := s.store.CreateBroadcast(ctx, storage.NewBroadcast{
				Kind: storage.KindText, Audience: storage.Audience{Kind: storage.AudienceForum, Arg: f.ID},
				Title: f.ID, Texts: texts, Origin: origin,
			}, now)
			if err != nil {
				s.log.Warn("schedule: reminder not created", "forum", f.ID, "err", err)
				continue
			}
			if created {
				s.log.Info("schedule: reminder created", "forum", f.ID, "job", id, "hour_before", r.hour)
				if s.Wake != nil {
					s.Wake()
				}
			}
		}
	}
}

// organizers are who gets the digest and the notices.
func (s *Scheduler) organizers(ctx context.Context) []int64 {
	if s.cfg.OrganizerIDs != nil {
		return s.cfg.OrganizerIDs(ctx)
	}
	return s.cfg.Organizers
}

// sendDigest sends the organizers' digest, when it has something.
func (s *Scheduler) sendDigest(ctx context.Context, slot time.Time) {
	d, err := s.digest.Digest(ctx, slot)
	if err != nil {
		s.log.Warn("schedule: digest failed", "err", err)
		return
	}
	organizers := s.organizers(ctx)
	if d.Empty() || len(organizers) == 0 {
		return
	}
	texts := map[string]string{}
	for _, lang := range catalog.Langs {
		texts[lang] = s.texts.Digest(lang, d)
	}
	_, created, err := s.store.CreateBroadcast(ctx, storage.NewBroadcast{
		Kind: storage.KindText, Audience: storage.Audience{Kind: storage.AudienceOrganizers}, Title: "digest",
		Texts: texts, Members: organizers, Origin: "digest:" + strconv.FormatInt(slot.Unix(), 10),
	}, slot)
	if err != nil {
		s.log.Warn("schedule: digest not created", "err", err)
		return
	}
	if created && s.Wake != nil {
		s.Wake()
	}
}
