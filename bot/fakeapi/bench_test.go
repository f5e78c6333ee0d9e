package fakeapi

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// benchClient is a go-telegram/bot client with a connection pool sized for
// parallel senders, as a bot under load would use.
func benchClient(b *testing.B, srv *Server) *bot.Bot {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	b.Cleanup(tr.CloseIdleConnections)
	c, err := bot.New(testToken, bot.WithServerURL(srv.URL()), bot.WithSkipGetMe(),
		bot.WithHTTPClient(time.Minute, &http.Client{Transport: tr}))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkSendMessage measures a strict sendMessage round trip (HTML text
// and an inline keyboard) through go-telegram/bot's client, with parallel
// senders across many chats. It reports msgs/s.
func BenchmarkSendMessage(b *testing.B) {
	srv := New(Options{Spec: SpecForTest(b), Token: testToken})
	defer srv.Close()
	client := benchClient(b, srv)
	const chats = 64
	for i := 0; i < chats; i++ {
		srv.SendText(User{ID: int64(10000 + i), FirstName: "Load"}, "/start")
	}
	markup := keyboard(models.InlineKeyboardButton{Text: "Going", CallbackData: "rsvp:yes:123456"}, models.InlineKeyboardButton{Text: "Not going", CallbackData: "rsvp:no:123456"})
	var seq atomic.Int64
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			_, err := client.SendMessage(ctx, &bot.SendMessageParams{
				ChatID:      10000 + n%chats,
				Text:        fmt.Sprintf("<b>Event #%d</b>\nTomorrow at 19:00, <i>Main hall</i> &amp; online", n),
				ParseMode:   models.ParseModeHTML,
				ReplyMarkup: markup,
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
	if v := srv.Violations(); len(v) != 0 {
		b.Fatalf("violations under load: %v", v[0])
	}
}
