package app_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/storage"
)

const (
	orgAdminID = 9501 // ADMIN_IDS
	orgID      = 9502 // granted the organizer role in the tests
)

// withOrgAdmin makes orgAdminID the admin.
func withOrgAdmin(c *bot.Config) { c.AdminIDs = []int64{orgAdminID} }

var (
	orgAdmin = fakeapi.User{ID: orgAdminID, FirstName: "Admin", Username: "admin", LanguageCode: "en"}
	orgRu    = fakeapi.User{ID: orgID, FirstName: "Ольга", Username: "olga", LanguageCode: "ru"}
)

// almatyLoc is the bot's zone.
var almatyLoc = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Almaty")
	if err != nil {
		panic(err)
	}
	return loc
}()

// seedProposal registers a proposal of userID as another process would,
// daysAgo days before testNow.
func (h *harness) seedProposal(userID int64, i, daysAgo int, region string, cat proposal.Category, forum, title, text string, contact proposal.Contact) string {
	h.t.Helper()
	ctx := context.Background()
	if err := h.store.GiveConsent(ctx, userID, proposal.Consent{Version: proposal.ConsentVersion, At: testNow, Lang: "ru"}); err != nil {
		h.t.Fatal(err)
	}
	d := proposal.Draft{ID: fmt.Sprintf("%012x", 0xb0000+i), Forum: forum, Category: cat, Region: region, Title: title, Text: text, Contact: contact}
	a := proposal.Author{UserID: userID, ChatID: userID}
	if !contact.Anonymous {
		a.Name, a.Phone, a.Username = contact.Name, contact.Phone, fmt.Sprintf("user%d", userID)
	}
	r, err := h.store.SubmitProposal(ctx, storage.Submission{
		Proposal: d.Proposal("ru"), Author: a, DraftID: d.ID,
		Now: testNow.In(almatyLoc).AddDate(0, 0, -daysAgo), Limit: 1000, Window: proposal.LimitWindow,
	})
	if err != nil || r.Outcome != storage.Submitted {
		h.t.Fatalf("seed %d: %+v %v", i, r, err)
	}
	return r.Number
}

// redisState is every key of the bot's prefix but the ones each update
// touches (seen update ids, chat sessions and prefs, the known chats),
// with its DUMP: what a refused action must leave as it was.
func (h *harness) redisState() map[string]string {
	h.t.Helper()
	ctx := context.Background()
	rdb := h.store.Client()
	out := map[string]string{}
	iter := rdb.Scan(ctx, 0, h.cfg.RedisPrefix+"*", 500).Iterator()
	for iter.Next(ctx) {
		k := strings.TrimPrefix(iter.Val(), h.cfg.RedisPrefix)
		if strings.HasPrefix(k, "update:") || strings.HasPrefix(k, "chat:") || k == "chats" {
			continue
		}
		v, err := rdb.Dump(ctx, iter.Val()).Result()
		if err != nil {
			h.t.Fatal(err)
		}
		out[k] = v
	}
	if err := iter.Err(); err != nil {
		h.t.Fatal(err)
	}
	return out
}

func sameState(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	if reflect.DeepEqual(before, after) {
		return
	}
	var changed []string
	for k, v := range after {
		if before[k] != v {
			changed = append(changed, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			changed = append(changed, k+" (deleted)")
		}
	}
	sort.Strings(changed)
	t.Errorf("%s changed Redis: %v", what, changed)
}

// toast waits for the answer to the next callback query of u and returns
// its text.
func (h *harness) forge(u fakeapi.User, messageID int, data string) string {
	h.t.Helper()
	before := len(h.api.CallsTo("answerCallbackQuery"))
	h.api.ForgeCallback(u, messageID, data)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		calls := h.api.CallsTo("answerCallbackQuery")
		if len(calls) > before {
			for _, c := range calls[before:] {
				if c.Err == nil && c.Str("text") != "" {
					return c.Str("text")
				}
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.t.Fatalf("no answer to the forged %q", data)
	return ""
}

// waitMsg waits until the chat's message id shows all of parts (the
// newest message may be another: the files sent after a card).
func (h *harness) waitMsg(chatID int64, id int, parts ...string) fakeapi.Message {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var last fakeapi.Message
	for time.Now().Before(deadline) {
		for _, m := range h.api.Chat(chatID) {
			if m.ID != id {
				continue
			}
			last = m
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(m.Plain, p)
			}
			if ok {
				return m
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.t.Fatalf("chat %d: message %d never showed %q; it shows %q", chatID, id, parts, last.Plain)
	return last
}

// pressIn presses label on m and waits for m itself to show parts (the
// screen is edited in place).
func (h *harness) pressIn(u fakeapi.User, m fakeapi.Message, label string, parts ...string) fakeapi.Message {
	h.t.Helper()
	h.api.PressButton(u, m.ID, button(h.t, m, label).CallbackData)
	return h.waitMsg(u.ID, m.ID, parts...)
}

// grant makes orgRu an organizer through the admin's /grant.
func (h *harness) grantOrganizer() {
	h.t.Helper()
	h.say(orgAdmin, fmt.Sprintf("/grant %d", orgID), fmt.Sprintf("✅ %d is an organizer now", orgID))
}

// TestOrganizerJourney: a Kazakh-speaking citizen sends a proposal with a
// photo and a document; an admin grants a Russian-speaking user the
// organizer role; the organizer finds it in the inbox with its deadline,
// opens it (the files come again, by file id), moves it to "under
// review" and answers it; the author is told both in Kazakh and can no
// longer withdraw it; the audit log holds every step; the role is
// revoked and the inbox closes.
func TestOrganizerJourney(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withOrgAdmin).start()
	ctx := context.Background()
	author, w := user(9503, "kk"), kkWords

	// The proposal, through the dialog.
	h.consent(author, w)
	h.toTitle(author, w)
	h.say(author, w.title, w.textQ)
	h.say(author, w.text, w.attachQ)
	h.send(author, photoMsg("orgph", 180_000), w.attached1)
	m := h.send(author, docMsg("orgdoc", "жоспар.pdf", "application/pdf", 250_000), w.attached2)
	m = h.press(author, m, w.cont, w.contactQ)
	h.press(author, m, w.share, w.shareAsk)
	pv := h.send(author, contactMsg(author.ID), w.preview)
	m = h.press(author, pv, w.send, w.sent)
	number := m.Plain[strings.Index(m.Plain, "AF-2026-"):][:len("AF-2026-000000")]

	// Not an organizer yet: refused, nothing shown.
	h.say(orgRu, "/proposals", "Это могут делать только организаторы форумов.")
	menu := h.say(orgRu, "/start", "Что вас интересует?")
	for _, row := range menu.Keyboard {
		for _, b := range row {
			if strings.Contains(b.Text, "Входящие") {
				t.Error("the menu of a non-organizer offers the inbox")
			}
		}
	}

	h.grantOrganizer()
	menu = h.say(orgRu, "/start", "Что вас интересует?")
	inbox := h.press(orgRu, menu, "🗂 Входящие предложения", "Предложения", "Ждут ответа", "Найдено: 1", number, w.title,
		"🗓 срок 11.12.2026 (осталось 15 рабочих дней)")

	// The card: everything, the author's identity included; the files again.
	h.api.PressButton(orgRu, inbox.ID, button(t, inbox, number).CallbackData)
	card := h.waitMsg(orgRu.ID, inbox.ID, number, "🆕 Зарегистрировано", w.title, w.text,
		"Айгерім Сейітова, +77011234567, @userkk", "жоспар.pdf", "Зарегистрировано: 21 ноября 2026 г., 12:00")
	photo := h.waitCall("sendPhoto", orgRu.ID, nil)
	doc := h.waitCall("sendDocument", orgRu.ID, nil)
	if photo.Str("photo") != "AgAC-orgph" || doc.Str("document") != "BQAC-orgdoc" ||
		!strings.Contains(photo.Str("caption"), number) || !strings.Contains(doc.Str("caption"), "2/2") {
		t.Errorf("attachments re-sent as %q %q (%q, %q)", photo.Str("photo"), doc.Str("document"), photo.Str("caption"), doc.Str("caption"))
	}

	// Status: registered → under review; the author is told in Kazakh.
	m = h.pressIn(orgRu, card, "🔄 Изменить статус", "Изменить статус", "(сейчас: 🆕 Зарегистрировано) на:")
	m = h.pressIn(orgRu, m, "🔎 На рассмотрении", "с 🆕 Зарегистрировано на 🔎 На рассмотрении?", "Автор получит уведомление на своём языке.")
	card = h.pressIn(orgRu, m, "✅ Да, изменить", "Теперь статус: 🔎 На рассмотрении.", "Автор уведомлён (Қазақша).", number)
	note := h.waitText(author.ID, "📬 Сіздің", number, "мәртебесі өзгерді: 🔎 Қаралуда.")
	h.press(author, note, "📄 Ұсынысты ашу", number, "🔎 Қаралуда", w.title)
	if p, _ := h.store.Proposal(ctx, number); p.Status != proposal.StatusUnderReview || !p.UpdatedAt.Equal(testNow) {
		t.Errorf("stored status %s, updated %s", p.Status, p.UpdatedAt)
	}

	// The official answer: typed, previewed, confirmed.
	m = h.pressIn(orgRu, card, "💬 Написать официальный ответ", "Напишите официальный ответ на", "до 3\u00a0000 знаков")
	h.send(orgRu, photoMsg("notext", 100), "Пришлите ответ текстом")
	answer := "Құрметті автор! Ұсынысыңыз облыс әкімдігіне жіберілді, 2027 жылы <b>үйірмелер</b> ашылады."
	pv = h.say(orgRu, answer, "Ответ на "+number, "автор получит его в точности таким", answer)
	if _, err := h.store.Proposal(ctx, number); err != nil {
		t.Fatal(err)
	}
	if p, _ := h.store.Proposal(ctx, number); p.Answer != "" {
		t.Fatal("the answer was stored before the confirmation")
	}
	card = h.press(orgRu, pv, "✅ Отправить автору", "Ответ сохранён.", "Автор уведомлён (Қазақша).", "💬 ответ дан", answer)
	h.waitText(author.ID, "Ұйымдастырушылар сіздің", number, "жауап берді:", answer)
	// The preview's button again: nothing is sent twice.
	if got := h.forge(orgRu, pv.ID, button(t, pv, "✅ Отправить автору").CallbackData); got != "Этот предпросмотр уже неактуален." {
		t.Errorf("the preview pressed again: %q", got)
	}
	if n := len(h.api.CallsTo("sendMessage")); n == 0 {
		t.Fatal("no messages")
	}

	// The author can no longer withdraw it, not even with a forged button.
	m = h.say(author, "/myproposals", number)
	m = h.press(author, m, number, number, answer)
	for _, row := range m.Keyboard {
		for _, b := range row {
			if strings.Contains(b.Text, w.withdraw) {
				t.Error("an answered proposal still offers withdrawal")
			}
		}
	}
	h.api.ForgeCallback(author, m.ID, "pwy:"+number)
	h.waitText(author.ID, "Бұл ұсынысты енді кері қайтарып алу мүмкін емес")
	if p, _ := h.store.Proposal(ctx, number); p.Status != proposal.StatusUnderReview {
		t.Errorf("withdrawn after the answer: %s", p.Status)
	}

	// The audit log: the grant, the status change, the answer.
	a := h.say(orgRu, "/audit", "Журнал действий", "3 записи, сначала новые")
	for _, want := range []string{
		number + ": дан ответ", number + ": 🆕 Зарегистрировано → 🔎 На рассмотрении",
		"администратор 9501", fmt.Sprintf("выдал роль организатора пользователю %d", orgID), "21 ноября 2026 г., 12:00",
	} {
		if !strings.Contains(a.Plain, want) {
			t.Errorf("the audit log lacks %q:\n%s", want, a.Plain)
		}
	}
	if strings.Index(a.Plain, "дан ответ") > strings.Index(a.Plain, "выдал роль") {
		t.Error("the audit log is not newest first")
	}

	// Revoked: the inbox closes at once, buttons included.
	m = h.say(orgAdmin, "/revoke", "Press an organizer to revoke their role", "Organizers granted by admins: 1")
	h.press(orgAdmin, m, fmt.Sprint(orgID), fmt.Sprintf("User %d is no longer an organizer.", orgID), "Organizers granted by admins: 0")
	before := h.redisState()
	h.say(orgRu, "/proposals", "Это могут делать только организаторы форумов.")
	if got := h.forge(orgRu, card.ID, "oo:"+number); got != "Это могут делать только организаторы форумов." {
		t.Errorf("a revoked organizer's button: %q", got)
	}
	sameState(t, "a revoked organizer", before, h.redisState())

	entries, total, _ := h.store.AuditPage(ctx, 0, 10)
	if total != 4 || entries[0].Action != storage.AuditRevoke || entries[0].Actor != orgAdminID {
		t.Errorf("audit after the revocation: %d %+v", total, entries)
	}
}

// TestOrganizerActionsRefused: every organizer command and every forged
// organizer button from someone who is not an organizer is refused and
// changes nothing in Redis; an organizer cannot grant or revoke, and so
// cannot revoke an admin; an admin is not revoked by /revoke either; an
// organizer revoked in the middle of an answer cannot finish it.
func TestOrganizerActionsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withOrgAdmin).start()
	ctx := context.Background()
	number := h.seedProposal(9601, 1, 3, "jambyl", proposal.CategoryEcology, proposal.GeneralForum,
		"Саябақ", "Тараздың орталық саябағына жаңа орындықтар қою керек.", proposal.Contact{Name: "Асқар Омаров", Phone: "+77017654321"})
	h.grantOrganizer()
	h.say(orgAdmin, "/grant 9603", "✅ 9603 is an organizer now")

	stranger := user(9602, "en")
	const refused, notAdmin = "Only the forum organizers can do this.", "Only admins (ADMIN_IDS) can grant and revoke the organizer role."
	before := h.redisState()
	for cmd, want := range map[string]string{
		"/proposals": refused, "/proposals " + number: refused, "/audit": refused,
		"/grant 9602": notAdmin, "/grant": notAdmin, "/revoke 9502": notAdmin, "/revoke": notAdmin,
	} {
		m := h.say(stranger, cmd, want)
		if strings.Contains(m.Plain, "Саябақ") || strings.Contains(m.Plain, "Асқар") {
			t.Errorf("%s showed a proposal or its author to a stranger", cmd)
		}
	}
	last, _ := h.last(stranger.ID)
	forged := []string{
		"oi:0", "of:st:0", "of:fm:1", "ofs:all", "ofr:jambyl", "ofc:-", "off:general", "ofd:overdue", "ofx",
		"oo:" + number, "oc:" + number, "osc:" + number, "omc:" + number + "/registered/accepted",
		"omy:" + number + "/registered/accepted", "omy:" + number + "/registered/rejected", "oan:" + number, "oay:" + number,
		"oex", "oau:", "oau:3",
	}
	for _, data := range forged {
		if got := h.forge(stranger, last.ID, data); got != refused {
			t.Errorf("forged %q from a stranger: %q", data, got)
		}
	}
	if got := h.forge(stranger, last.ID, "orv:9502"); got != notAdmin {
		t.Errorf("forged revoke from a stranger: %q", got)
	}
	for _, c := range h.api.CallsTo("sendDocument") {
		if c.Int("chat_id") == stranger.ID {
			t.Error("a stranger got a document")
		}
	}
	for _, c := range h.api.CallsTo("sendMessage") {
		if c.Int("chat_id") == stranger.ID && (strings.Contains(c.Str("text"), "Саябақ") || strings.Contains(c.Str("text"), "7017654321")) {
			t.Errorf("a stranger saw the proposal: %q", c.Str("text"))
		}
	}
	sameState(t, "a stranger", before, h.redisState())

	// An organizer is no admin: no grant, no revocation, of an admin least of all.
	inbox := h.say(orgRu, "/proposals", "Найдено: 1")
	for _, cmd := range []string{"/grant 9604", fmt.Sprintf("/revoke %d", orgAdminID), "/revoke 9603", "/revoke"} {
		h.say(orgRu, cmd, "Выдавать и отзывать роль организатора могут только администраторы (ADMIN_IDS).")
	}
	for _, data := range []string{fmt.Sprintf("orv:%d", orgAdminID), "orv:9603"} {
		if got := h.forge(orgRu, inbox.ID, data); got != "Выдавать и отзывать роль организатора могут только администраторы (ADMIN_IDS)." {
			t.Errorf("forged %q from an organizer: %q", data, got)
		}
	}
	sameState(t, "an organizer's admin actions", before, h.redisState())
	// Nor does an admin revoke an admin: ADMIN_IDS is the configuration's.
	h.say(orgAdmin, fmt.Sprintf("/revoke %d", orgAdminID), fmt.Sprintf("User %d is an admin (ADMIN_IDS)", orgAdminID))
	h.say(orgAdmin, fmt.Sprintf("/grant %d", orgAdminID), "is an admin (ADMIN_IDS) already")
	sameState(t, "an admin's revocation of an admin", before, h.redisState())
	if ok, _ := h.store.IsOrganizer(ctx, 9603); !ok {
		t.Error("the other organizer lost the role")
	}

	// Revoked while writing an answer: the text is refused, nothing stored.
	card := h.pressIn(orgRu, inbox, number, number, "Асқар Омаров, +77017654321, @user9601")
	h.pressIn(orgRu, card, "💬 Написать официальный ответ", "Напишите официальный ответ")
	h.waitDialog(orgRu.ID, "org_answer")
	h.say(orgAdmin, fmt.Sprintf("/revoke %d", orgID), fmt.Sprintf("User %d is no longer an organizer.", orgID))
	before = h.redisState()
	h.say(orgRu, "Ответ, который уже нельзя отправить.", "Это могут делать только организаторы форумов.")
	h.waitDialog(orgRu.ID, "")
	sameState(t, "a revoked organizer's answer", before, h.redisState())
	if p, _ := h.store.Proposal(ctx, number); p.Answer != "" {
		t.Error("a revoked organizer's answer was stored")
	}
}

// TestOrganizerGrantByForward: /grant, then a forwarded message names the
// user; hidden senders, bots and channels are explained, not granted.
func TestOrganizerGrantByForward(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withOrgAdmin).start()
	ctx := context.Background()
	fwd := func(o models.MessageOrigin) models.Message {
		return models.Message{Text: "Сәлем!", ForwardOrigin: &o}
	}
	h.say(orgAdmin, "/grant", "Send me the Telegram id of the user", "Organizers granted by admins: 0")
	h.waitDialog(orgAdmin.ID, "org_grant")
	h.send(orgAdmin, fwd(models.MessageOrigin{Type: models.MessageOriginTypeHiddenUser,
		MessageOriginHiddenUser: &models.MessageOriginHiddenUser{SenderUserName: "Someone"}}), "hides their account in forwarded messages")
	h.send(orgAdmin, fwd(models.MessageOrigin{Type: models.MessageOriginTypeUser,
		MessageOriginUser: &models.MessageOriginUser{SenderUser: models.User{ID: 777, IsBot: true, FirstName: "Bot"}}}), "only people can be organizers")
	h.say(orgAdmin, "not an id", "Send the user's id (digits), or forward me a message they wrote.")
	h.send(orgAdmin, fwd(models.MessageOrigin{Type: models.MessageOriginTypeUser,
		MessageOriginUser: &models.MessageOriginUser{SenderUser: models.User{ID: 9701, FirstName: "Әсем", LastName: "Нұрланқызы", Username: "asem"}}}),
		"✅ Әсем Нұрланқызы @asem (9701) is an organizer now")
	h.waitDialog(orgAdmin.ID, "")
	list, err := h.store.Organizers(ctx)
	if err != nil || len(list) != 1 || list[0].UserID != 9701 || list[0].Name != "Әсем Нұрланқызы @asem" || list[0].GrantedBy != orgAdminID {
		t.Fatalf("organizers %+v %v", list, err)
	}
	// The new organizer has the inbox at once.
	asem := fakeapi.User{ID: 9701, FirstName: "Әсем", LanguageCode: "kk"}
	h.say(asem, "/proposals", "Ұсыныстар", "Жауап күтуде", "Табылды: 0", "Бұл сүзгілерге сай ұсыныс жоқ.")

	// /revoke by a forwarded message too; the list shows the name.
	h.say(orgAdmin, "/revoke", "Әсем Нұрланқызы @asem (9701)")
	h.send(orgAdmin, fwd(models.MessageOrigin{Type: models.MessageOriginTypeUser,
		MessageOriginUser: &models.MessageOriginUser{SenderUser: models.User{ID: 9701, FirstName: "Әсем"}}}), "User 9701 is no longer an organizer.")
	h.say(asem, "/proposals", "Мұны тек форум ұйымдастырушылары жасай алады.")
	h.say(orgAdmin, "/revoke 9701", "User 9701 is not an organizer.")
	m := h.say(orgAdmin, "/audit", "2 entries, newest first", "revoked the organizer role of user 9701", "granted the organizer role to user 9701")
	if strings.Count(m.Plain, "admin 9501") != 2 {
		t.Errorf("the audit log does not name the admin twice:\n%s", m.Plain)
	}
}

// inboxSpecs are the proposals of TestOrganizerInboxFiltersPagesDeadlines,
// registered daysAgo days before Saturday 21 November 2026, in order.
var inboxSpecs = []struct {
	daysAgo  int
	region   string
	category proposal.Category
	forum    string
}{
	{40, "jambyl", proposal.CategoryEcology, proposal.GeneralForum},   // 1: overdue
	{30, "astana", proposal.CategoryYouth, "taraz-viii-2018"},         // 2: overdue
	{21, "jambyl", proposal.CategoryEducation, proposal.GeneralForum}, // 3: 31 October: overdue
	{19, "jambyl", proposal.CategoryEcology, proposal.GeneralForum},   // 4: 2 November: due on the 23rd
	{18, "almaty", proposal.CategoryOther, proposal.GeneralForum},     // 5: 3 November: due on the 24th
	{10, "jambyl", proposal.CategoryEcology, "taraz-viii-2018"},       // 6
	{6, "shymkent", proposal.CategoryHealth, proposal.GeneralForum},   // 7
	{5, "jambyl", proposal.CategorySocial, proposal.GeneralForum},     // 8
	{4, "abai", proposal.CategoryEcology, proposal.GeneralForum},      // 9
	{3, "jambyl", proposal.CategoryYouth, "kyzylorda-x-2021"},         // 10
	{1, "jambyl", proposal.CategoryEcology, proposal.GeneralForum},    // 11
	{0, "astana", proposal.CategoryNGO, proposal.GeneralForum},        // 12: due on 14 December (1 December is off)
}

// TestOrganizerInboxFiltersPagesDeadlines: the inbox pages through the
// proposals oldest first with their deadlines on a fixed clock (holidays
// from HOLIDAYS included), filters by region, category, forum, status,
// overdue and due soon, and resets.
func TestOrganizerInboxFiltersPagesDeadlines(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withOrgAdmin, func(c *bot.Config) {
		hol, err := proposal.ParseHolidays("kz,2026-12-01")
		if err != nil {
			t.Fatal(err)
		}
		c.Holidays = hol
	}).start()
	ctx := context.Background()
	var numbers []string
	for i, sp := range inboxSpecs {
		numbers = append(numbers, h.seedProposal(int64(9800+i), i, sp.daysAgo, sp.region, sp.category, sp.forum,
			fmt.Sprintf("Ұсыныс №%d", i+1), fmt.Sprintf("Ұсыныстың мәтіні №%d: аулаларды абаттандыру.", i+1), proposal.Contact{Anonymous: true}))
	}
	h.grantOrganizer()
	// Shows exactly the numbers of want, in order.
	shows := func(m fakeapi.Message, want ...int) {
		t.Helper()
		var got []int
		for i, n := range numbers {
			if strings.Contains(m.Plain, n) {
				got = append(got, i+1)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("the screen lists %v, want %v:\n%s", got, want, m.Plain)
		}
		last := -1
		for _, i := range want {
			at := strings.Index(m.Plain, numbers[i-1])
			if at < last {
				t.Errorf("%s is out of order", numbers[i-1])
			}
			last = at
		}
	}

	m := h.say(orgRu, "/proposals", "Ждут ответа", "Найдено: 12 · ⚠️ просрочено: 3 · ⏳ срок в ближайшие 3 рабочих дня: 2", "стр. 1/3")
	shows(m, 1, 2, 3, 4, 5)
	for _, want := range []string{
		"⚠️ просрочено: ответ был нужен до 03.11.2026", "⏳ срок 23.11.2026: остался 1 рабочий день",
		"⏳ срок 24.11.2026: осталось 2 рабочих дня", "📅 12.10.2026",
	} {
		if !strings.Contains(m.Plain, want) {
			t.Errorf("page 1 lacks %q:\n%s", want, m.Plain)
		}
	}
	m = h.pressIn(orgRu, m, "Далее ▶️", "стр. 2/3")
	shows(m, 6, 7, 8, 9, 10)
	m = h.pressIn(orgRu, m, "Далее ▶️", "стр. 3/3")
	shows(m, 11, 12)
	if !strings.Contains(m.Plain, "🗓 срок 14.12.2026 (осталось 15 рабочих дней)") {
		t.Errorf("the deadline of a proposal of today, with 1 December off:\n%s", m.Plain)
	}

	// Region, then category, then forum.
	m = h.pressIn(orgRu, m, "📍 Все регионы", "Показать предложения о регионе:")
	m = h.pressIn(orgRu, m, "Жамбылская область", "Ждут ответа · Жамбылская область", "Найдено: 7")
	shows(m, 1, 3, 4, 6, 8)
	m = h.pressIn(orgRu, m, "🏷 Все категории", "Показать предложения категории:")
	m = h.pressIn(orgRu, m, "Экология", "Жамбылская область · 🌳 Экология", "Найдено: 4 · ⚠️ просрочено: 1 · ⏳ срок в ближайшие 3 рабочих дня: 1")
	shows(m, 1, 4, 6, 11)
	m = h.pressIn(orgRu, m, "🏛 Все форумы", "Показать предложения форуму:")
	m = h.pressIn(orgRu, m, "Тараз", "Найдено: 1")
	shows(m, 6)
	m = h.pressIn(orgRu, m, "✖️ Сбросить фильтры", "Найдено: 12")
	shows(m, 1, 2, 3, 4, 5)

	// Overdue, due soon, toggled on and off.
	m = h.pressIn(orgRu, m, "⚠️ Просрочены", "Ждут ответа · ⚠️ Просрочены", "Найдено: 3")
	shows(m, 1, 2, 3)
	m = h.pressIn(orgRu, m, "✓ ⚠️ Просрочены", "Найдено: 12")
	m = h.pressIn(orgRu, m, "⏳ Скоро срок", "Найдено: 2")
	shows(m, 4, 5)
	m = h.pressIn(orgRu, m, "✖️ Сбросить фильтры", "Найдено: 12")

	// Status: accepted ones still owe an answer; the status filter finds them.
	if r, err := h.store.ChangeProposalStatus(ctx, storage.StatusChange{Number: numbers[1], From: proposal.StatusRegistered,
		To: proposal.StatusAccepted, Actor: orgID, Now: testNow}); err != nil || !r.Moved {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := h.store.AnswerProposal(ctx, numbers[2], "Жауап берілді.", orgID, testNow); err != nil {
		t.Fatal(err)
	}
	m = h.pressIn(orgRu, m, "🔎 Ждут ответа", "Показать предложения со статусом:")
	m = h.pressIn(orgRu, m, "✅ Принято", "Найдено: 1")
	shows(m, 2)
	m = h.pressIn(orgRu, m, "🔎 ✅ Принято", "Показать предложения со статусом:")
	m = h.pressIn(orgRu, m, "Все статусы", "Найдено: 12 · ⚠️ просрочено: 2")
	if !strings.Contains(m.Plain, "💬 ответ дан") {
		t.Errorf("an answered proposal is not marked:\n%s", m.Plain)
	}
	m = h.pressIn(orgRu, m, "🔎 Все статусы", "Показать предложения со статусом:")
	m = h.pressIn(orgRu, m, "Ждут ответа", "Найдено: 11")
	shows(m, 1, 2, 4, 5, 6)

	// A page asked for beyond the end (a list that shrank) shows the last.
	h.api.ForgeCallback(orgRu, m.ID, "oi:40")
	m = h.waitMsg(orgRu.ID, m.ID, "Найдено: 11", "стр. 3/3")
	shows(m, 12)
}

// seedExport registers the proposals of the CSV tests: commas, quotes and
// a line break in the text, a formula-like title, an anonymous one, an
// answered one whose author used /forgetme, a withdrawn one.
func (h *harness) seedExport() []string {
	h.t.Helper()
	ctx := context.Background()
	a := h.seedProposal(9901, 0, 30, "jambyl", proposal.CategoryEcology, "taraz-viii-2018", `Саябақ, "жасыл" аймақ`,
		"Бірінші жол.\r\nЕкінші жол: ағаштар, гүлдер — Қазақстан.", proposal.Contact{Name: "Асқар Омаров", Phone: "+77017654321"})
	b := h.seedProposal(9902, 1, 2, "astana", proposal.CategoryYouth, proposal.GeneralForum, `=HYPERLINK("http://x","y")`,
		"-Тізім: жастар орталығы, спорт алаңы; «Жасыл ел».", proposal.Contact{Anonymous: true})
	c := h.seedProposal(9903, 2, 10, "almaty", proposal.CategoryOther, proposal.GeneralForum, "Веложолдар",
		"Алматыда веложолдар желісін кеңейту керек, әсіресе таулы аудандарда.", proposal.Contact{Name: "Ерлан Сейітов", Phone: "+77020000000"})
	d := h.seedProposal(9904, 3, 1, "abai", proposal.CategorySocial, proposal.GeneralForum, "Әлеуметтік көмек",
		"Семейдегі қарттарға үйде көмек көрсету қызметін кеңейту керек.", proposal.Contact{Name: "Дәулет", Phone: "+77030000000"})
	later := testNow.Add(90 * time.Minute)
	if r, err := h.store.ChangeProposalStatus(ctx, storage.StatusChange{Number: c, From: proposal.StatusRegistered, To: proposal.StatusAccepted, Actor: orgID, Now: later}); err != nil || !r.Moved {
		h.t.Fatalf("%+v %v", r, err)
	}
	if _, err := h.store.AnswerProposal(ctx, c, "Қабылданды.\nКелесі жылы басталады.", orgID, later); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.store.ForgetUser(ctx, 9903, 9903, later); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.store.WithdrawProposal(ctx, 9904, d, later); err != nil {
		h.t.Fatal(err)
	}
	return []string{a, b, c, d}
}

// exportCSV is the export of seedExport's proposals, every status, in
// Russian, at testNow. Line breaks inside a quoted cell are CRLF too, as
// encoding/csv writes them with UseCRLF.
const exportCSV = "\uFEFF" +
	"Номер,Зарегистрировано,Статус,Срок ответа,Состояние срока,Форум,Категория,Регион,Заголовок,Текст,Вложения,Контакт,Имя,Телефон,Telegram,Ответ,Дата ответа,Изменено,Язык\r\n" +
	"AF-2026-000001,2026-10-22 12:00,Зарегистрировано,2026-11-13,просрочено,16.10.2018 · Тараз · VIII форум неправительственных организаций,Экология,Жамбылская область,\"Саябақ, \"\"жасыл\"\" аймақ\",\"Бірінші жол.\r\nЕкінші жол: ағаштар, гүлдер — Қазақстан.\",0,имя и телефон,Асқар Омаров,+77017654321,user9901,,,2026-10-22 12:00,ru\r\n" +
	"AF-2026-000003,2026-11-11 12:00,Принято,2026-12-02,,Общее,Другое,город Алматы,Веложолдар,\"Алматыда веложолдар желісін кеңейту керек, әсіресе таулы аудандарда.\",0,удалён автором,,,,\"Қабылданды.\r\nКелесі жылы басталады.\",2026-11-21 13:30,2026-11-21 13:30,ru\r\n" +
	"AF-2026-000002,2026-11-19 12:00,Зарегистрировано,2026-12-10,,Общее,Молодёжь,город Астана,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"'-Тізім: жастар орталығы, спорт алаңы; «Жасыл ел».\",0,анонимно,,,,,,2026-11-19 12:00,ru\r\n" +
	"AF-2026-000004,2026-11-20 12:00,Отозвано,,,Общее,Социальная поддержка,область Абай,Әлеуметтік көмек,Семейдегі қарттарға үйде көмек көрсету қызметін кеңейту керек.,0,имя и телефон,Дәулет,+77030000000,user9904,,,2026-11-21 13:30,ru\r\n"

// TestOrganizerExportCSV: the export button sends the inbox's proposals as
// a CSV document, byte for byte: the BOM, the header in the organizer's
// language, one row per proposal in the inbox's order, quoting of commas,
// quotes and line breaks, Kazakh letters as they are, formula-like cells
// defused, no identity for the anonymous and the forgotten; and the export
// is in the audit log.
func TestOrganizerExportCSV(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withOrgAdmin).start()
	h.seedExport()
	h.grantOrganizer()
	m := h.say(orgRu, "/proposals", "Найдено: 2")
	m = h.pressIn(orgRu, m, "🔎 Ждут ответа", "Показать предложения со статусом:")
	m = h.pressIn(orgRu, m, "Все статусы", "Найдено: 4")
	h.api.PressButton(orgRu, m.ID, button(t, m, "📤 Выгрузить CSV").CallbackData)
	doc := h.waitCall("sendDocument", orgRu.ID, nil)
	f := doc.File("document")
	if f == nil {
		t.Fatal("the export was not uploaded")
	}
	if f.Name != "proposals-2026-11-21-1200.csv" {
		t.Errorf("file name %q", f.Name)
	}
	if got := string(f.Content); got != exportCSV {
		t.Errorf("CSV:\n%q\nwant:\n%q", got, exportCSV)
	}
	if c := doc.Str("caption"); !strings.Contains(c, "📤 4 предложения · Все статусы") {
		t.Errorf("caption %q", c)
	}
	if got := h.callbackAnswer(t); got != "Выгружено: 4 предложения." {
		t.Errorf("toast %q", got)
	}
	entries, _, err := h.store.AuditPage(context.Background(), 0, 1)
	if err != nil || len(entries) != 1 || entries[0].Action != storage.AuditExport || entries[0].Actor != orgID ||
		entries[0].Note != "status=all rows=4" {
		t.Errorf("audit %+v %v", entries, err)
	}
	h.say(orgRu, "/audit", "выгрузил CSV: status=all rows=4")
}

// TestOrganizerLongProposal: a 4,000-character proposal with a
// 3,000-character answer: the card stays within one message (its text
// shortened), the whole text comes on opening, and an author the bot
// cannot reach is said to be so.
func TestOrganizerLongProposal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withOrgAdmin).start()
	text := string([]rune(strings.Repeat("Ұзын ұсыныс мәтіні, Қазақстан өңірлері. ", 120))[:3990]) + " СОҢЫ."
	number := h.seedProposal(9951, 1, 1, "jambyl", proposal.CategoryEcology, proposal.GeneralForum, strings.Repeat("Т", 120), text,
		proposal.Contact{Name: strings.Repeat("Айгерім ", 16), Phone: "+77011234567"})
	h.grantOrganizer()
	// The author wrote to the bot once, and has blocked it since.
	h.say(user(9951, "kk"), "/start", "")
	h.api.Inject(fakeapi.Fault{Method: "sendMessage", ChatID: 9951, Code: 403})
	inbox := h.say(orgRu, "/proposals", number)
	h.api.PressButton(orgRu, inbox.ID, button(t, inbox, number).CallbackData)
	card := h.waitMsg(orgRu.ID, inbox.ID, number, "показано начало; всего знаков: 3\u00a0996")
	full := h.waitText(orgRu.ID, number+" · полный текст", "СОҢЫ.")
	if !strings.Contains(full.Plain, text) {
		t.Error("the whole text did not come")
	}
	h.pressIn(orgRu, card, "💬 Написать официальный ответ", "Напишите официальный ответ")
	answer := string([]rune(strings.Repeat("Жауап мәтіні, толық және нақты. ", 100))[:3000])
	pv := h.say(orgRu, answer, "Ответ на "+number)
	if n := len([]rune(pv.Plain)); n > 4096 {
		t.Errorf("the preview has %d characters", n)
	}
	h.api.PressButton(orgRu, pv.ID, button(t, pv, "✅ Отправить автору").CallbackData)
	card = h.waitMsg(orgRu.ID, pv.ID, "Ответ сохранён.", "Автору не удалось написать", "💬 ответ дан")
	if n := len([]rune(card.Plain)); n > 4096 {
		t.Errorf("the card has %d characters", n)
	}
	if p, _ := h.store.Proposal(context.Background(), number); p.Answer != answer {
		t.Error("the answer was not stored whole")
	}
	// Opened again, answered: a shorter beginning, the whole text below.
	h.api.PressButton(orgRu, card.ID, button(t, card, "📥 К списку").CallbackData)
	inbox = h.waitMsg(orgRu.ID, card.ID, "Найдено: 0")
	h.say(orgRu, "/proposals "+strings.ToLower(number), number+" · полный текст", "СОҢЫ.")
	h.waitCall("sendMessage", orgRu.ID, func(c fakeapi.Call) bool {
		return strings.Contains(c.Str("text"), "💬 ответ дан") && strings.Contains(c.Str("text"), "всего знаков: 3\u00a0996")
	})
	h.say(orgRu, "/proposals AF-26-1", "Напишите номер предложения так: /proposals AF-2026-000123")
	h.say(orgRu, "/proposals AF-2026-000777", "Найдено: 0")
	h.waitCall("sendMessage", orgRu.ID, func(c fakeapi.Call) bool { return c.Str("text") == "Предложения AF-2026-000777 нет." })
}
