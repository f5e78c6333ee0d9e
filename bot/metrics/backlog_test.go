package metrics

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestBacklogExportsWhatIsRead(t *testing.T) {
	t.Parallel()
	m := New()
	up := true
	m.Backlog(func() (Backlog, bool) {
		return Backlog{Jobs: map[string]int{"running": 2, "paused": 1}, Remaining: 4200, Notices: 3}, up
	})
	scrape := func() string {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		return rec.Body.String()
	}
	body := scrape()
	for _, want := range []string{
		`forumbot_broadcast_jobs{state="running"} 2`, `forumbot_broadcast_jobs{state="paused"} 1`,
		`forumbot_broadcast_jobs{state="preparing"} 0`, "forumbot_broadcast_recipients_remaining 4200",
		"forumbot_notices_pending 3",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// Redis not answering: nothing, rather than zeros that read as "done".
	up = false
	if body := scrape(); strings.Contains(body, "forumbot_notices_pending") || strings.Contains(body, "forumbot_broadcast_jobs") {
		t.Errorf("backlog exported while it could not be read:\n%s", body)
	}
}
