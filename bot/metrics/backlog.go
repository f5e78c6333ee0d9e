package metrics

import "github.com/prometheus/client_golang/prometheus"

// Backlog is the work waiting in Redis that every replica shares: the
// broadcasts not finished and the notices to proposals' authors not yet
// delivered. Each replica exports the same figures.
type Backlog struct {
	// Jobs counts the broadcast jobs by state (preparing, running,
	// paused).
	Jobs map[string]int
	// Remaining is how many recipients the unfinished broadcasts have
	// still to reach.
	Remaining int64
	// Notices is how many notices wait in the outbox.
	Notices int64
}

var (
	backlogJobsDesc = prometheus.NewDesc("forumbot_broadcast_jobs",
		"Broadcast jobs not finished, by state (preparing, running, paused).", []string{"state"}, nil)
	backlogRemainingDesc = prometheus.NewDesc("forumbot_broadcast_recipients_remaining",
		"Recipients the unfinished broadcasts have still to reach (their progress, all jobs together).", nil, nil)
	backlogNoticesDesc = prometheus.NewDesc("forumbot_notices_pending",
		"Notices to proposals' authors (a status change, an answer) recorded and not yet delivered.", nil, nil)
)

// BacklogStates are the states forumbot_broadcast_jobs always reports (0
// when there is none), so that a dashboard shows a line, not a gap.
var BacklogStates = []string{"preparing", "running", "paused"}

// Backlog exports what read returns at each scrape; ok false (Redis did
// not answer) exports nothing, rather than zeros that would look like an
// empty backlog.
func (m *Metrics) Backlog(read func() (Backlog, bool)) {
	if m == nil {
		return
	}
	m.Registry.MustRegister(backlogCollector(read))
}

type backlogCollector func() (Backlog, bool)

func (c backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- backlogJobsDesc
	ch <- backlogRemainingDesc
	ch <- backlogNoticesDesc
}

func (c backlogCollector) Collect(ch chan<- prometheus.Metric) {
	b, ok := c()
	if !ok {
		return
	}
	for _, st := range BacklogStates {
		ch <- prometheus.MustNewConstMetric(backlogJobsDesc, prometheus.GaugeValue, float64(b.Jobs[st]), st)
	}
	ch <- prometheus.MustNewConstMetric(backlogRemainingDesc, prometheus.GaugeValue, float64(b.Remaining))
	ch <- prometheus.MustNewConstMetric(backlogNoticesDesc, prometheus.GaugeValue, float64(b.Notices))
}
