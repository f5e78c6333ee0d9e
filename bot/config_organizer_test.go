package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot/proposal"
)

func TestConfigHolidaysAndAnswerDays(t *testing.T) {
	t.Parallel()
	c, err := ConfigFromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.AnswerDays != proposal.DefaultAnswerDays || !c.Holidays.KZ || c.Holidays.Describe() != "kz" {
		t.Errorf("defaults: ANSWER_DAYS %d, HOLIDAYS %s", c.AnswerDays, c.Holidays.Describe())
	}
	c, err = ConfigFromEnv(env(map[string]string{"HOLIDAYS": "kz,2026-05-27", "ANSWER_DAYS": "10"}))
	if err != nil {
		t.Fatal(err)
	}
	cal := proposal.NewCalendar(c.Holidays, c.AnswerDays, time.UTC)
	if cal.Working(proposal.Day{Year: 2026, Month: time.May, Day: 27}) || c.AnswerDays != 10 {
		t.Errorf("HOLIDAYS=kz,2026-05-27 ANSWER_DAYS=10: %s, %d", c.Holidays.Describe(), c.AnswerDays)
	}
	for name, bad := range map[string]string{"HOLIDAYS": "2026-13-01", "ANSWER_DAYS": "0"} {
		_, err := ConfigFromEnv(env(map[string]string{name: bad}))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: %v", name, bad, err)
		}
	}
	for _, bad := range []string{"-1", "366", "fifteen"} {
		if _, err := ConfigFromEnv(env(map[string]string{"ANSWER_DAYS": bad})); err == nil {
			t.Errorf("ANSWER_DAYS=%s accepted", bad)
		}
	}
}
