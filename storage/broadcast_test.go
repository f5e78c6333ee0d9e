package storage

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

var bcNow = time.Date(2026, 11, 21, 7, 0, 0, 0, time.UTC)

func TestSubscriptionTopicsIndexesAndMigration(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	rdb := s.Client()
	sub := Subscription{ChatID: 42, Lang: "ru", Region: "almaty", Announcements: true, Forums: []string{"f-2", "f-1", "f-2"}}
	if created, err := s.SetSubscription(ctx, sub, bcNow); err != nil || !created {
		t.Fatalf("SetSubscription: %v %v", created, err)
	}
	got, err := s.GetSubscription(ctx, 42)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Announcements || got.Awards || got.Region != "almaty" || strings.Join(got.Forums, ",") != "f-1,f-2" || !got.Active {
		t.Fatalf("read back %+v", got)
	}
	for _, k := range []string{s.k.subscribersRegion("almaty"), s.k.subscribersForum("f-1"), s.k.subscribersForum("f-2"), s.k.subscribers(), s.k.subscribersAll()} {
		if ok, _ := rdb.SIsMember(ctx, k, 42).Result(); !ok {
			t.Errorf("42 not in %s", k)
		}
	}
	// Changing region and forums leaves nothing behind in the old sets.
	sub.Region, sub.Forums, sub.Awards = "", []string{"f-3"}, true
	if created, _ := s.SetSubscription(ctx, sub, bcNow); created {
		t.Error("an update reported as a new subscription")
	}
	for _, k := range []string{s.k.subscribersRegion("almaty"), s.k.subscribersForum("f-1"), s.k.subscribersForum("f-2")} {
		if ok, _ := rdb.SIsMember(ctx, k, 42).Result(); ok {
			t.Errorf("42 still in %s", k)
		}
	}
	if ok, _ := rdb.SIsMember(ctx, s.k.subscribersAwards(), 42).Result(); !ok {
		t.Error("awards not indexed")
	}

	// Blocked and back.
	if ch, _ := s.SetSubscriberActive(ctx, 42, false, bcNow); !ch {
		t.Error("deactivation not a change")
	}
	if got, _ := s.GetSubscription(ctx, 42); got.Active {
		t.Error("still active after blocking")
	}
	if ch, _ := s.SetSubscriberActive(ctx, 77, false, bcNow); ch {
		t.Error("a chat without a subscription was marked")
	}
	if ch, _ := s.SetSubscriberActive(ctx, 42, true, bcNow); !ch {
		t.Error("reactivation not a change")
	}

	// A group migrates: the subscription and its language follow.
	grp := Subscription{ChatID: -100, Lang: "kk", Awards: true, Forums: []string{"f-3"}, Group: true}
	if _, err := s.SetSubscription(ctx, grp, bcNow); err != nil {
		t.Fatal(err)
	}
	rdb.HSet(ctx, s.k.prefs(-100), "lang", "kk")
	if moved, err := s.MigrateSubscriber(ctx, -100, -1001234); err != nil || !moved {
		t.Fatalf("migrate: %v %v", moved, err)
	}
	g, _ := s.GetSubscription(ctx, -1001234)
	if !g.Awards || !g.HasForum("f-3") || !g.Group {
		t.Fatalf("migrated subscription %+v", g)
	}
	if old, _ := s.GetSubscription(ctx, -100); old.Any() {
		t.Fatalf("old group still subscribed: %+v", old)
	}
	if l, _ := rdb.HGet(ctx, s.k.prefs(-1001234), "lang").Result(); l != "kk" {
		t.Errorf("language not moved: %q", l)
	}
	if ok, _ := rdb.SIsMember(ctx, s.k.subscribersForum("f-3"), -1001234).Result(); !ok {
		t.Error("forum index not moved")
	}

	// Unsubscribing removes every trace.
	if removed, _ := s.Unsubscribe(ctx, 42); !removed {
		t.Error("unsubscribe found nothing")
	}
	for _, k := range []string{s.k.subscribersForum("f-3"), s.k.subscribers(), s.k.subscribersAll(), s.k.subscribersAwards()} {
		if ok, _ := rdb.SIsMember(ctx, k, 42).Result(); ok {
			t.Errorf("42 still in %s", k)
		}
	}
	if n, _ := rdb.Exists(ctx, s.k.subscriber(42)).Result(); n != 0 {
		t.Error("record left")
	}
}

// seedSubscribers subscribes n chats to announcements: ids from base,
// every third speaking ru (in its prefs), every fifth in region "abai",
// every seventh inactive.
func seedSubscribers(t *testing.T, s *Store, base int64, n int) (active int) {
	t.Helper()
	ctx := t.Context()
	for i := 0; i < n; i++ {
		id := base + int64(i)
		sub := Subscription{ChatID: id, Lang: "kk", Announcements: true}
		if i%5 == 0 {
			sub.Region = "abai"
		}
		if _, err := s.SetSubscription(ctx, sub, bcNow); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			s.Client().HSet(ctx, s.k.prefs(id), "lang", "ru")
		}
		if i%7 == 0 {
			if _, err := s.SetSubscriberActive(ctx, id, false, bcNow); err != nil {
				t.Fatal(err)
			}
		} else {
			active++
		}
	}
	return active
}

func fillAll(t *testing.T, s *Store, id int64, aud Audience) int {
	t.Helper()
	cursor, total := "0", 0
	for {
		next, added, stopped, err := s.FillBroadcast(t.Context(), id, aud, cursor, 50, "kk")
		if err != nil || stopped {
			t.Fatalf("fill: %v stopped=%v", err, stopped)
		}
		total += added
		if cursor = next; cursor == "0" {
			return total
		}
	}
}

func TestBroadcastAudiencesAreCountedAndFixedOnce(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	active := seedSubscribers(t, s, 1000, 210)
	ru, abai := 0, 0
	for i := 0; i < 210; i++ {
		if i%7 == 0 {
			continue
		}
		if i%3 == 0 {
			ru++
		}
		if i%5 == 0 {
			abai++
		}
	}
	for _, tc := range []struct {
		aud  Audience
		want int
	}{
		{Audience{Kind: AudienceAll}, active},
		{Audience{Kind: AudienceLang, Arg: "ru"}, ru},
		{Audience{Kind: AudienceLang, Arg: "kk"}, active - ru},
		{Audience{Kind: AudienceRegion, Arg: "abai"}, abai},
		{Audience{Kind: AudienceForum, Arg: "none"}, 0},
	} {
		n, err := s.CountAudience(ctx, tc.aud, nil, "kk")
		if err != nil || n != tc.want {
			t.Errorf("count %s = %d, %v; want %d", tc.aud, n, err, tc.want)
		}
	}

	id, created, err := s.CreateBroadcast(ctx, NewBroadcast{Kind: KindText, Audience: Audience{Kind: AudienceLang, Arg: "ru"},
		Texts: map[string]string{"ru": "Привет"}, Origin: "test:1"}, bcNow)
	if err != nil || !created {
		t.Fatal(err)
	}
	if again, created, _ := s.CreateBroadcast(ctx, NewBroadcast{Kind: KindText, Origin: "test:1"}, bcNow); created || again != id {
		t.Fatalf("same origin made job %d (created %v)", again, created)
	}
	// Two fills (a crash and a restart, or two processes) add nobody twice.
	if n := fillAll(t, s, id, Audience{Kind: AudienceLang, Arg: "ru"}); n != ru {
		t.Fatalf("fill added %d, want %d", n, ru)
	}
	if n := fillAll(t, s, id, Audience{Kind: AudienceLang, Arg: "ru"}); n != 0 {
		t.Fatalf("second fill added %d", n)
	}
	state, total, err := s.StartBroadcast(ctx, id, bcNow)
	if err != nil || state != BroadcastRunning || total != int64(ru) {
		t.Fatalf("start: %s %d %v", state, total, err)
	}
	if _, _, stopped, _ := s.FillBroadcast(ctx, id, Audience{Kind: AudienceAll}, "0", 50, "kk"); !stopped {
		t.Error("a running job was filled")
	}
	j, err := s.Broadcast(ctx, id)
	if err != nil || j.Texts["ru"] != "Привет" || j.Total != int64(ru) || j.Remaining != int64(ru) {
		t.Fatalf("job %+v %v", j, err)
	}

	// Organizers only: the named members.
	oid, _, _ := s.CreateBroadcast(ctx, NewBroadcast{Kind: KindCopy, Audience: Audience{Kind: AudienceOrganizers},
		Copies: map[string]MessageRef{AnyLang: {ChatID: 5, MessageID: 9}}, Members: []int64{5, 6}}, bcNow)
	if n := fillAll(t, s, oid, Audience{Kind: AudienceOrganizers}); n != 2 {
		t.Fatalf("organizers audience: %d", n)
	}
	if oj, _ := s.Broadcast(ctx, oid); oj.Copies[AnyLang] != (MessageRef{ChatID: 5, MessageID: 9}) {
		t.Fatalf("copy ref %+v", oj.Copies)
	}
}

func claimParams(inst string, now time.Time) ClaimParams {
	return ClaimParams{Now: now, Max: 10, Interval: 40 * time.Millisecond, Horizon: time.Second, Instance: inst,
		ChatGap: time.Second, GroupWindow: time.Minute, GroupLimit: 20}
}

func doneParams(inst string) DoneParams {
	return DoneParams{Instance: inst, ErrorLimit: 3, MaxAttempts: 3, Now: bcNow, Keep: time.Hour}
}

// startJob makes a running text job to ids.
func startJob(t *testing.T, s *Store, ids ...int64) int64 {
	t.Helper()
	ctx := t.Context()
	id, _, err := s.CreateBroadcast(ctx, NewBroadcast{Kind: KindText, Audience: Audience{Kind: AudienceOrganizers},
		Texts: map[string]string{"kk": "x"}, Members: ids}, bcNow)
	if err != nil {
		t.Fatal(err)
	}
	fillAll(t, s, id, Audience{Kind: AudienceOrganizers})
	if st, _, err := s.StartBroadcast(ctx, id, bcNow); err != nil || st != BroadcastRunning {
		t.Fatalf("start %s %v", st, err)
	}
	return id
}

func TestClaimSpacesSlotsAndChats(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	id := startJob(t, s, 1, 2, 3, 4, 5)
	c, err := s.ClaimRecipients(ctx, id, claimParams("A", bcNow))
	if err != nil || len(c.Recipients) != 5 {
		t.Fatalf("claim: %+v %v", c, err)
	}
	for i, r := range c.Recipients {
		if want := bcNow.Add(time.Duration(i) * 40 * time.Millisecond); !r.Slot.Equal(want) {
			t.Errorf("slot %d = %v, want %v", i, r.Slot, want)
		}
		if r.Lang != "kk" {
			t.Errorf("lang %q", r.Lang)
		}
	}
	// A second process gets slots after those; chat 1, which got a message
	// at bcNow, waits in the retry set until a second has passed.
	id2 := startJob(t, s, 1, 7)
	c2, _ := s.ClaimRecipients(ctx, id2, claimParams("B", bcNow))
	if len(c2.Recipients) != 1 || c2.Recipients[0].ChatID != 7 || !c2.Recipients[0].Slot.Equal(bcNow.Add(200*time.Millisecond)) {
		t.Fatalf("second claim: %+v", c2)
	}
	if c3, _ := s.ClaimRecipients(ctx, id2, claimParams("B", bcNow.Add(500*time.Millisecond))); len(c3.Recipients) != 0 {
		t.Fatalf("chat 1 again within a second: %+v", c3)
	}
	c4, _ := s.ClaimRecipients(ctx, id2, claimParams("B", bcNow.Add(time.Second)))
	if len(c4.Recipients) != 1 || c4.Recipients[0].ChatID != 1 || c4.Recipients[0].Slot.Before(bcNow.Add(time.Second)) {
		t.Fatalf("chat 1 after a second: %+v", c4)
	}
}

func TestGroupGetsAtMostTwentyAMinute(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	var id int64
	for i := 0; i < 21; i++ {
		id = startJob(t, s, -500)
		now := bcNow.Add(time.Duration(i) * 1100 * time.Millisecond)
		c, err := s.ClaimRecipients(ctx, id, claimParams("A", now))
		if err != nil {
			t.Fatal(err)
		}
		if i < 20 && (len(c.Recipients) != 1 || !c.Recipients[0].Slot.Equal(now)) {
			t.Fatalf("message %d: %+v", i, c)
		}
		if i == 20 && len(c.Recipients) != 0 {
			t.Fatalf("a 21st message within the minute: %+v", c)
		}
	}
	c, _ := s.ClaimRecipients(ctx, id, claimParams("A", bcNow.Add(time.Minute)))
	if len(c.Recipients) != 1 || c.Recipients[0].Slot.Before(bcNow.Add(time.Minute)) {
		t.Fatalf("the 21st message once the minute is over: %+v", c)
	}
}

func TestOutcomesCountersPauseAndFinish(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	id := startJob(t, s, 1, 2, 3, 4, 5, 6, -7)
	c, _ := s.ClaimRecipients(ctx, id, claimParams("A", bcNow))
	if len(c.Recipients) != 7 {
		t.Fatalf("claimed %d", len(c.Recipients))
	}
	e := map[int64]string{}
	for _, r := range c.Recipients {
		e[r.ChatID] = r.Entry
	}
	dp := doneParams("A")
	finish := func(chat int64, o Outcome) Progress {
		t.Helper()
		p, err := s.FinishRecipient(ctx, id, e[chat], o, dp)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := finish(1, Outcome{Kind: OutcomeSent}); p.Sent != 1 || p.Result != "ok" {
		t.Fatalf("sent: %+v", p)
	}
	if p := finish(1, Outcome{Kind: OutcomeSent}); p.Result != "stale" || p.Sent != 1 {
		t.Fatalf("a second record of one send: %+v", p)
	}
	if p := finish(2, Outcome{Kind: OutcomeBlocked}); p.Blocked != 1 {
		t.Fatalf("blocked: %+v", p)
	}
	finish(3, Outcome{Kind: OutcomeFailed, Detail: "Bad Request: can't parse entities"})
	finish(4, Outcome{Kind: OutcomeFailed, Detail: "Bad Request: can't parse entities"})
	if p := finish(5, Outcome{Kind: OutcomeFailed, Detail: "Bad Request: can't parse entities"}); p.Result != "paused" || p.State != BroadcastPaused || p.Failed != 3 {
		t.Fatalf("third identical error: %+v", p)
	}
	j, _ := s.Broadcast(ctx, id)
	if j.Reason != "errors" || j.ReasonDetail != "Bad Request: can't parse entities" {
		t.Fatalf("pause reason %q %q", j.Reason, j.ReasonDetail)
	}
	errs, _ := s.BroadcastErrors(ctx, id)
	if errs["Bad Request: can't parse entities"] != 3 {
		t.Fatalf("errors %v", errs)
	}
	// While paused nothing is handed out.
	if c, _ := s.ClaimRecipients(ctx, id, claimParams("A", bcNow)); c.State != BroadcastPaused {
		t.Fatalf("claim while paused: %+v", c)
	}
	// 5xx: retried later, then failed after the attempts.
	finish(6, Outcome{Kind: OutcomeRetry, Detail: "502", NotBefore: bcNow})
	// The group migrated: its new id is queued.
	finish(-7, Outcome{Kind: OutcomeMigrate, Detail: "-1007"})
	if r, _, err := s.ControlBroadcast(ctx, id, ActionResume, 9, bcNow); err != nil || r != "ok" {
		t.Fatalf("resume %s %v", r, err)
	}
	c, _ = s.ClaimRecipients(ctx, id, claimParams("A", bcNow.Add(2*time.Second)))
	got := map[int64]string{}
	for _, r := range c.Recipients {
		got[r.ChatID] = r.Entry
	}
	if len(got) != 2 || got[6] == "" || got[-1007] != "-1007:kk" {
		t.Fatalf("after resume: %+v", c.Recipients)
	}
	e[6], e[-1007] = got[6], got[-1007]
	finish(6, Outcome{Kind: OutcomeRetry, Detail: "502", NotBefore: bcNow})
	c, _ = s.ClaimRecipients(ctx, id, claimParams("A", bcNow.Add(4*time.Second)))
	if len(c.Recipients) != 1 || c.Recipients[0].Attempts != 2 {
		t.Fatalf("third attempt: %+v", c.Recipients)
	}
	if p := finish(6, Outcome{Kind: OutcomeRetry, Detail: "502", NotBefore: bcNow}); p.Failed != 4 {
		t.Fatalf("after the last attempt: %+v", p)
	}
	p := finish(-1007, Outcome{Kind: OutcomeSent})
	if p.Result != "finished" || p.State != BroadcastDone || p.Sent != 2 || p.Blocked != 1 || p.Failed != 4 || p.Total != 7 {
		t.Fatalf("last one: %+v", p)
	}
	states, _ := s.BroadcastRecipients(ctx, id)
	want := map[int64]string{1: "s", 2: "b", 3: "f", 4: "f", 5: "f", 6: "f", -7: "m", -1007: "s"}
	for chat, st := range want {
		if states[chat] != st {
			t.Errorf("chat %d state %q, want %q", chat, states[chat], st)
		}
	}
	if ids, _ := s.ActiveBroadcasts(ctx); len(ids) != 0 {
		t.Errorf("still active: %v", ids)
	}
}

func TestReclaimTakesBackOnlyDeadProcesses(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	id := startJob(t, s, 1, 2, 3, 4)
	if err := s.EngineHeartbeat(ctx, "alive", time.Minute); err != nil {
		t.Fatal(err)
	}
	p := claimParams("alive", bcNow)
	p.Max = 2
	a, _ := s.ClaimRecipients(ctx, id, p)
	p.Instance, p.Now = "dead", bcNow.Add(2*time.Second)
	d, _ := s.ClaimRecipients(ctx, id, p)
	if len(a.Recipients) != 2 || len(d.Recipients) != 2 {
		t.Fatalf("claims %d %d", len(a.Recipients), len(d.Recipients))
	}
	n, err := s.ReclaimRecipients(ctx, id, bcNow.Add(3*time.Second))
	if err != nil || n != 2 {
		t.Fatalf("reclaimed %d, %v", n, err)
	}
	// The dead process did deliver one before dying: recorded late, it is
	// still a delivery, and not handed out again.
	if pr, _ := s.FinishRecipient(ctx, id, d.Recipients[0].Entry, Outcome{Kind: OutcomeSent}, doneParams("dead")); pr.Sent != 1 {
		t.Fatalf("late record: %+v", pr)
	}
	p.Instance, p.Now, p.Max = "alive", bcNow.Add(5*time.Second), 10
	again, _ := s.ClaimRecipients(ctx, id, p)
	if len(again.Recipients) != 1 || again.Recipients[0].Entry != d.Recipients[1].Entry {
		t.Fatalf("handed out again: %+v, want only %s", again.Recipients, d.Recipients[1].Entry)
	}
}

func TestFloodControlPausesEveryClaim(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	id := startJob(t, s, 1, 2)
	c, _ := s.ClaimRecipients(ctx, id, claimParams("A", bcNow))
	until := bcNow.Add(5 * time.Second)
	dp := doneParams("A")
	if _, err := s.FinishRecipient(ctx, id, c.Recipients[0].Entry, Outcome{Kind: OutcomeLimited, NotBefore: until}, dp); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishRecipient(ctx, id, c.Recipients[1].Entry, Outcome{Kind: OutcomeRelease, NotBefore: bcNow}, dp); err != nil {
		t.Fatal(err)
	}
	other := startJob(t, s, 3)
	if c, _ := s.ClaimRecipients(ctx, other, claimParams("B", bcNow.Add(time.Second))); !c.PauseUntil.Equal(until) {
		t.Fatalf("another job claimed during the pause: %+v", c)
	}
	c, _ = s.ClaimRecipients(ctx, id, claimParams("A", until.Add(time.Millisecond)))
	if len(c.Recipients) != 2 {
		t.Fatalf("after the pause: %+v", c)
	}
	states, _ := s.BroadcastRecipients(ctx, id)
	for chat, st := range states {
		if st != "i:A:0" {
			t.Errorf("chat %d: %q (a 429 or a release spends no attempt)", chat, st)
		}
	}
}

func TestScheduleSlotFiresOnceAcrossProcesses(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	id, created, err := s.SaveSchedule(ctx, NewSchedule{Kind: "awards", Spec: "0 10 * * *", Title: "t", Payload: "{}"}, bcNow)
	if err != nil || !created {
		t.Fatal(err)
	}
	slot := bcNow.Add(time.Hour)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var jobs []int64
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			other := storeOn(t, testClient(t), Options{Prefix: s.k.prefix}) // a process of its own
			ok, job, _, err := other.FireSchedule(ctx, id, Fire{Slot: slot, NextIdx: 0, Run: true,
				Job: &NewBroadcast{Kind: KindText, Audience: Audience{Kind: AudienceAwards}, Texts: map[string]string{"kk": "a"}, Origin: "award:x:0"}}, bcNow)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				jobs = append(jobs, job)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(jobs) != 1 || jobs[0] == 0 {
		t.Fatalf("slot claimed by %d processes: %v", len(jobs), jobs)
	}
	sc, _ := s.GetSchedule(ctx, id)
	if sc.NextIdx != 1 || sc.Fired != 1 || !sc.Last.Equal(slot) || sc.LastJob != jobs[0] {
		t.Fatalf("schedule after the slot: %+v", sc)
	}
	// A stale process still preparing nomination 0 for a later slot loses.
	if ok, _, _, _ := s.FireSchedule(ctx, id, Fire{Slot: slot.Add(time.Hour), NextIdx: 0, Run: true}, bcNow); ok {
		t.Fatal("an award series fired the same nomination twice")
	}
	if r, st, _ := s.ControlSchedule(ctx, id, ActionPause, bcNow); r != "ok" || st != SchedulePaused {
		t.Fatalf("pause: %s %s", r, st)
	}
	if ok, _, _, _ := s.FireSchedule(ctx, id, Fire{Slot: slot.Add(2 * time.Hour), NextIdx: 1, Run: true}, bcNow); ok {
		t.Fatal("a paused schedule fired")
	}
	later := slot.Add(5 * time.Hour)
	s.ControlSchedule(ctx, id, ActionResume, later)
	if sc, _ := s.GetSchedule(ctx, id); !sc.Last.Equal(later) {
		t.Fatalf("resume should count from now: last %v", sc.Last)
	}
	all, _ := s.Schedules(ctx)
	if len(all) != 1 || all[0].ID != id {
		t.Fatalf("list %+v", all)
	}
	s.ControlSchedule(ctx, id, ActionDelete, later)
	if _, err := s.GetSchedule(ctx, id); err != ErrNoSchedule {
		t.Fatalf("deleted schedule: %v", err)
	}
}

// TestScriptKeyShapes: the keys the scripts build from the prefix are the
// keys.go builders.
func TestScriptKeyShapes(t *testing.T) {
	t.Parallel()
	k := keys{prefix: "p:"}
	for built, want := range map[string]string{
		k.subscriber(5):             "p:subscriber:5",
		k.subscribersRegion("abai"): "p:subscribers:region:abai",
		k.subscribersForum("f"):     "p:subscribers:forum:f",
		k.prefs(5):                  "p:chat:5:prefs",
		k.broadcast(3):              "p:bc:3",
		k.broadcastPart(3, "src"):   "p:bc:3:src",
		k.broadcastOrigin("o"):      "p:bc:origin:o",
		k.broadcastsActive():        "p:bc:active",
		k.broadcastsAll():           "p:bc:all",
		k.broadcastSeq():            "p:bc:seq",
		k.engine("i"):               "p:bc:engine:i",
		k.chatRate(-5):              "p:rl:chat:-5",
		k.groupRate(-5):             "p:rl:group:-5",
		k.schedule("1"):             "p:sched:1",
	} {
		if built != want {
			t.Errorf("built %q, scripts use %q", built, want)
		}
	}
}

// TestBroadcastScriptsOnMiniredis: the demo runs on miniredis (gopher-lua);
// the scripts must run there too.
func TestBroadcastScriptsOnMiniredis(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	s := New(rdb, Options{Prefix: "fb:"})
	for i := int64(1); i <= 3; i++ {
		if _, err := s.SetSubscription(ctx, Subscription{ChatID: i, Lang: "en", Announcements: true}, bcNow); err != nil {
			t.Fatal(err)
		}
	}
	id, _, err := s.CreateBroadcast(ctx, NewBroadcast{Kind: KindText, Audience: Audience{Kind: AudienceAll}, Texts: map[string]string{"en": "hi"}}, bcNow)
	if err != nil {
		t.Fatal(err)
	}
	if n := fillAll(t, s, id, Audience{Kind: AudienceAll}); n != 3 {
		t.Fatalf("fill %d", n)
	}
	if _, _, err := s.StartBroadcast(ctx, id, bcNow); err != nil {
		t.Fatal(err)
	}
	c, err := s.ClaimRecipients(ctx, id, claimParams("M", bcNow))
	if err != nil || len(c.Recipients) != 3 {
		t.Fatalf("claim %+v %v", c, err)
	}
	var p Progress
	for _, r := range c.Recipients {
		if p, err = s.FinishRecipient(ctx, id, r.Entry, Outcome{Kind: OutcomeSent}, doneParams("M")); err != nil {
			t.Fatal(err)
		}
	}
	if p.Result != "finished" || p.Sent != 3 {
		t.Fatalf("progress %+v", p)
	}
	sid, _, err := s.SaveSchedule(ctx, NewSchedule{Kind: "digest", ID: "sys-digest", Spec: "0 9 * * 1-5"}, bcNow)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, _, err := s.FireSchedule(ctx, sid, Fire{Slot: bcNow.Add(time.Hour), NextIdx: -1, Run: true}, bcNow); err != nil || !ok {
		t.Fatalf("fire on miniredis: %v %v", ok, err)
	}
	if _, err := s.MigrateSubscriber(ctx, 1, 11); err != nil {
		t.Fatal(err)
	}
	list := m.Keys()
	sort.Strings(list)
	if !strings.Contains(fmt.Sprint(list), "fb:subscriber:11") {
		t.Fatalf("keys after migration: %v", list)
	}
}
