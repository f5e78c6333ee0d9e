package schedule

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
	_ "time/tzdata"
)

func TestMain(m *testing.M) { redistest.Main(m) }

func almaty(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Almaty")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestAlmatyIsUTCPlus5In2026: Kazakhstan has one zone, UTC+5, since
// March 2024; the bot's schedules read cron expressions in it.
func TestAlmatyIsUTCPlus5In2026(t *testing.T) {
	loc := almaty(t)
	for _, m := range []time.Month{time.January, time.April, time.July, time.November} {
		_, off := time.Date(2026, m, 15, 12, 0, 0, 0, loc).Zone()
		if off != 5*3600 {
			t.Errorf("%s 2026: offset %d s, want +5 h", m, off)
		}
	}
	now := time.Date(2026, 11, 21, 7, 0, 0, 0, time.UTC) // 12:00 in Almaty
	sp, err := Parse("0 10 * * *", loc, now)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sp.Next(now), time.Date(2026, 11, 22, 5, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("10:00 Almaty is %v, want %v UTC", got.UTC(), want)
	}
}

func TestParseSpecs(t *testing.T) {
	loc := almaty(t)
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, loc)
	for _, tc := range []struct{ in, kind string }{
		{"", ErrEmpty},
		{"TZ=", ErrTZ},
		{"CRON_TZ=", ErrTZ},
		{"TZ=Asia/Almaty 0 10 * * *", ErrTZ},
		{"tz=UTC * * * * *", ErrTZ},
		{"* * *", ErrSyntax},
		{"61 * * * *", ErrSyntax},
		{"0 10 31 2 *", ErrNever},
		{"@every 10s", ErrOften},
		{"20.11.2026 10:00", ErrPast},
		{"31.02.2026 10:00", ErrDate},
		{"0 10 * * * from 31.02.2027", ErrDate},
		{"hello", ErrSyntax},
	} {
		_, err := Parse(tc.in, loc, now)
		se, ok := IsSpecError(err)
		if !ok || se.Kind != tc.kind {
			t.Errorf("Parse(%q) = %v, want a %s error", tc.in, err, tc.kind)
		}
	}
	// Robfig/cron panics on a bare TZ=; its parser is guarded too.
	if _, err := parseCron("TZ="); err == nil {
		t.Error("TZ= parsed")
	}

	sp, err := Parse("0 10 * * * from 25.11.2026", loc, now)
	if err != nil {
		t.Fatal(err)
	}
	got := sp.NextN(now, 3)
	want := []time.Time{
		time.Date(2026, 11, 25, 10, 0, 0, 0, loc), time.Date(2026, 11, 26, 10, 0, 0, 0, loc), time.Date(2026, 11, 27, 10, 0, 0, 0, loc),
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("next three: %v, want %v", got, want)
	}
	if !sp.IsCron() || !sp.From.Equal(time.Date(2026, 11, 25, 0, 0, 0, 0, loc)) {
		t.Errorf("spec %+v", sp)
	}

	list, err := Parse("26.11.2026 10:00, 25.11.2026 9:30\n27.11.2026 18:00", loc, now)
	if err != nil {
		t.Fatal(err)
	}
	if list.IsCron() || len(list.NextN(now, 5)) != 3 || !list.Next(now).Equal(time.Date(2026, 11, 25, 9, 30, 0, 0, loc)) {
		t.Errorf("list %+v: %v", list, list.NextN(now, 5))
	}
	back, err := ParseStored(list.Stored, time.Time{}, loc, now)
	if err != nil || fmt.Sprint(back.NextN(now, 5)) != fmt.Sprint(list.NextN(now, 5)) {
		t.Errorf("stored list read back: %v %v", back.NextN(now, 5), err)
	}
}

// fakeClock is the scheduler's time in tests; they call Tick themselves.
type fakeClock struct{ t time.Time }

func (f *fakeClock) Now() time.Time                       { return f.t }
func (f *fakeClock) After(time.Duration) <-chan time.Time { return nil }

// texts writes recognisable texts.
type texts struct{ panicOn string }

func (x texts) Award(lang string, f *catalog.Forum, a catalog.Award, n, of int) string {
	if x.panicOn == "award" {
		panic("texts broke")
	}
	return fmt.Sprintf("%s award %d/%d %s", lang, n, of, a.Nomination.In(lang))
}

func (texts) Reminder(lang string, f *catalog.Forum, start time.Time, hour bool) string {
	return fmt.Sprintf("%s reminder %s hour=%v %s", lang, f.ID, hour, start.Format(time.DateTime))
}

func (texts) Digest(lang string, d Digest) string {
	return fmt.Sprintf("%s digest new=%d", lang, len(d.New))
}

// notices records what organizers were told.
type notices struct {
	mu   sync.Mutex
	list []Notice
}

func (n *notices) Notify(_ context.Context, _ int64, _ string, no Notice) {
	n.mu.Lock()
	n.list = append(n.list, no)
	n.mu.Unlock()
}

func (n *notices) all() []Notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]Notice(nil), n.list...)
}

type fixture struct {
	t      testing.TB
	prefix string
	loc    *time.Location
	store  *storage.Store
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{t: t, prefix: redistest.Prefix(t), loc: almaty(t)}
	f.store = f.newStore()
	return f
}

func (f *fixture) newStore() *storage.Store {
	rdb := redis.NewClient(&redis.Options{Addr: redistest.Addr()})
	f.t.Cleanup(func() { _ = rdb.Close() })
	return storage.New(rdb, storage.Options{Prefix: f.prefix})
}

// scheduler is one process's scheduler, on a store of its own.
func (f *fixture) scheduler(n Notifier, tx Texts, d DigestSource) *Scheduler {
	return New(f.newStore(), Config{Location: f.loc, Grace: 6 * time.Hour, Organizers: []int64{7001}},
		&fakeClock{}, tx, n, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// jobs lists the broadcast jobs made so far, by origin.
func (f *fixture) jobs() map[string]*storage.BroadcastJob {
	f.t.Helper()
	ctx := context.Background()
	ids, err := f.store.RecentBroadcasts(ctx, 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]*storage.BroadcastJob{}
	for _, id := range ids {
		j, err := f.store.Broadcast(ctx, id)
		if err != nil {
			f.t.Fatal(err)
		}
		if _, dup := out[j.Origin]; dup {
			f.t.Errorf("two jobs for origin %s", j.Origin)
		}
		out[j.Origin] = j
	}
	return out
}

func (f *fixture) broadcastSchedule(spec string, created time.Time) string {
	f.t.Helper()
	sp, err := Parse(spec, f.loc, created)
	if err != nil {
		f.t.Fatal(err)
	}
	id, _, err := f.store.SaveSchedule(context.Background(), storage.NewSchedule{
		Kind: KindBroadcast, Spec: sp.Stored, From: sp.From, Owner: 7001, OwnerChat: 7001, OwnerLang: "ru", Title: "weekly",
		Payload: `{"copies":{"*":"7001:5"},"aud":"all"}`,
	}, created)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// TestThreeProcessesFireEachSlotOnce: three schedulers on one Redis tick
// at the same instants over several cron slots; each slot makes exactly
// one job.
func TestThreeProcessesFireEachSlotOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	start := time.Date(2026, 11, 21, 10, 0, 30, 0, f.loc)
	id := f.broadcastSchedule("*/5 * * * *", start)
	procs := []*Scheduler{f.scheduler(nil, texts{}, nil), f.scheduler(nil, texts{}, nil), f.scheduler(nil, texts{}, nil)}
	for m := 0; m <= 30; m++ {
		now := start.Add(time.Duration(m) * time.Minute)
		var wg sync.WaitGroup
		for _, p := range procs {
			wg.Add(1)
			go func() { defer wg.Done(); p.Tick(ctx, now) }()
		}
		wg.Wait()
	}
	jobs := f.jobs()
	var origins []string
	for o, j := range jobs {
		origins = append(origins, o)
		if j.Audience.Kind != storage.AudienceAll || j.Copies[storage.AnyLang] != (storage.MessageRef{ChatID: 7001, MessageID: 5}) || !j.Notify {
			t.Errorf("job %+v", j)
		}
	}
	sort.Strings(origins)
	// 10:05, 10:10 ... 10:30: six slots.
	if len(origins) != 6 {
		t.Fatalf("%d jobs for 6 slots: %v", len(origins), origins)
	}
	for i, o := range origins {
		slot := time.Date(2026, 11, 21, 10, 5*(i+1), 0, 0, f.loc)
		if want := fmt.Sprintf("sched:%s:%d", id, slot.Unix()); o != want {
			t.Errorf("origin %s, want %s", o, want)
		}
	}
	sc, _ := f.store.GetSchedule(ctx, id)
	if sc.Fired != 6 || sc.Skipped != 0 {
		t.Errorf("fired %d skipped %d", sc.Fired, sc.Skipped)
	}
}

// TestMissedSlots: after downtime, a slot missed within the grace window
// runs once; older ones are skipped and the organizer told.
func TestMissedSlots(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	day1 := time.Date(2026, 11, 2, 9, 0, 0, 0, f.loc)
	id := f.broadcastSchedule("0 10 * * *", day1)
	no := &notices{}
	// Down from 09:00 to 13:00: the 10:00 slot is 3 h old, within 6 h.
	f.scheduler(no, texts{}, nil).Tick(ctx, day1.Add(4*time.Hour))
	// A restart: another process, and another tick, change nothing.
	f.scheduler(no, texts{}, nil).Tick(ctx, day1.Add(4*time.Hour+time.Minute))
	if n := len(f.jobs()); n != 1 {
		t.Fatalf("%d jobs after a missed slot within the grace window", n)
	}
	if len(no.all()) != 0 {
		t.Errorf("told of skipped slots: %+v", no.all())
	}
	// Down for two days: day 2's 10:00 is 51 h old, day 3's 27 h... and
	// day 4's 3 h: that one runs, the two older are skipped.
	f.scheduler(no, texts{}, nil).Tick(ctx, day1.AddDate(0, 0, 3).Add(4*time.Hour))
	sc, _ := f.store.GetSchedule(ctx, id)
	if sc.Fired != 2 || sc.Skipped != 2 {
		t.Fatalf("fired %d skipped %d", sc.Fired, sc.Skipped)
	}
	ns := no.all()
	if len(ns) != 1 || ns[0].Skipped != 2 || !ns[0].Last.Equal(time.Date(2026, 11, 4, 10, 0, 0, 0, f.loc)) {
		t.Fatalf("notices %+v", ns)
	}
	// Down past the window: nothing runs, both slots skipped.
	f.scheduler(no, texts{}, nil).Tick(ctx, day1.AddDate(0, 0, 5).Add(11*time.Hour))
	sc, _ = f.store.GetSchedule(ctx, id)
	if sc.Fired != 2 || sc.Skipped != 4 || len(f.jobs()) != 2 {
		t.Fatalf("fired %d skipped %d jobs %d", sc.Fired, sc.Skipped, len(f.jobs()))
	}
}

// awardCatalog is the built-in catalog; it returns a forum with a contest
// of several nominations.
func awardCatalog(t *testing.T) (*catalog.Catalog, *catalog.Forum, string, int) {
	cat := builtinCopy(t)
	for i := range cat.Forums {
		f := &cat.Forums[i]
		count := map[string]int{}
		for _, a := range f.Awards {
			count[ContestKey(a.Contest)]++
		}
		for k, n := range count {
			if n >= 3 {
				return cat, f, k, n
			}
		}
	}
	t.Fatal("no contest with three nominations in the built-in catalog")
	return nil, nil, "", 0
}

// TestAwardSeriesAnnouncesEachNominationOnce: one nomination a day, in
// each language, never twice across restarts, and the series ends.
func TestAwardSeriesAnnouncesEachNominationOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	cat, forum, contest, n := awardCatalog(t)
	if _, err := f.store.ReplaceCatalog(ctx, cat); err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 11, 21, 9, 0, 0, 0, f.loc)
	sp, _ := Parse("0 10 * * *", f.loc, created)
	id, _, err := f.store.SaveSchedule(ctx, storage.NewSchedule{Kind: KindAwards, Spec: sp.Stored, Owner: 7001, OwnerChat: 7001, OwnerLang: "kk",
		Payload: fmt.Sprintf(`{"forum":%q,"contest":%q}`, forum.ID, contest)}, created)
	if err != nil {
		t.Fatal(err)
	}
	noms := Nominations(forum, contest)
	for d := 0; d < n+2; d++ {
		now := created.AddDate(0, 0, d).Add(time.Hour + time.Minute)
		// Each day two processes tick, one of them twice (a restart).
		f.scheduler(nil, texts{}, nil).Tick(ctx, now)
		f.scheduler(nil, texts{}, nil).Tick(ctx, now)
		f.scheduler(nil, texts{}, nil).Tick(ctx, now.Add(time.Minute))
	}
	jobs := f.jobs()
	if len(jobs) != n {
		t.Fatalf("%d announcements for %d nominations", len(jobs), n)
	}
	for i := 0; i < n; i++ {
		j := jobs[fmt.Sprintf("award:%s:%d", id, i)]
		if j == nil {
			t.Fatalf("nomination %d not announced", i)
		}
		for _, lang := range catalog.Langs {
			if want := fmt.Sprintf("%s award %d/%d %s", lang, i+1, n, noms[i].Nomination.In(lang)); j.Texts[lang] != want {
				t.Errorf("nomination %d in %s: %q, want %q", i, lang, j.Texts[lang], want)
			}
		}
		if j.Audience.Kind != storage.AudienceAwards {
			t.Errorf("audience %v", j.Audience)
		}
	}
	if sc, _ := f.store.GetSchedule(ctx, id); sc.State != storage.ScheduleDone || sc.NextIdx != n {
		t.Errorf("series after the last nomination: %+v", sc)
	}
}

// TestRemindersADayAndAnHourBefore: subscribers of a forum get a reminder
// a day and an hour before it starts; a forum moved gets them for the new
// time; a cancelled one none.
func TestRemindersADayAndAnHourBefore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	cat := builtinCopy(t)
	a, b, c := &cat.Forums[0], &cat.Forums[1], &cat.Forums[2]
	a.Start = catalog.Date{Year: 2026, Month: 11, Day: 25, Precision: catalog.PrecisionDay, Time: "10:00"}
	b.Start = catalog.Date{Year: 2026, Month: 11, Day: 25, Precision: catalog.PrecisionDay, Time: "11:00"}
	b.Cancelled = true
	c.Start = catalog.Date{Year: 2026, Month: 11, Day: 26, Precision: catalog.PrecisionDay}
	if _, err := f.store.ReplaceCatalog(ctx, cat); err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 11, 24, 8, 0, 0, 0, f.loc)
	s := f.scheduler(nil, texts{}, nil)
	if err := s.EnsureSystem(ctx); err != nil {
		t.Fatal(err)
	}
	f.store.ControlSchedule(ctx, DigestID, storage.ActionPause, created)
	// Mark the reminders' schedule as created now.
	f.store.ControlSchedule(ctx, RemindersID, storage.ActionPause, created)
	f.store.ControlSchedule(ctx, RemindersID, storage.ActionResume, created)
	tick := func(at time.Time) {
		for m := 0; m < 3; m++ {
			f.scheduler(nil, texts{}, nil).Tick(ctx, at.Add(time.Duration(m)*time.Minute))
		}
	}
	tick(time.Date(2026, 11, 24, 10, 0, 5, 0, f.loc))
	jobs := f.jobs()
	dayA := fmt.Sprintf("rem:%s:%d:d", a.ID, a.Start.Start(f.loc).Unix())
	if len(jobs) != 1 || jobs[dayA] == nil {
		t.Fatalf("the day before: %v", keysOf(jobs))
	}
	if j := jobs[dayA]; j.Audience != (storage.Audience{Kind: storage.AudienceForum, Arg: a.ID}) || !strings.Contains(j.Texts["ru"], "hour=false") {
		t.Errorf("day reminder %+v", j)
	}
	tick(time.Date(2026, 11, 25, 9, 0, 5, 0, f.loc))
	jobs = f.jobs()
	hourA := fmt.Sprintf("rem:%s:%d:h", a.ID, a.Start.Start(f.loc).Unix())
	if len(jobs) != 2 || jobs[hourA] == nil {
		t.Fatalf("the hour before: %v", keysOf(jobs))
	}
	// Forum c has no start time: its one reminder comes the day before at
	// 10:00.
	tick(time.Date(2026, 11, 25, 10, 0, 5, 0, f.loc))
	jobs = f.jobs()
	dayC := fmt.Sprintf("rem:%s:%d:d", c.ID, c.Start.Start(f.loc).Unix())
	if len(jobs) != 3 || jobs[dayC] == nil {
		t.Fatalf("a forum without a start time: %v", keysOf(jobs))
	}
	// Forum c moves to the 28th, 15:00: its old reminder stays as sent, new
	// ones come for the new time only.
	c.Start = catalog.Date{Year: 2026, Month: 11, Day: 28, Precision: catalog.PrecisionDay, Time: "15:00"}
	if _, err := f.store.ReplaceCatalog(ctx, cat); err != nil {
		t.Fatal(err)
	}
	tick(time.Date(2026, 11, 27, 15, 0, 5, 0, f.loc))
	tick(time.Date(2026, 11, 28, 14, 0, 5, 0, f.loc))
	jobs = f.jobs()
	newStart := c.Start.Start(f.loc).Unix()
	if len(jobs) != 5 || jobs[fmt.Sprintf("rem:%s:%d:d", c.ID, newStart)] == nil || jobs[fmt.Sprintf("rem:%s:%d:h", c.ID, newStart)] == nil {
		t.Fatalf("after the move: %v", keysOf(jobs))
	}
	for o := range jobs {
		if strings.Contains(o, b.ID) {
			t.Errorf("a cancelled forum got a reminder: %s", o)
		}
	}
}

// builtinCopy is a copy of the built-in catalog a test may change.
func builtinCopy(t *testing.T) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Parse("builtin.yaml", catalog.BuiltinYAML())
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func keysOf(m map[string]*storage.BroadcastJob) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type someProposals struct{}

func (someProposals) Digest(context.Context, time.Time) (Digest, error) {
	return Digest{New: []DigestItem{{Number: "AF-2026-000001", Title: "Parks"}}}, nil
}

// TestDigestOnWorkingDaysOnlyWhenThereIsSomething: the default source
// (no proposals yet) sends nothing; a source with proposals sends the
// organizers a digest at 09:00 on working days.
func TestDigestOnWorkingDaysOnlyWhenThereIsSomething(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	fri := time.Date(2026, 11, 20, 8, 0, 0, 0, f.loc)
	s := f.scheduler(nil, texts{}, nil)
	s.clock = &fakeClock{t: fri}
	if err := s.EnsureSystem(ctx); err != nil {
		t.Fatal(err)
	}
	f.store.ControlSchedule(ctx, RemindersID, storage.ActionPause, fri)
	s.Tick(ctx, fri.Add(time.Hour+time.Minute))
	if n := len(f.jobs()); n != 0 {
		t.Fatalf("an empty digest was sent (%d jobs)", n)
	}
	with := f.scheduler(nil, texts{}, someProposals{})
	with.Tick(ctx, fri.AddDate(0, 0, 1).Add(time.Hour+time.Minute)) // Saturday
	if n := len(f.jobs()); n != 0 {
		t.Fatalf("a digest on Saturday (%d jobs)", n)
	}
	mon := time.Date(2026, 11, 23, 9, 1, 0, 0, f.loc)
	with.Tick(ctx, mon)
	with.Tick(ctx, mon.Add(time.Minute))
	jobs := f.jobs()
	j := jobs[fmt.Sprintf("digest:%d", time.Date(2026, 11, 23, 9, 0, 0, 0, f.loc).Unix())]
	if len(jobs) != 1 || j == nil || j.Audience.Kind != storage.AudienceOrganizers || j.Texts["en"] != "en digest new=1" {
		t.Fatalf("Monday's digest: %v", keysOf(jobs))
	}
}

// TestPanicInAJobIsRecovered: a schedule whose firing panics does not stop
// the others.
func TestPanicInAJobIsRecovered(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	cat, forum, contest, _ := awardCatalog(t)
	if _, err := f.store.ReplaceCatalog(ctx, cat); err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 11, 21, 9, 0, 0, 0, f.loc)
	f.store.SaveSchedule(ctx, storage.NewSchedule{Kind: KindAwards, Spec: "0 10 * * *",
		Payload: fmt.Sprintf(`{"forum":%q,"contest":%q}`, forum.ID, contest)}, created)
	f.broadcastSchedule("0 10 * * *", created)
	f.scheduler(nil, texts{panicOn: "award"}, nil).Tick(ctx, created.Add(time.Hour+time.Minute))
	jobs := f.jobs()
	if len(jobs) != 1 {
		t.Fatalf("jobs after a panic: %v", keysOf(jobs))
	}
}

// TestRunFiresOnTime: the scheduler's own loop, on the real clock, wakes
// for a slot a second away and fires it once; its system schedules are in
// place.
func TestRunFiresOnTime(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	now := time.Now()
	at := now.Add(1500 * time.Millisecond).Truncate(time.Second)
	id, _, err := f.store.SaveSchedule(ctx, storage.NewSchedule{Kind: KindBroadcast, Spec: fmt.Sprintf("at:%d", at.Unix()),
		Payload: `{"copies":{"*":"1:2"},"aud":"org","members":[1]}`}, now)
	if err != nil {
		t.Fatal(err)
	}
	s := New(f.newStore(), Config{Location: f.loc, Reload: time.Minute}, RealClock, texts{}, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	woke := make(chan struct{}, 4)
	s.Wake = func() { woke <- struct{}{} }
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	select {
	case <-woke:
	case <-time.After(10 * time.Second):
		t.Fatal("the slot did not fire")
	}
	if time.Now().Before(at) {
		t.Errorf("fired at %v, before its slot %v", time.Now(), at)
	}
	s.Kick()
	time.Sleep(100 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(f.jobs()); n != 1 {
		t.Errorf("%d jobs", n)
	}
	sc, _ := f.store.GetSchedule(context.Background(), id)
	if sc.State != storage.ScheduleDone || sc.Fired != 1 {
		t.Errorf("one-time schedule after its slot: %+v", sc)
	}
	if _, err := f.store.GetSchedule(context.Background(), RemindersID); err != nil {
		t.Errorf("system schedule: %v", err)
	}
}
