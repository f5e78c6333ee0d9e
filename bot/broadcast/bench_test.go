package broadcast

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

// Benchmarks of the engine against the Bot API double and a real
// redis-server; none runs in a plain `go test`:
//
//	go test -run '^$' -bench . -benchtime 1x ./bot/broadcast/
//
// BenchmarkThroughput: msgs/s with the rate limit lifted (target ≥ 3,000).
// BenchmarkDefaultRate: the achieved rate at the default 25/s (target
// within 2 %). BenchmarkPeakMemory: the peak RSS of a process that sends a
// 100,000-recipient broadcast (target ≤ 64 MB).

// BenchmarkThroughput sends a 20,000-recipient broadcast per iteration with
// the rate limit lifted, against the strict double.
func BenchmarkThroughput(b *testing.B) {
	const n = 20000
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newEnv(b, true)
		base := int64(1000000 + i*n)
		e.subscribe(base, n)
		r := e.start(fastConfig(1e6), nil)
		b.StartTimer()
		start := time.Now()
		id := e.create(storage.NewBroadcast{})
		r.eng.Wake()
		e.wait(id, storage.BroadcastDone, 5*time.Minute)
		total += time.Since(start)
		b.StopTimer()
		checkOnce(b, e.deliveries("copyMessage"), base, n, 0)
		r.halt()
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "msgs/s")
}

// BenchmarkDefaultRate sends 500 recipients at the default 25 a second (20
// s) and reports the rate achieved between the first and the last send.
func BenchmarkDefaultRate(b *testing.B) {
	const n = 500
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newEnv(b, true)
		base := int64(2000000 + i*n)
		e.subscribe(base, n)
		r := e.start(fastConfig(DefaultConfig().Rate), nil)
		b.StartTimer()
		id := e.create(storage.NewBroadcast{})
		r.eng.Wake()
		e.wait(id, storage.BroadcastDone, 5*time.Minute)
		b.StopTimer()
		var first, last time.Time
		for _, c := range e.api.CallsTo("copyMessage") {
			if c.Err != nil {
				continue
			}
			if first.IsZero() {
				first = c.At
			}
			last = c.At
		}
		rate := float64(n-1) / last.Sub(first).Seconds()
		b.ReportMetric(rate, "msgs/s")
		b.ReportMetric(100*(rate-DefaultConfig().Rate)/DefaultConfig().Rate, "%off")
		r.halt()
	}
}

// BenchmarkPeakMemory runs the engine in a child process (this test binary
// again) that sends a 100,000-recipient broadcast, and reports the child's
// peak resident set (VmHWM): the double and Redis stay in this process and
// in redis-server.
func BenchmarkPeakMemory(b *testing.B) {
	if os.Getenv("FORUMBOT_BENCH_CHILD") != "" {
		runMemoryChild(b)
		return
	}
	const n = 100000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newEnv(b, false)
		base := int64(3000000)
		e.subscribe(base, n)
		id := e.create(storage.NewBroadcast{})
		cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkPeakMemory$", "-test.benchtime=1x")
		cmd.Env = append(os.Environ(), "FORUMBOT_BENCH_CHILD=1", "FB_API="+e.api.URL(), "FB_REDIS="+redistest.Addr(),
			"FB_PREFIX="+e.prefix, "FB_JOB="+strconv.FormatInt(id, 10))
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		b.StartTimer()
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		var peak int64
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "PEAK_RSS_KB="); ok {
				peak, _ = strconv.ParseInt(v, 10, 64)
			}
		}
		if err := cmd.Wait(); err != nil {
			b.Fatalf("child: %v", err)
		}
		took := time.Since(start)
		b.StopTimer()
		if peak == 0 {
			b.Fatal("the child reported no peak RSS")
		}
		checkOnce(b, e.deliveries("copyMessage"), base, n, 0)
		b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
		b.ReportMetric(float64(n)/took.Seconds(), "msgs/s")
	}
}

// runMemoryChild is the child of BenchmarkPeakMemory: an engine sends job
// FB_JOB, then the process prints its peak RSS.
func runMemoryChild(b *testing.B) {
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("FB_REDIS")})
	defer rdb.Close()
	store := storage.New(rdb, storage.Options{Prefix: os.Getenv("FB_PREFIX")})
	api, err := tg.New(testToken, tg.WithServerURL(os.Getenv("FB_API")), tg.WithSkipGetMe())
	if err != nil {
		b.Fatal(err)
	}
	id, _ := strconv.ParseInt(os.Getenv("FB_JOB"), 10, 64)
	eng := New(store, api, fastConfig(1e6), nil, quiet(b), nil)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = eng.Run(ctx) }()
	for {
		j, err := store.Broadcast(context.Background(), id)
		if err != nil {
			b.Fatal(err)
		}
		if j.State == storage.BroadcastDone {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	<-done
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Println("PEAK_RSS_KB=" + strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
}
