package storage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Schedules: what fires on a cron expression or at given times (broadcasts,
// award series, the bot's own reminders and digest). Each slot is claimed
// by one process with schedule_fire, which creates the slot's broadcast
// job in the same step; see keys.go for the layout.

var (
	schedSaveScript    = newScript("schedule_save")
	schedControlScript = newScript("schedule_control")
	schedFireScript    = newScript("broadcast_job", "schedule_fire")
)

func init() {
	allScripts = append(allScripts, schedSaveScript, schedControlScript, schedFireScript)
}

// ErrNoSchedule is returned for a schedule that does not exist.
var ErrNoSchedule = errors.New("storage: no such schedule")

// Schedule states.
const (
	ScheduleActive = "active"
	SchedulePaused = "paused"
	ScheduleDone   = "done"
)

// Schedule is a schedule as stored.
type Schedule struct {
	ID, Kind, Spec   string
	From             time.Time // no slot before it fires (zero: none)
	State            string
	Owner, OwnerChat int64
	OwnerLang        string
	Title            string
	Payload          string // the kind's data, JSON
	Created          time.Time
	Last             time.Time // the last slot claimed (or the creation)
	LastFired        time.Time
	LastSkipped      time.Time
	Fired, Skipped   int64
	NextIdx          int // an award series' next nomination
	LastJob          int64
}

// NewSchedule is a schedule to save.
type NewSchedule struct {
	ID        string // "" for a new id; the bot's own schedules have fixed ids
	Kind      string
	Spec      string
	From      time.Time
	Owner     int64
	OwnerChat int64
	OwnerLang string
	Title     string
	Payload   string
}

func unixTime(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0)
}

func unixOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// SaveSchedule creates a schedule (counting its slots from now) or, for an
// existing id, updates its fields but not its state or its last slot.
func (s *Store) SaveSchedule(ctx context.Context, n NewSchedule, now time.Time) (id string, created bool, err error) {
	res, err := schedSaveScript.Run(ctx, s.rdb, []string{s.k.scheduleSeq(), s.k.schedulesAll()},
		s.k.prefix, n.ID, now.Unix(),
		"kind", n.Kind, "spec", n.Spec, "from", unixOf(n.From), "owner", n.Owner, "ochat", n.OwnerChat,
		"olang", n.OwnerLang, "title", n.Title, "payload", n.Payload).Slice()
	if err != nil || len(res) != 2 {
		return "", false, fmt.Errorf("storage: save schedule: %w", errOr(err, "bad reply"))
	}
	id, _ = res[0].(string)
	c, _ := res[1].(int64)
	return id, c == 1, nil
}

func scheduleFrom(id string, h map[string]string) Schedule {
	return Schedule{
		ID: id, Kind: h["kind"], Spec: h["spec"], From: unixTime(h["from"]), State: h["state"],
		Owner: atoi64(h["owner"]), OwnerChat: atoi64(h["ochat"]), OwnerLang: h["olang"], Title: h["title"],
		Payload: h["payload"], Created: unixTime(h["created"]), Last: unixTime(h["last"]),
		LastFired: unixTime(h["last_fired"]), LastSkipped: unixTime(h["last_skipped"]),
		Fired: atoi64(h["fired"]), Skipped: atoi64(h["skipped"]), NextIdx: int(atoi64(h["next_idx"])),
		LastJob: atoi64(h["last_job"]),
	}
}

// GetSchedule reads one schedule.
func (s *Store) GetSchedule(ctx context.Context, id string) (Schedule, error) {
	h, err := s.rdb.HGetAll(ctx, s.k.schedule(id)).Result()
	if err != nil {
		return Schedule{}, fmt.Errorf("storage: schedule: %w", err)
	}
	if len(h) == 0 {
		return Schedule{}, ErrNoSchedule
	}
	return scheduleFrom(id, h), nil
}

// Schedules reads every schedule, by id (numeric ids in order, then the
// bot's own).
func (s *Store) Schedules(ctx context.Context) ([]Schedule, error) {
	ids, err := s.rdb.SMembers(ctx, s.k.schedulesAll()).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: schedules: %w", err)
	}
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	if len(ids) > 0 {
		_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, id := range ids {
				cmds[i] = p.HGetAll(ctx, s.k.schedule(id))
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("storage: schedules: %w", err)
		}
	}
	out := make([]Schedule, 0, len(ids))
	for i, id := range ids {
		if h := cmds[i].Val(); len(h) > 0 {
			out = append(out, scheduleFrom(id, h))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, errA := strconv.Atoi(out[i].ID)
		b, errB := strconv.Atoi(out[j].ID)
		switch {
		case errA == nil && errB == nil:
			return a < b
		case errA == nil:
			return true
		case errB == nil:
			return false
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Schedule control actions (ActionPause and ActionResume are shared with
// broadcasts).
const ActionDelete = "delete"

// ControlSchedule pauses, resumes or deletes a schedule. result is "ok" or
// "noop"; state is the state after it ("deleted" for a deleted one).
func (s *Store) ControlSchedule(ctx context.Context, id, action string, now time.Time) (result, state string, err error) {
	res, err := schedControlScript.Run(ctx, s.rdb, []string{s.k.schedule(id), s.k.schedulesAll()}, action, now.Unix(), id).StringSlice()
	if err != nil || len(res) != 2 {
		return "", "", fmt.Errorf("storage: control schedule: %w", errOr(err, "bad reply"))
	}
	return res[0], res[1], nil
}

// Fire is one slot a process wants to claim.
type Fire struct {
	Slot        time.Time
	NextIdx     int // an award series' nomination it prepared; -1 when not one
	Skipped     int // slots skipped before it (or with it, when !Run)
	LastSkipped time.Time
	Done        bool // no slot follows: the schedule is done
	Run         bool // run the slot; false only records the skipped ones
	Job         *NewBroadcast
}

// FireSchedule claims f.Slot of schedule id, once across every process,
// and creates its job. claimed is false when another process has it (or
// the schedule is not active, or an award series moved on). prev is the
// last slot claimed before.
func (s *Store) FireSchedule(ctx context.Context, id string, f Fire, now time.Time) (claimed bool, jobID int64, prev time.Time, err error) {
	idx := ""
	if f.NextIdx >= 0 {
		idx = strconv.Itoa(f.NextIdx)
	}
	args := []any{s.k.prefix, f.Slot.Unix(), idx, f.Skipped, unixOf(f.LastSkipped), flag(f.Done), now.UnixMilli(), flag(f.Run)}
	if f.Job != nil {
		args = append(args, f.Job.jobArgs()...)
	} else {
		args = append(args, "", 0)
	}
	res, err := schedFireScript.Run(ctx, s.rdb, []string{s.k.schedule(id)}, args...).Int64Slice()
	if err != nil || len(res) == 0 {
		return false, 0, time.Time{}, fmt.Errorf("storage: fire schedule: %w", errOr(err, "bad reply"))
	}
	if res[0] != 1 {
		return false, 0, time.Time{}, nil
	}
	return true, res[1], time.Unix(res[2], 0), nil
}
