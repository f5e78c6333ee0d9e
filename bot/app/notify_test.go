package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot/app"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/handlers"
	"github.com/forumbot/forumbot/storage"
)

// The notices to proposals' authors (handlers/notify.go): recorded with
// the change, sent at once by the organizer's handler, and by the senders
// of every replica whatever that send could not finish.

// fastNotices retries at once and takes a dead sender's notices over
// after lease; the lease's half still cuts every send off.
func fastNotices(lease time.Duration) *handlers.NoticeConfig {
	return &handlers.NoticeConfig{Lease: lease, Poll: 50 * time.Millisecond, Backoff: 100 * time.Millisecond, MaxBackoff: 500 * time.Millisecond}
}

// startNotifying starts a replica whose notices are configured by cfg.
func (h *harness) startNotifying(cfg *handlers.NoticeConfig) *replica {
	h.t.Helper()
	return h.startReplicaWith(func(o *app.Options) { o.Notices = cfg })
}

// waitUntil polls cond until it holds, failing after within.
func waitUntil(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", within, what)
		}
	}
}

// notices are the messages in chat that tell of proposal number, by what
// they contain (a status change in Russian, the seeded proposals'
// language, unless the author's chat chose another).
func (h *harness) notices(chatID int64, number, contains string) int {
	n := 0
	for _, m := range h.api.Chat(chatID) {
		if strings.Contains(m.Plain, "📬") && strings.Contains(m.Plain, number) && strings.Contains(m.Plain, contains) {
			n++
		}
	}
	return n
}

// authorSendCalls counts the sendMessage calls to chat, failed ones too.
func (h *harness) authorSendCalls(chatID int64) (all, failed int) {
	for _, c := range h.api.CallsTo("sendMessage") {
		if c.Int("chat_id") == chatID {
			all++
			if c.Err != nil {
				failed++
			}
		}
	}
	return all, failed
}

// moveToReview opens number's card as orgRu and moves it to "under
// review" up to the confirmation; press returns the confirmation's screen
// and the label to press.
func (h *harness) moveToReview(number string) fakeapi.Message {
	h.t.Helper()
	card := h.say(orgRu, "/proposals "+number, number, "Зарегистрировано")
	m := h.pressIn(orgRu, card, "🔄 Изменить статус", "(сейчас: 🆕 Зарегистрировано) на:")
	return h.pressIn(orgRu, m, "🔎 На рассмотрении", "Автор получит уведомление на своём языке.")
}

// confirm presses "yes" on the confirmation m and waits (up to within:
// the send to the author may take the reply's whole retry budget) for the
// card to show note.
func (h *harness) confirm(m fakeapi.Message, within time.Duration, note string) {
	h.t.Helper()
	h.api.PressButton(orgRu, m.ID, button(h.t, m, "✅ Да, изменить").CallbackData)
	waitUntil(h.t, within, "the organizer's note "+note, func() bool {
		for _, x := range h.api.Chat(orgRu.ID) {
			if x.ID == m.ID && strings.Contains(x.Plain, note) {
				return true
			}
		}
		return false
	})
}

func (h *harness) noticeStats() map[string]int64 {
	h.t.Helper()
	s, err := h.store.NoticeStats(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

func (h *harness) pendingNotices() int64 {
	h.t.Helper()
	n, err := h.store.PendingNotices(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

const statusRu = "новый статус: 🔎 На рассмотрении"

// TestNoticeOutlivesABotAPIOutage: the Bot API answers 502 to every
// message for the author's chat for longer than the reply's retry budget
// (15 s). The organizer's change is made and they are told the author
// will be told later; the sender retries with backoff, and the author gets
// the notice once after the outage.
func TestNoticeOutlivesABotAPIOutage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withOrgAdmin)
	r := h.startNotifying(fastNotices(50 * time.Second)) // sends cut off at 25 s: the reply's budget ends them first
	author := int64(9711)
	h.api.AddChats(models.Chat{ID: author})
	number := h.seedProposal(author, 0, 2, "jambyl", proposal.CategoryEcology, proposal.GeneralForum,
		"Саябақ", "Тараздың орталық саябағына жаңа орындықтар қою керек.", proposal.Contact{Name: "Асқар", Phone: "+77017654321"})
	h.grantOrganizer()
	m := h.moveToReview(number)

	h.api.Inject(fakeapi.Fault{Method: "sendMessage", ChatID: author, Code: 502, Until: time.Now().Add(19 * time.Second)})
	h.confirm(m, 30*time.Second, "Автор получит уведомление, как только Telegram позволит боту ему написать.")
	if p, _ := h.store.Proposal(context.Background(), number); p.Status != proposal.StatusUnderReview {
		t.Fatalf("status %s", p.Status)
	}
	// The operator sees it waiting (the outage lasts 19 s).
	if got := metric(r.gather(t), "forumbot_notices_pending"); got != 1 {
		t.Errorf("forumbot_notices_pending %v during the outage, want 1", got)
	}
	waitUntil(t, 30*time.Second, "the notice after the outage", func() bool { return h.notices(author, number, statusRu) > 0 })
	waitUntil(t, 10*time.Second, "the outbox to empty", func() bool { return h.pendingNotices() == 0 })
	if n := h.notices(author, number, statusRu); n != 1 {
		t.Errorf("the author got the notice %d times", n)
	}
	if fams := r.gather(t); fams["forumbot_notices_pending"] == nil || metric(fams, "forumbot_notices_pending") != 0 {
		t.Errorf("forumbot_notices_pending after the delivery: %v, want 0", metric(fams, "forumbot_notices_pending"))
	}
	all, failed := h.authorSendCalls(author)
	if all-failed != 1 || failed < 2 {
		t.Errorf("%d sends to the author, %d failed: want one success after several failures", all, failed)
	}
	if s := h.noticeStats(); s[storage.NoticeSent] != 1 || len(s) != 1 {
		t.Errorf("stats %v", s)
	}
}

// TestNoticeSurvivesACrash: the organizer's change is made, and the
// process dies while it sends the notice (the Bot API hangs; the sender
// is crashed: nothing more reaches Redis); a new process on the same
// Redis sends it, once.
func TestNoticeSurvivesACrash(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withOrgAdmin)
	first := h.startNotifying(fastNotices(3 * time.Second))
	author := int64(9721)
	h.api.AddChats(models.Chat{ID: author})
	number := h.seedProposal(author, 0, 2, "jambyl", proposal.CategoryEcology, proposal.GeneralForum,
		"Саябақ", "Тараздың орталық саябағына жаңа орындықтар қою керек.", proposal.Contact{Name: "Асқар", Phone: "+77017654321"})
	h.grantOrganizer()
	m := h.moveToReview(number)

	h.api.Inject(fakeapi.Fault{Method: "sendMessage", ChatID: author, Delay: time.Minute}) // hangs
	h.api.PressButton(orgRu, m.ID, button(t, m, "✅ Да, изменить").CallbackData)
	waitUntil(t, 10*time.Second, "the status change", func() bool {
		p, err := h.store.Proposal(context.Background(), number)
		return err == nil && p.Status == proposal.StatusUnderReview
	})
	if n := h.pendingNotices(); n != 1 {
		t.Fatalf("%d notices recorded with the change", n)
	}
	// Crashed and stopped while the send still hangs: clearing the fault
	// first would let the organizer's own hanging send through.
	first.app.Notices().Crash()
	if err := first.stop(t); err != nil {
		t.Logf("the crashed replica stopped with %v", err)
	}
	h.api.ClearFaults()
	if n := h.notices(author, number, statusRu); n != 0 {
		t.Fatalf("the notice went out before the crash (%d)", n)
	}

	h.startNotifying(fastNotices(3 * time.Second))
	waitUntil(t, 30*time.Second, "the new process to send the notice", func() bool { return h.notices(author, number, statusRu) > 0 })
	waitUntil(t, 10*time.Second, "the outbox to empty", func() bool { return h.pendingNotices() == 0 })
	if n := h.notices(author, number, statusRu); n != 1 {
		t.Errorf("the author got the notice %d times", n)
	}
	if s := h.noticeStats(); s[storage.NoticeSent] != 1 {
		t.Errorf("stats %v", s)
	}
}

// TestNoticeToABlockedAuthor: 403 for the author's chat: the notice is
// dropped and counted, the organizer is told, and nothing is left to
// retry.
func TestNoticeToABlockedAuthor(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withOrgAdmin)
	h.startNotifying(fastNotices(10 * time.Second))
	author := int64(9731)
	h.api.AddChats(models.Chat{ID: author})
	number := h.seedProposal(author, 0, 2, "jambyl", proposal.CategoryEcology, proposal.GeneralForum,
		"Саябақ", "Тараздың орталық саябағына жаңа орындықтар қою керек.", proposal.Contact{Name: "Асқар", Phone: "+77017654321"})
	h.grantOrganizer()
	m := h.moveToReview(number)

	h.api.Inject(fakeapi.Fault{Method: "sendMessage", ChatID: author, Code: 403})
	h.confirm(m, 10*time.Second, "Автору не удалось написать")
	if n := h.pendingNotices(); n != 0 {
		t.Errorf("%d notices left to retry", n)
	}
	if s := h.noticeStats(); s[storage.NoticeBlocked] != 1 || len(s) != 1 {
		t.Errorf("stats %v", s)
	}
	if all, failed := h.authorSendCalls(author); all != 1 || failed != 1 {
		t.Errorf("%d sends to the author (%d failed): want the one refused", all, failed)
	}
}

// TestNoticesOfTwoReplicasGoOutOnce: two replicas on one Redis; notices
// recorded with no process sending them at once (as after a crash right
// after the change) are sent by the two, each once, in the authors'
// languages; the notice of an author who used /forgetme meanwhile is
// dropped unsent.
func TestNoticesOfTwoReplicasGoOutOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withOrgAdmin)
	ctx := context.Background()
	const n = 12
	numbers := make([]string, n)
	for i := range n {
		author := int64(9800 + i)
		h.api.AddChats(models.Chat{ID: author})
		numbers[i] = h.seedProposal(author, i, 1, "jambyl", proposal.CategoryYouth, proposal.GeneralForum,
			fmt.Sprintf("Ұсыныс %d", i), "Жастар орталығын ашу керек, спорт алаңдарымен бірге.", proposal.Contact{Anonymous: true})
	}
	if err := h.store.Client().HSet(ctx, h.cfg.RedisPrefix+"chat:9800:prefs", "lang", "kk").Err(); err != nil {
		t.Fatal(err)
	}
	for _, num := range numbers {
		if r, err := h.store.ChangeProposalStatus(ctx, storage.StatusChange{Number: num, From: proposal.StatusRegistered,
			To: proposal.StatusUnderReview, Actor: orgID, Now: testNow}); err != nil || r.Notice == "" {
			t.Fatalf("%+v %v", r, err)
		}
		if r, err := h.store.AnswerProposal(ctx, num, "Жауап берілді.", orgID, testNow); err != nil || r.Notice == "" {
			t.Fatalf("%+v %v", r, err)
		}
	}
	const gone = int64(9899)
	h.api.AddChats(models.Chat{ID: gone})
	forgotten := h.seedProposal(gone, n, 1, "abai", proposal.CategorySocial, proposal.GeneralForum,
		"Көмек", "Қарттарға үйде көмек көрсету қызметін кеңейту керек.", proposal.Contact{Anonymous: true})
	if r, err := h.store.AnswerProposal(ctx, forgotten, "Жауап.", orgID, testNow); err != nil || r.Notice == "" {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := h.store.ForgetUser(ctx, gone, gone, testNow); err != nil {
		t.Fatal(err)
	}
	h.startNotifying(fastNotices(5 * time.Second))
	h.startNotifying(fastNotices(5 * time.Second))
	// The notices are held for the process that recorded them
	// (storage.NoticeHold), then the two replicas share them.
	waitUntil(t, 40*time.Second, "every notice to be sent or dropped", func() bool {
		s := h.noticeStats()
		return s[storage.NoticeSent] == 2*n && s[storage.NoticeForgotten] == 1
	})
	if p := h.pendingNotices(); p != 0 {
		t.Errorf("%d notices pending", p)
	}
	for i, num := range numbers {
		status, answer := statusRu, "Организаторы ответили на ваше предложение"
		if i == 0 {
			status, answer = "мәртебесі өзгерді: 🔎 Қаралуда", "Ұйымдастырушылар сіздің"
		}
		if a, b := h.notices(9800+int64(i), num, status), h.notices(9800+int64(i), num, answer); a != 1 || b != 1 {
			t.Errorf("author of %s: %d status notices, %d answers; want 1 and 1", num, a, b)
		}
	}
	if all, _ := h.authorSendCalls(9801); all != 2 {
		t.Errorf("%d sends to one author for 2 notices", all)
	}
	if all, _ := h.authorSendCalls(gone); all != 0 {
		t.Errorf("%d sends to an author who used /forgetme", all)
	}
}
