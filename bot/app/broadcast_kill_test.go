//go:build slowtests

package app_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot/broadcast"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

// TestKillNineChildProcess: a real `forumbot run` process sends a
// 10,000-recipient broadcast through the double; kill -9 in the middle;
// another `forumbot run` on the same Redis finishes it. Nobody is lost and
// at most broadcast.MaxInFlight recipients get the message twice. It builds
// the binary and waits out the dead process's heartbeat (15 s), hence the
// build tag:
//
//	go test -tags slowtests -run TestKillNineChildProcess -v ./bot/app/
func TestKillNineChildProcess(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "forumbot")
	build := exec.Command("go", "build", "-o", bin, "github.com/forumbot/forumbot/cmd/forumbot")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	api := fakeapi.New(fakeapi.Options{Token: testToken, BotUsername: testUsername})
	t.Cleanup(api.Close)
	prefix := redistest.Prefix(t)
	store := storage.New(redistest.Client(t), storage.Options{Prefix: prefix})
	ctx := context.Background()

	const n, base = 10000, int64(5000000)
	chats := make([]models.Chat, 0, n)
	members := make([]any, 0, n)
	for i := int64(0); i < n; i++ {
		chats = append(chats, models.Chat{ID: base + i})
		members = append(members, base+i)
	}
	api.AddChats(chats...)
	if err := store.Client().SAdd(ctx, prefix+"subscribers:news", members...).Err(); err != nil {
		t.Fatal(err)
	}
	org := fakeapi.User{ID: organizerID, FirstName: "Org"}
	api.SendMessage(org, models.Message{ID: 50, Text: "Форум ашылады"})
	id, _, err := store.CreateBroadcast(ctx, storage.NewBroadcast{Kind: storage.KindCopy, Audience: storage.Audience{Kind: storage.AudienceAll},
		Copies: map[string]storage.MessageRef{storage.AnyLang: {ChatID: organizerID, MessageID: 50}}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	run := func() *exec.Cmd {
		cmd := exec.Command(bin, "run")
		cmd.Env = append(os.Environ(), "TELEGRAM_BOT_TOKEN="+testToken, "TELEGRAM_API_URL="+api.URL(),
			"REDIS_URL=redis://"+redistest.Addr()+"/0", "REDIS_PREFIX="+prefix, "BROADCAST_RATE=1000",
			"LOG_LEVEL=warn", "ADMIN_IDS=9001", "LISTEN_ADDR=127.0.0.1:0")
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	first := run()
	for {
		j, err := store.Broadcast(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Sent >= n/3 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	mid, _ := store.Broadcast(ctx, id)
	second := run()
	defer func() {
		_ = second.Process.Signal(syscall.SIGTERM)
		_ = second.Wait()
	}()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		j, _ := store.Broadcast(ctx, id)
		if j.State == storage.BroadcastDone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not finished after the restart: %+v", j)
		}
		time.Sleep(50 * time.Millisecond)
	}
	got := map[int64]int{}
	for _, c := range api.CallsTo("copyMessage") {
		if c.Err == nil {
			got[c.Int("chat_id")]++
		}
	}
	twice, missing := 0, 0
	for i := int64(0); i < n; i++ {
		switch got[base+i] {
		case 0:
			missing++
		case 1:
		case 2:
			twice++
		default:
			t.Errorf("chat %d got %d copies", base+i, got[base+i])
		}
	}
	if missing > 0 || twice > broadcast.MaxInFlight {
		t.Errorf("after kill -9 at %d sent: %d lost, %d twice (at most %d may)", mid.Sent, missing, twice, broadcast.MaxInFlight)
	}
	for _, v := range api.Violations() {
		t.Errorf("Bot API contract violated: %v", v)
	}
	t.Logf("killed at %d of %d sent; %d lost, %d twice", mid.Sent, n, missing, twice)
}
