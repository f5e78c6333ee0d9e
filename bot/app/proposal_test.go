package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/storage"
)

// propWords are what the proposal dialog says in one language: a phrase of
// each screen, and the labels of the buttons pressed.
type propWords struct {
	lang                                                  string
	propose, consent, accept, thanks, quota5              string
	forumQ, forum, categoryQ, category, regionQ           string
	region, titleQ, textQ, attachQ, attached0             string
	attached1, attached2, cont, contactQ, share, shareAsk string
	received, preview, send, sent, quota4, myList         string
	registered, named, withdraw, withdrawYes, gone        string
	withdrawn                                             string
	storedCategory                                        proposal.Category
	storedForum, storedRegion                             string
	title, text                                           string
}

var kkWords = propWords{
	lang: "kk", propose: "📝 Ұсыныс жіберу", consent: "Дербес деректеріңіз және ұсыныстарыңыз", accept: "✅ Келісемін",
	thanks: "Рақмет: келісіміңіз", quota5: "Бүгін тағы 5 ұсыныс жібере аласыз",
	forumQ: "Ұсынысыңыз қай форумға?", forum: "Тараз", categoryQ: "Ұсыныстың санатын таңдаңыз", category: "Білім беру",
	regionQ: "Ол қай өңірге қатысты?", region: "Жамбыл облысы", titleQ: "120 таңбаға дейін", textQ: "20–4\u00a0000 таңба",
	attachQ: "Фото немесе құжат тіркеңіз", attached0: "Тіркелгені: 0 / 3", attached1: "Тіркелгені: 1 / 3", attached2: "Тіркелгені: 2 / 3", cont: "➡️ Жалғастыру",
	contactQ: "Ұйымдастырушылар сізбен қалай байланыссын?", share: "📱 Атым және телефоным", shareAsk: "Контактімді жіберу",
	received: "Контакт алынды: Айгерім Сейітова, +77011234567", preview: "Жібермес бұрын ұсынысыңызды тексеріңіз",
	send: "✅ Жіберу", sent: "нөмірімен тіркелді", quota4: "Бүгін тағы 4 ұсыныс", myList: "Сізде 1 ұсыныс бар",
	registered: "🆕 Тіркелді", named: "атыңызбен және телефоныңызбен", withdraw: "Ұсынысты кері қайтарып алу",
	withdrawYes: "Иә, қайтарып алу", gone: "ұсынысы кері қайтарылды", withdrawn: "↩️ Кері қайтарылды",
	storedCategory: proposal.CategoryEducation, storedForum: "taraz-viii-2018", storedRegion: "jambyl",
	title: "Мектептерге робототехника үйірмелері",
	text:  "Облыстың әр мектебінде балаларға арналған тегін робототехника үйірмесін ашуды ұсынамын.",
}

var ruWords = propWords{
	lang: "ru", propose: "📝 Подать предложение", consent: "Ваши персональные данные и предложения", accept: "✅ Согласен(на)",
	thanks: "Спасибо: ваше согласие", quota5: "Сегодня вы можете отправить ещё 5 предложений",
	forumQ: "Какому форуму ваше предложение?", forum: "Тараз", categoryQ: "Выберите категорию", category: "Экология",
	regionQ: "Какого региона оно касается?", region: "Жамбылская область", titleQ: "до 120 знаков", textQ: "От 20 до 4\u00a0000 знаков",
	attachQ: "Приложите фото или документы", attached0: "Приложено: 0 из 3", attached1: "Приложено: 1 из 3", attached2: "Приложено: 2 из 3", cont: "➡️ Продолжить",
	contactQ: "Как организаторам связаться с вами?", share: "📱 С именем и телефоном", shareAsk: "Отправить мой контакт",
	received: "Контакт получен: Айгерім Сейітова, +77011234567", preview: "Проверьте предложение перед отправкой",
	send: "✅ Отправить", sent: "зарегистрировано под номером", quota4: "ещё 4 предложения", myList: "У вас 1 предложение",
	registered: "🆕 Зарегистрировано", named: "с вашим именем и телефоном", withdraw: "Отозвать предложение",
	withdrawYes: "Да, отозвать", gone: "отозвано", withdrawn: "↩️ Отозвано",
	storedCategory: proposal.CategoryEcology, storedForum: "taraz-viii-2018", storedRegion: "jambyl",
	title: "Велодорожки в Таразе",
	text:  "Предлагаю проложить велодорожки вдоль главных улиц Тараза и поставить велопарковки у школ.",
}

var enWords = propWords{
	lang: "en", propose: "📝 Submit a proposal", consent: "Your personal data and proposals", accept: "✅ I agree",
	thanks: "Thank you: your consent", quota5: "You can send 5 more proposals today",
	forumQ: "Which forum is your proposal for?", forum: "Taraz", categoryQ: "Choose the category", category: "Youth",
	regionQ: "Which region does it concern?", region: "Zhambyl Region", titleQ: "up to 120 characters", textQ: "From 20 to 4,000 characters",
	attachQ: "Attach photos or documents", attached0: "Attached: 0 of 3", attached1: "Attached: 1 of 3", attached2: "Attached: 2 of 3", cont: "➡️ Continue",
	contactQ: "How may the organizers reach you?", share: "📱 With name and phone", shareAsk: "Share my contact",
	received: "Contact received: Айгерім Сейітова, +77011234567", preview: "Check your proposal before sending",
	send: "✅ Send", sent: "registered under number", quota4: "4 more proposals", myList: "You have 1 proposal",
	registered: "🆕 Registered", named: "with your name and phone", withdraw: "Withdraw the proposal",
	withdrawYes: "Yes, withdraw it", gone: "is withdrawn", withdrawn: "↩️ Withdrawn",
	storedCategory: proposal.CategoryYouth, storedForum: "taraz-viii-2018", storedRegion: "jambyl",
	title: "A youth centre in Taraz",
	text:  "I propose opening a youth centre with free clubs and a study room in every district of Taraz.",
}

func photoMsg(uid string, size int) models.Message {
	return models.Message{Photo: []models.PhotoSize{
		{FileID: "AgAC-small-" + uid, FileUniqueID: uid + "s", Width: 90, Height: 90, FileSize: 1200},
		{FileID: "AgAC-" + uid, FileUniqueID: uid, Width: 1280, Height: 960, FileSize: size},
	}}
}

func docMsg(uid, name, mime string, size int64) models.Message {
	return models.Message{Document: &models.Document{FileID: "BQAC-" + uid, FileUniqueID: uid, FileName: name, MimeType: mime, FileSize: size}}
}

// contactMsg is a contact shared in u's chat; owner is the user the
// contact belongs to (u.ID for their own).
func contactMsg(owner int64) models.Message {
	return models.Message{Contact: &models.Contact{PhoneNumber: "77011234567", FirstName: "Айгерім", LastName: "Сейітова", UserID: owner}}
}

// submissionFor is a proposal as another process would register it for
// userID, at testNow.
func submissionFor(userID int64, draftID, text string) storage.Submission {
	d := proposal.Draft{
		ID: draftID, Forum: proposal.GeneralForum, Category: proposal.CategoryOther, Region: "astana",
		Title: "From elsewhere", Text: text, Contact: proposal.Contact{Anonymous: true},
	}
	loc, _ := time.LoadLocation("Asia/Almaty")
	return storage.Submission{
		Proposal: d.Proposal("en"), Author: proposal.Author{UserID: userID, ChatID: userID},
		DraftID: draftID, Now: testNow.In(loc), Limit: proposal.DefaultDailyLimit, Window: proposal.LimitWindow,
	}
}

// waitDialog waits until the chat's stored dialog step is want (the
// pipeline saves the session just after the reply goes out).
func (h *harness) waitDialog(chat int64, want string) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		s, err := h.store.LoadSession(context.Background(), chat)
		if err != nil {
			h.t.Fatal(err)
		}
		if got = s.Dialog; got == want {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.t.Errorf("chat %d: dialog %q, want %q", chat, got, want)
}

// send sends msg from u and waits for an answer showing parts.
func (h *harness) send(u fakeapi.User, msg models.Message, parts ...string) fakeapi.Message {
	h.t.Helper()
	mk := h.mark(u.ID)
	h.api.SendMessage(u, msg)
	return h.waitAfter(u.ID, mk, parts...)
}

// replyMarkup is a sendMessage call's reply_markup as JSON-ish text.
func replyMarkup(c fakeapi.Call) string { return fmt.Sprint(c.Params["reply_markup"]) }

// toTitle walks a user who accepted the terms from /propose to the title
// step, choosing the general forum.
func (h *harness) toTitle(u fakeapi.User, w propWords) fakeapi.Message {
	h.t.Helper()
	m := h.say(u, "/propose", w.forumQ)
	m = h.press(u, m, "🌐", w.categoryQ)
	m = h.press(u, m, w.category, w.regionQ)
	return h.press(u, m, w.region, w.titleQ)
}

// toPreview walks a user who accepted the terms from /propose to the
// preview of an anonymous proposal without attachments.
func (h *harness) toPreview(u fakeapi.User, w propWords, title, text string) fakeapi.Message {
	h.t.Helper()
	h.toTitle(u, w)
	h.say(u, title, w.textQ)
	m := h.say(u, text, w.attachQ)
	m = h.press(u, m, "➡️", w.contactQ) // continue without attachments
	return h.press(u, m, "🙈", w.preview)
}

// consent accepts the terms for u.
func (h *harness) consent(u fakeapi.User, w propWords) {
	h.t.Helper()
	m := h.say(u, "/propose", w.consent)
	h.press(u, m, w.accept, w.thanks, w.forumQ)
}

// TestProposalWholeDialog is the whole dialog, in each language: terms,
// the seven steps with a photo, a document and the user's own contact, the
// preview, Send, the number, "My proposals", the card and a withdrawal.
func TestProposalWholeDialog(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	for i, w := range []propWords{kkWords, ruWords, enWords} {
		t.Run(w.lang, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			u := user(int64(30001+i), w.lang)
			u.FirstName = "Айгерім"

			m := h.say(u, "/start", "")
			m = h.press(u, m, w.propose, w.consent, "94-V", "/forgetme")
			m = h.press(u, m, w.accept, w.thanks, w.forumQ, w.quota5)
			m = h.press(u, m, w.forum, w.categoryQ)
			m = h.press(u, m, w.category, w.regionQ)
			m = h.press(u, m, w.region, w.titleQ)
			h.say(u, w.title, w.textQ)
			h.say(u, w.text, w.attachQ, w.attached0, "PDF")
			h.send(u, photoMsg("ph1", 180_000), w.attached1)
			m = h.send(u, docMsg("doc1", "жоспар.pdf", "application/pdf", 250_000), w.attached2, "жоспар.pdf")
			m = h.press(u, m, w.cont, w.contactQ)
			h.press(u, m, w.share, w.shareAsk)
			// The contact is asked with a request_contact button.
			h.waitCall("sendMessage", u.ID, func(c fakeapi.Call) bool {
				return strings.Contains(c.Str("text"), w.shareAsk) && strings.Contains(replyMarkup(c), "request_contact:true")
			})
			pv := h.send(u, contactMsg(u.ID), w.preview, w.title, w.text, "Айгерім Сейітова, +77011234567", "жоспар.pdf")
			// The keyboard that asked for the contact is taken away.
			msgs := h.api.Chat(u.ID)
			if closing := msgs[len(msgs)-2]; !strings.Contains(closing.Plain, w.received) {
				t.Errorf("before the preview: %q, want %q", closing.Plain, w.received)
			}
			removed := false
			for _, c := range h.api.CallsTo("sendMessage") {
				if c.Int("chat_id") == u.ID && strings.Contains(replyMarkup(c), "remove_keyboard:true") {
					removed = true
				}
			}
			if !removed {
				t.Error("the contact keyboard was never removed")
			}

			m = h.press(u, pv, w.send, w.sent, "AF-2026-", w.quota4)
			if m.ID != pv.ID {
				t.Error("the confirmation should replace the preview")
			}
			number := m.Plain[strings.Index(m.Plain, "AF-2026-"):][:len("AF-2026-000000")]

			// Stored once, with every field, the author apart.
			p, err := h.store.Proposal(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			if p.Title != w.title || p.Text != w.text || p.Category != w.storedCategory || p.Forum != w.storedForum ||
				p.Region != w.storedRegion || p.Anonymous || p.Lang != w.lang || p.Status != proposal.StatusRegistered ||
				len(p.Attachments) != 2 || p.Attachments[0].FileID != "AgAC-ph1" || p.Attachments[1].Name != "жоспар.pdf" {
				t.Errorf("stored %+v", p)
			}
			a, ok, err := h.store.ProposalAuthor(ctx, number)
			if err != nil || !ok || a.UserID != u.ID || a.Phone != "+77011234567" || a.Name != "Айгерім Сейітова" || a.Username != u.Username {
				t.Errorf("author %+v %v %v", a, ok, err)
			}
			h.waitDialog(u.ID, "")

			m = h.press(u, m, "📋", w.myList, number, w.title, w.registered)
			m = h.press(u, m, number, number, w.registered, w.title, w.named)
			if strings.Contains(m.Plain, "7011234567") {
				t.Error("the card shows the phone number")
			}
			m = h.press(u, m, w.withdraw, number)
			m = h.press(u, m, w.withdrawYes, w.gone, w.withdrawn)
			for _, row := range m.Keyboard {
				for _, b := range row {
					if strings.Contains(b.Text, w.withdraw) {
						t.Error("a withdrawn proposal still offers withdrawal")
					}
				}
			}
			if p, _ := h.store.Proposal(ctx, number); p.Status != proposal.StatusWithdrawn {
				t.Errorf("status after withdrawal: %s", p.Status)
			}
		})
	}
}

func TestProposalBackWalksEveryStep(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u, w := user(31001, "ru"), ruWords
	h.consent(u, w)
	m := h.toPreview(u, w, w.title, w.text)
	// Back from the preview through every step to the first, then out.
	for _, want := range []string{w.contactQ, w.attachQ, w.textQ, w.titleQ, w.regionQ, w.categoryQ, w.forumQ} {
		m = h.press(u, m, "◀️ Назад", want)
	}
	h.press(u, m, "◀️ Назад", "Черновик удалён, ничего не отправлено.", "Что вас интересует?")
	h.waitDialog(u.ID, "")

	// Back keeps what was entered: forward again finds it.
	m = h.toPreview(u, w, w.title, w.text)
	m = h.press(u, m, "◀️ Назад", w.contactQ)
	m = h.press(u, m, w.share, w.shareAsk)
	// The reply keyboard's Back is a text message with its label.
	m = h.say(u, "◀️ Назад", w.contactQ)
	// The contact step comes back as a new message with its buttons.
	h.waitCall("sendMessage", u.ID, func(c fakeapi.Call) bool {
		return strings.Contains(c.Str("text"), w.contactQ) && strings.Contains(replyMarkup(c), "inline_keyboard")
	})
	h.press(u, m, "🙈", w.preview, w.title, w.text)
}

func TestProposalCancel(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	w := enWords
	t.Run("command at the title", func(t *testing.T) {
		u := user(32001, "en")
		h.consent(u, w)
		h.toTitle(u, w)
		h.say(u, "/cancel", "The draft is deleted; nothing was sent.", "What are you looking for?")
		h.waitDialog(u.ID, "")
		h.say(u, "/cancel", "Done: nothing is in progress now.")
	})
	t.Run("button at the attachments", func(t *testing.T) {
		u := user(32002, "en")
		h.consent(u, w)
		h.toTitle(u, w)
		h.say(u, w.title, w.textQ)
		m := h.say(u, w.text, w.attachQ)
		h.press(u, m, "✖️ Cancel", "The draft is deleted")
	})
	t.Run("command while the contact is asked", func(t *testing.T) {
		u := user(32003, "en")
		h.consent(u, w)
		m := h.toPreview(u, w, w.title, w.text)
		m = h.press(u, m, "◀️ Back", w.contactQ)
		h.press(u, m, w.share, w.shareAsk)
		h.say(u, "/cancel", "What are you looking for?")
		closed := false
		for _, c := range h.api.CallsTo("sendMessage") {
			if c.Int("chat_id") == u.ID && strings.Contains(c.Str("text"), "The draft is deleted") &&
				strings.Contains(replyMarkup(c), "remove_keyboard:true") {
				closed = true
			}
		}
		if !closed {
			t.Error("cancelling took the draft but left the contact keyboard up")
		}
		// A contact sent now, from the keyboard left on an old client, is not kept.
		h.send(u, contactMsg(u.ID), "I did not ask for a contact now, so I have not kept it.")
	})
	t.Run("declining the terms", func(t *testing.T) {
		u := user(32004, "en")
		m := h.say(u, "/propose", w.consent)
		h.press(u, m, "✖️ I do not agree", "Without your consent I cannot take a proposal", "What are you looking for?")
		if st, _ := h.store.ProposerState(context.Background(), u.ID, testNow, proposal.LimitWindow); st.Consent.Version != "" {
			t.Error("consent stored after declining")
		}
	})
}

func TestProposalEditFromThePreview(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u, w := user(33001, "kk"), kkWords
	h.consent(u, w)
	pv := h.toPreview(u, w, w.title, w.text)
	oldSend := button(t, pv, w.send).CallbackData

	m := h.press(u, pv, "✏️ Өзгерту", "Нені өзгертесіз?")
	m = h.press(u, m, "Тақырып", "Қысқа тақырып жазыңыз", "Қазір: "+w.title)
	m = h.say(u, "Ауыл мектептеріне робототехника", w.preview, "Ауыл мектептеріне робототехника")
	if strings.Contains(m.Plain, w.title) {
		t.Error("the old title is still in the preview")
	}
	m = h.press(u, m, "✏️ Өзгерту", "Нені өзгертесіз?")
	m = h.press(u, m, "Өңір", "Ол қай өңірге қатысты?", "Қазір: Жамбыл облысы")
	m = h.press(u, m, "Ұлытау облысы", w.preview, "Ұлытау облысы")
	m = h.press(u, m, "✏️ Өзгерту", "Нені өзгертесіз?")
	m = h.press(u, m, "◀️ Артқа", w.preview) // back from the edit menu
	m = h.press(u, m, "✏️ Өзгерту", "Нені өзгертесіз?")
	m = h.press(u, m, "Тіркемелер", w.attachQ)
	m = h.send(u, photoMsg("edit1", 5000), "1 / 3")
	m = h.press(u, m, w.cont, w.preview, "фотосурет")
	m = h.press(u, m, "✏️ Өзгерту", "Нені өзгертесіз?")
	m = h.press(u, m, "Мәтін", "Ұсынысыңызды сипаттаңыз")
	m = h.press(u, m, "◀️ Артқа", w.preview, w.text) // back from an edit keeps the text

	// The Send of the first preview shows an older draft: refused, and the
	// message it sits on shows the current preview instead.
	h.api.ForgeCallback(u, pv.ID, oldSend)
	h.waitCall("editMessageText", u.ID, func(c fakeapi.Call) bool {
		return c.Int("message_id") == int64(pv.ID) && strings.Contains(c.Str("text"), "Бұл батырма алдыңғы қадамнан") &&
			strings.Contains(c.Str("text"), "Ауыл мектептеріне робототехника")
	})

	m = h.press(u, h.waitText(u.ID, w.preview), w.send, w.sent)
	p, err := h.store.Proposal(context.Background(), "AF-2026-000001")
	if err != nil || p.Title != "Ауыл мектептеріне робототехника" || p.Region != "ulytau" || len(p.Attachments) != 1 || !p.Anonymous {
		t.Errorf("stored after edits: %+v %v", p, err)
	}
	_ = m
}

func TestProposalDoubleTapOnSendRegistersOne(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u, w := user(34001, "ru"), ruWords
	h.consent(u, w)
	pv := h.toPreview(u, w, w.title, w.text)
	data := button(t, pv, w.send).CallbackData
	h.api.PressButton(u, pv.ID, data)
	h.api.PressButton(u, pv.ID, data) // the second tap, before the first is answered
	h.waitText(u.ID, w.sent, "AF-2026-000001")
	h.waitCall("answerCallbackQuery", 0, func(c fakeapi.Call) bool { return c.Str("text") == "Уже отправлено: AF-2026-000001" })
	total, list, err := h.store.UserProposals(context.Background(), u.ID, 0, 10)
	if err != nil || total != 1 || list[0].Number != "AF-2026-000001" {
		t.Errorf("%d proposals after a double tap: %+v %v", total, list, err)
	}
	if n, _, _ := h.store.ProposalsWithStatus(context.Background(), proposal.StatusRegistered, 0, 10); len(n) != 1 {
		t.Errorf("registered: %v", n)
	}
}

func TestProposalSameTextIsNotStoredTwice(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u, w := user(35001, "en"), enWords
	h.consent(u, w)
	pv := h.toPreview(u, w, w.title, w.text)
	h.press(u, pv, w.send, "AF-2026-000001")
	// The same text again, in other case and punctuation.
	pv = h.toPreview(u, w, "Another title", "  i PROPOSE opening a youth centre, with free clubs and a study room in every district of Taraz!! ")
	m := h.press(u, pv, w.send, "You have already sent a proposal with the same text: AF-2026-000001")
	if total, _, _ := h.store.UserProposals(context.Background(), u.ID, 0, 10); total != 1 {
		t.Errorf("%d proposals, want 1", total)
	}
	h.press(u, m, "📄 AF-2026-000001", "AF-2026-000001", w.title)
}

func TestProposalLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *bot.Config) { c.ProposalLimit = 2 }).start()
	u, w := user(36001, "ru"), ruWords
	m := h.say(u, "/propose", w.consent)
	h.press(u, m, w.accept, "Сегодня вы можете отправить ещё 2 предложения (не больше 2 за 24 часа)")
	h.say(u, "/cancel", "Черновик удалён")
	pv := h.toPreview(u, w, w.title, w.text)
	if !strings.Contains(pv.Plain, "После отправки на сегодня останется 1 предложение из 2") {
		t.Errorf("the preview does not tell the limit: %q", pv.Plain)
	}
	h.press(u, pv, w.send, "AF-2026-000001", "ещё 1 предложение")
	pv = h.toPreview(u, w, "Второе", "Второе предложение: больше скамеек во дворах Тараза.")
	if !strings.Contains(pv.Plain, "После отправки на сегодня останется 0 предложений из 2") {
		t.Errorf("the preview does not tell the limit: %q", pv.Plain)
	}
	h.press(u, pv, w.send, "AF-2026-000002", "ещё 0 предложений")
	h.say(u, "/propose", "предельное число предложений (2)", "после 22 ноября 2026 г., 12:00 (время Алматы)")
}

// TestProposalLimitReachedWhileWriting: the limit is checked again at Send
// (another device may have sent meanwhile); the draft is kept.
func TestProposalLimitReachedWhileWriting(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *bot.Config) { c.ProposalLimit = 1 }).start()
	u, w := user(36501, "en"), enWords
	h.consent(u, w)
	pv := h.toPreview(u, w, w.title, w.text)
	// Meanwhile, another process registers one for the same user.
	sub := submissionFor(u.ID, "ffffffffffff", "A proposal sent from another device, with its own text.")
	sub.Limit = 1
	if r, err := h.store.SubmitProposal(context.Background(), sub); err != nil || r.Number != "AF-2026-000001" {
		t.Fatalf("%+v %v", r, err)
	}
	m := h.press(u, pv, w.send, "You have reached the limit of proposals for 24 hours (1)", "Your draft is kept for 24 hours.", w.preview)
	button(t, m, w.send)
	h.waitDialog(u.ID, "proposal.preview")
}

func TestProposalExpiry(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *bot.Config) { c.SessionTTL = time.Second }).start()
	u, w := user(37001, "ru"), ruWords
	h.consent(u, w)
	m := h.toTitle(u, w)
	time.Sleep(1500 * time.Millisecond) // the idle TTL runs out in Redis
	h.say(u, "Велодорожки", "")
	expired := false
	for _, msg := range h.api.Chat(u.ID) {
		if strings.Contains(msg.Plain, "Предыдущее действие не было завершено") {
			expired = true
		}
	}
	if !expired {
		t.Error("the user was not told the draft expired")
	}
	h.waitDialog(u.ID, "")
	// A button of the expired draft.
	h.api.ForgeCallback(u, m.ID, "pb:title")
	h.waitCall("answerCallbackQuery", 0, func(c fakeapi.Call) bool { return c.Str("text") == "Этот черновик уже закрыт." })
	// The consent outlives the draft: a new proposal starts at the forum.
	h.say(u, "/propose", w.forumQ)
}

func TestProposalIsModal(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u, w := user(38001, "en"), enWords
	menu := h.say(u, "/start", "What are you looking for?")
	h.consent(u, w)
	h.toTitle(u, w)
	// A command of another feature: the draft stays, the step comes back.
	h.say(u, "/help", "You are writing a proposal.", w.titleQ)
	// A button of an older message.
	mk := h.mark(u.ID)
	h.api.PressButton(u, menu.ID, button(t, menu, "Past forums").CallbackData)
	h.waitAfter(u.ID, mk, "You are writing a proposal.", w.titleQ)
	h.say(u, w.title, w.textQ)
	// /privacy inside the dialog shows the terms and leaves the draft.
	h.say(u, "/privacy", "You accepted these terms (version 1) on 21 November 2026, 12:00.")
	h.say(u, w.text, w.attachQ)
}

func TestProposalsArePrivate(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	group := models.Chat{ID: -100555, Type: models.ChatTypeSupergroup, Title: "NGO chat"}
	from := &models.User{ID: 39001, FirstName: "Асқар", LanguageCode: "ru"}
	for _, cmd := range []string{"/propose@" + testUsername, "/myproposals@" + testUsername, "/forgetme@" + testUsername} {
		mk := h.mark(group.ID)
		h.api.SendUpdate(models.Update{Message: &models.Message{Chat: group, From: from, Text: cmd, Date: int(time.Now().Unix())}})
		m := h.waitAfter(group.ID, mk, "Предложения я принимаю только в личном чате")
		if b := button(t, m, "Открыть личный чат"); b.URL != "https://t.me/"+testUsername {
			t.Errorf("%s: button %+v", cmd, b)
		}
	}
	if st, _ := h.store.ProposerState(context.Background(), from.ID, testNow, proposal.LimitWindow); st.Consent.Version != "" {
		t.Error("consent taken in a group")
	}
}

func TestPrivacyAndForgetMe(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	ctx := context.Background()
	u, w := user(40001, "ru"), ruWords
	m := h.say(u, "/privacy", w.consent, "Вы не принимали эти условия.")
	h.press(u, m, w.accept, "ваше согласие (версия условий 1) записано")
	h.say(u, "/privacy", "Вы приняли эти условия (версия 1) 21 ноября 2026 г., 12:00.")

	// A proposal with a contact, and a subscription.
	h.toTitle(u, w)
	h.say(u, w.title, w.textQ)
	m = h.say(u, w.text, w.attachQ)
	m = h.press(u, m, w.cont, w.contactQ)
	h.press(u, m, w.share, w.shareAsk)
	pv := h.send(u, contactMsg(u.ID), w.preview)
	h.press(u, pv, w.send, "AF-2026-000001")
	if _, err := h.store.Subscribe(ctx, u.ID, "ru"); err != nil {
		t.Fatal(err)
	}

	m = h.say(u, "/forgetme", "Удалить ваши персональные данные?", "вашим 1 предложением", "Текст предложения останется у организаторов")
	if _, ok, _ := h.store.ProposalAuthor(ctx, "AF-2026-000001"); !ok {
		t.Fatal("the bot acted before the confirmation")
	}
	h.press(u, m, "Да, удалить мои данные", "Готово: ваши персональные данные удалены", "1 предложение осталось у организаторов")

	p, err := h.store.Proposal(ctx, "AF-2026-000001")
	if err != nil || p.Text != w.text || !p.AuthorForgotten {
		t.Errorf("the proposal must stay, without its author: %+v %v", p, err)
	}
	if _, ok, _ := h.store.ProposalAuthor(ctx, "AF-2026-000001"); ok {
		t.Error("the author is still stored")
	}
	if st, _ := h.store.ProposerState(ctx, u.ID, testNow, proposal.LimitWindow); st.Consent.Version != "" || st.Recent != 0 {
		t.Errorf("after /forgetme: %+v", st)
	}
	if ok, _ := h.store.IsSubscribed(ctx, u.ID); ok {
		t.Error("still subscribed")
	}
	h.say(u, "/myproposals", "Вы ещё не отправляли предложений.")
	h.say(u, "/propose", w.consent) // asked again
}

// TestProposalBadInput sends every kind of wrong input, at every step.
func TestProposalBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	w := ruWords
	sticker := models.Message{Sticker: &models.Sticker{FileID: "CAAC", FileUniqueID: "st1", Type: "regular", Width: 512, Height: 512}}
	voice := models.Message{Voice: &models.Voice{FileID: "AwAC", FileUniqueID: "v1", Duration: 3}}
	const useButtons = "Пожалуйста, выберите кнопкой."

	t.Run("wrong content at each step", func(t *testing.T) {
		u := user(41001, "ru")
		h.say(u, "/propose", w.consent)
		m := h.say(u, "да", useButtons, w.consent)
		h.press(u, m, w.accept, w.forumQ)
		h.send(u, sticker, useButtons, w.forumQ)
		h.say(u, "Тараз", useButtons, w.forumQ)
		m = h.press(u, h.waitText(u.ID, w.forumQ), "🌐", w.categoryQ)
		h.send(u, photoMsg("p0", 100), useButtons, w.categoryQ)
		m = h.press(u, h.waitText(u.ID, w.categoryQ), w.category, w.regionQ)
		h.send(u, voice, useButtons, w.regionQ)
		h.press(u, h.waitText(u.ID, w.regionQ), w.region, w.titleQ)
		h.send(u, photoMsg("p1", 100), "Здесь нужен текст, одним сообщением.", w.titleQ)
		h.send(u, contactMsg(u.ID), "Здесь нужен текст", w.titleQ)
		h.say(u, w.title, w.textQ)
		h.send(u, docMsg("d0", "a.pdf", "application/pdf", 10), "Здесь нужен текст", w.textQ)
		h.send(u, sticker, "Здесь нужен текст", w.textQ)
		h.say(u, w.text, w.attachQ)
		h.say(u, "вот фото", "Здесь нужно фото или документ. Если их нет, нажмите «Продолжить без вложений».", w.attached0)
		h.send(u, sticker, "только фото и документы", w.attached0)
		h.send(u, voice, "только фото и документы", w.attached0)
		m = h.press(u, h.waitText(u.ID, w.attachQ), "Продолжить без вложений", w.contactQ)
		h.say(u, "+77011234567", useButtons, w.contactQ)
		m = h.press(u, h.waitText(u.ID, w.contactQ), w.share, w.shareAsk)
		h.say(u, "+77011234567", "Нажмите «📱 Отправить мой контакт» внизу или «◀️ Назад».")
		h.send(u, photoMsg("p2", 100), "Нажмите «📱 Отправить мой контакт» внизу")
		h.send(u, contactMsg(99999), "Это чужой контакт.")
		forwarded := contactMsg(0) // a contact card without a Telegram account
		h.send(u, forwarded, "Это чужой контакт.")
		pv := h.send(u, contactMsg(u.ID), w.preview)
		h.say(u, "отправить", useButtons, w.preview)
		h.send(u, sticker, useButtons, w.preview)
		h.waitDialog(u.ID, "proposal.preview")
		_ = pv
		_ = m
	})

	t.Run("lengths", func(t *testing.T) {
		u := user(41002, "ru")
		h.consent(u, w)
		h.toTitle(u, w)
		h.say(u, "ab", "Заголовок слишком короткий (знаков: 2): нужно не меньше 3.", w.titleQ)
		h.say(u, strings.Repeat("ж", 121), "Заголовок слишком длинный (знаков: 121), а можно не больше 120. Сократите на 1.")
		h.say(u, strings.Repeat("ж", 120), w.textQ)
		h.say(u, "Коротко.", "Текст слишком короткий (знаков: 8): нужно не меньше 20.", w.textQ)
		h.say(u, strings.Repeat("Длинный текст. ", 270), "Текст слишком длинный (знаков: 4\u00a0049), а можно не больше 4\u00a0000. Сократите на 49.")
		// 4,000 characters exactly are taken, and the preview shows the
		// beginning within Telegram's limit.
		long := strings.Repeat("Длинный текст ", 290)
		long = string([]rune(long)[:4000])
		m := h.say(u, long, w.attachQ)
		m = h.press(u, m, "Продолжить без вложений", w.contactQ)
		pv := h.press(u, m, "🙈", w.preview, "(показано начало; всего знаков: 4\u00a0000)")
		if n := len([]rune(pv.Plain)); n > 4096 {
			t.Errorf("the preview has %d characters", n)
		}
	})

	t.Run("attachments", func(t *testing.T) {
		u := user(41003, "ru")
		h.consent(u, w)
		h.toTitle(u, w)
		h.say(u, w.title, w.textQ)
		h.say(u, w.text, w.attachQ)
		h.send(u, photoMsg("big", 11<<20), "Фото слишком большое: 11 МБ, а можно не больше 10 МБ.", w.attached0)
		h.send(u, docMsg("huge", "отчёт.pdf", "application/pdf", 25<<20), "Файл слишком большой: 25 МБ, а можно не больше 20 МБ.")
		h.send(u, docMsg("exe", "setup.exe", "application/x-msdownload", 1000), "Файлы такого типа я не принимаю. Отправьте один из: DOC, DOCX")
		h.send(u, photoMsg("a1", 1000), "Приложено: 1 из 3")
		h.send(u, photoMsg("a1", 1000), "Этот файл уже приложен.", "Приложено: 1 из 3")
		h.send(u, docMsg("a2", "смета.xlsx", "", 5000), "Приложено: 2 из 3")
		h.send(u, photoMsg("a3", 1000), "Приложено: 3 из 3")
		h.send(u, photoMsg("a4", 1000), "Можно приложить не больше 3 файлов; этот не добавлен.", "Приложено: 3 из 3")
		m := h.waitText(u.ID, "Приложено: 3 из 3")
		m = h.press(u, m, "Убрать вложения", "Приложено: 0 из 3")
		h.send(u, photoMsg("a5", 1000), "Приложено: 1 из 3")
		_ = m
	})

	t.Run("forged callback data", func(t *testing.T) {
		u := user(41004, "ru")
		other := user(41005, "ru")
		h.consent(other, w)
		pv := h.toPreview(other, w, "Чужое предложение", "Это предложение другого пользователя, его не видно.")
		sent := h.press(other, pv, w.send, "AF-2026-")
		number := sent.Plain[strings.Index(sent.Plain, "AF-2026-"):][:len("AF-2026-000000")]
		if p, err := h.store.Proposal(context.Background(), number); err != nil || p.Title != "Чужое предложение" {
			t.Fatalf("the other user's proposal: %+v %v", p, err)
		}

		h.consent(u, w)
		m := h.toTitle(u, w)
		toast := func(data, want string) {
			t.Helper()
			before := len(h.api.CallsTo("answerCallbackQuery"))
			h.api.ForgeCallback(u, m.ID, data)
			deadline := time.Now().Add(5 * time.Second)
			for time.Now().Before(deadline) {
				calls := h.api.CallsTo("answerCallbackQuery")
				for _, c := range calls[before:] {
					if c.Str("text") == want {
						return
					}
				}
				time.Sleep(5 * time.Millisecond)
			}
			t.Errorf("%q: no notice %q", data, want)
		}
		// Not made by the bot at all.
		for _, data := range []string{"pc:space", "pr:mars", "ps:xyz:1", "po:AF-2026-1", "pef:preview", "pb:nowhere"} {
			toast(data, "Эта кнопка устарела, меню обновлено.")
		}
		// Well formed, but someone else's proposal.
		toast("po:"+number, "Среди ваших предложений такого нет.")
		toast("pwy:"+number, "Среди ваших предложений такого нет.")
		if p, _ := h.store.Proposal(context.Background(), number); p.Status != proposal.StatusRegistered {
			t.Errorf("another user withdrew it: %s", p.Status)
		}
		// Well formed, but of another step or draft: the current step again,
		// on the message the button sat on.
		newest, _ := h.last(u.ID)
		mk := h.mark(u.ID)
		h.api.ForgeCallback(u, newest.ID, "pc:youth")
		h.waitAfter(u.ID, mk, "Эта кнопка с прошлого шага. Вот текущий.", w.titleQ)
		newest = h.say(u, "ab", "Заголовок слишком короткий")
		mk = h.mark(u.ID)
		h.api.ForgeCallback(u, newest.ID, "ps:0123456789ab:1")
		h.waitAfter(u.ID, mk, "Эта кнопка с прошлого шага", w.titleQ)
		h.waitDialog(u.ID, "proposal.title")
		if total, _, _ := h.store.UserProposals(context.Background(), u.ID, 0, 5); total != 0 {
			t.Error("forged data registered a proposal")
		}
	})
}

// TestRapidMessagesEndAsIfSentOneByOne: 50 messages sent at once in the
// middle of a dialog end in the same draft, with the same answers, as the
// same 50 sent one by one, each after the answer to the previous.
func TestRapidMessagesEndAsIfSentOneByOne(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	w := ruWords
	sticker := models.Message{Sticker: &models.Sticker{FileID: "CAAC", FileUniqueID: "st", Type: "regular", Width: 512, Height: 512}}
	var script []models.Message
	script = append(script,
		models.Message{Text: "ok"}, // too short a title
		models.Message{Text: w.title},
		models.Message{Text: "Коротко"}, // too short a text
		sticker,
		models.Message{Text: w.text},
	)
	for i := 0; len(script) < 50; i++ {
		switch i % 4 {
		case 0, 1:
			script = append(script, photoMsg(fmt.Sprintf("r%02d", i), 1000+i))
		case 2:
			script = append(script, models.Message{Text: fmt.Sprintf("текст %d", i)})
		default:
			script = append(script, docMsg(fmt.Sprintf("d%02d", i), fmt.Sprintf("файл-%d.pdf", i), "application/pdf", int64(2000+i)))
		}
	}

	fast, slow := user(42001, "ru"), user(42002, "ru")
	for _, u := range []fakeapi.User{fast, slow} {
		h.consent(u, w)
		h.toTitle(u, w)
	}
	start := map[int64]int{fast.ID: h.calls("sendMessage", fast.ID), slow.ID: h.calls("sendMessage", slow.ID)}

	for _, msg := range script {
		h.api.SendMessage(fast, msg)
	}
	for i, msg := range script {
		h.api.SendMessage(slow, msg)
		deadline := time.Now().Add(10 * time.Second)
		for h.calls("sendMessage", slow.ID) < start[slow.ID]+i+1 {
			if time.Now().After(deadline) {
				t.Fatalf("no answer to message %d", i)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for h.calls("sendMessage", fast.ID) < start[fast.ID]+len(script) {
		if time.Now().After(deadline) {
			t.Fatalf("%d answers to %d rapid messages", h.calls("sendMessage", fast.ID)-start[fast.ID], len(script))
		}
		time.Sleep(5 * time.Millisecond)
	}

	answers := func(chat int64) []string {
		var out []string
		for _, c := range h.api.CallsTo("sendMessage") {
			if c.Int("chat_id") == chat && c.Err == nil {
				out = append(out, c.Str("text"))
			}
		}
		return out[start[chat]:]
	}
	a, b := answers(fast.ID), answers(slow.ID)
	if len(a) != len(script) || len(b) != len(script) {
		t.Fatalf("answers: %d rapid, %d one by one, want %d each", len(a), len(b), len(script))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("answer %d differs:\nrapid:      %q\none by one: %q", i, a[i], b[i])
		}
	}
	sa, err1 := h.store.LoadSession(context.Background(), fast.ID)
	sb, err2 := h.store.LoadSession(context.Background(), slow.ID)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	da, err1 := proposal.Decode(sa.Dialog, sa.Data)
	db, err2 := proposal.Decode(sb.Dialog, sb.Data)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	da.ID, db.ID = "", ""
	if fmt.Sprint(da) != fmt.Sprint(db) {
		t.Errorf("drafts differ:\nrapid:      %+v\none by one: %+v", da, db)
	}
	if da.Step != proposal.StepAttachments || len(da.Attachments) != 3 || da.Title != w.title || da.Text != w.text {
		t.Errorf("final draft %+v", da)
	}
}

// TestProposalCommandsAreInTheMenu: the commands reach Telegram's menu, in
// every language (the wiring in app.go).
func TestProposalCommandsAreInTheMenu(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	h.say(user(43001, "kk"), "/help", "")
	want := map[string][]string{
		"kk": {"Форумға ұсыныс жіберу", "Дербес деректерімді жою"},
		"ru": {"Подать предложение форуму", "Мои предложения и их статус", "Как используются мои данные"},
		"en": {"Submit a proposal to a forum", "Cancel what is in progress"},
	}
	for lang, descs := range want {
		cmds := h.api.Commands(lang)
		var got []string
		for _, c := range cmds {
			got = append(got, c.Command+"="+c.Description)
		}
		all := strings.Join(got, "; ")
		for _, name := range []string{"propose=", "myproposals=", "privacy=", "forgetme=", "cancel="} {
			if !strings.Contains(all, name) {
				t.Errorf("%s menu lacks /%s: %s", lang, strings.TrimSuffix(name, "="), all)
			}
		}
		for _, d := range descs {
			if !strings.Contains(all, d) {
				t.Errorf("%s menu lacks %q: %s", lang, d, all)
			}
		}
	}
}
