package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot/proposal"
	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

// cliExportCSV is `forumbot export proposals --region jambyl --lang kk` of
// the proposals TestExportProposals registers, at 21 November 2026 noon.
const cliExportCSV = "\uFEFF" +
	"Нөмірі,Тіркелген уақыты,Мәртебесі,Жауап мерзімі,Мерзім жағдайы,Форум,Санаты,Өңір,Тақырыбы,Мәтіні,Тіркемелер,Байланыс,Аты-жөні,Телефоны,Telegram,Жауап,Жауап берілген уақыты,Өзгертілген уақыты,Тілі\r\n" +
	"AF-2026-000001,2026-10-22 12:00,Тіркелді,2026-11-13,мерзімі өткен,16.10.2018 · Тараз · Үкіметтік емес ұйымдардың VIII форумы,Экология және табиғат,Жамбыл облысы,\"Саябақ, \"\"жасыл\"\" аймақ\",\"Жол 1.\r\nЖол 2, үтірмен: Өскемен, Қызылорда.\",1,аты және телефоны,Айгерім Сейітова,+77011234567,aigerim,,,2026-10-22 12:00,kk\r\n" +
	"AF-2026-000003,2026-11-21 12:00,Тіркелді,2026-12-11,,Жалпы,Жастар,Жамбыл облысы,'@мектеп,'=1+1 деп жазбаңыз: бұл формула емес.,0,анонимді,,,,,,2026-11-21 12:00,kk\r\n"

func TestExportProposals(t *testing.T) {
	prefix := redistest.Prefix(t)
	env := map[string]string{"REDIS_URL": "redis://" + redistest.Addr(), "REDIS_PREFIX": prefix}
	ctx := context.Background()
	s := storage.New(redistest.Client(t), storage.Options{Prefix: prefix})
	loc, _ := time.LoadLocation("Asia/Almaty")
	at := time.Date(2026, 11, 21, 12, 0, 0, 0, loc)
	defer func(old func() time.Time) { now = old }(now)
	now = func() time.Time { return at }

	for i, sp := range []struct {
		daysAgo        int
		region         string
		cat            proposal.Category
		forum, title   string
		text           string
		anon           bool
		attachments    []proposal.Attachment
		user           int64
		name, username string
	}{
		{30, "jambyl", proposal.CategoryEcology, "taraz-viii-2018", `Саябақ, "жасыл" аймақ`, "Жол 1.\nЖол 2, үтірмен: Өскемен, Қызылорда.", false,
			[]proposal.Attachment{{Kind: proposal.KindPhoto, FileID: "AgAC", UniqueID: "u1", Size: 100}}, 71, "Айгерім Сейітова", "aigerim"},
		{5, "astana", proposal.CategoryYouth, proposal.GeneralForum, "Астанада", "Бұл жолға сүзгі бойынша кірмейді.", false, nil, 72, "Ерлан", "erlan"},
		{0, "jambyl", proposal.CategoryYouth, proposal.GeneralForum, "@мектеп", "=1+1 деп жазбаңыз: бұл формула емес.", true, nil, 73, "", ""},
	} {
		if err := s.GiveConsent(ctx, sp.user, proposal.Consent{Version: proposal.ConsentVersion, At: at, Lang: "kk"}); err != nil {
			t.Fatal(err)
		}
		d := proposal.Draft{ID: "c0ffee00000" + string(rune('0'+i)), Forum: sp.forum, Category: sp.cat, Region: sp.region,
			Title: sp.title, Text: sp.text, Attachments: sp.attachments, Contact: proposal.Contact{Anonymous: sp.anon}}
		a := proposal.Author{UserID: sp.user, ChatID: sp.user}
		if !sp.anon {
			d.Contact = proposal.Contact{Name: sp.name, Phone: "+77011234567"}
			a.Name, a.Phone, a.Username = sp.name, "+77011234567", sp.username
		}
		r, err := s.SubmitProposal(ctx, storage.Submission{Proposal: d.Proposal("kk"), Author: a, DraftID: d.ID,
			Now: at.AddDate(0, 0, -sp.daysAgo), Limit: 5, Window: proposal.LimitWindow})
		if err != nil || r.Outcome != storage.Submitted {
			t.Fatalf("%+v %v", r, err)
		}
	}

	code, out, stderr := forumbot(t, env, "", "export", "proposals", "--format", "csv", "--region", "jambyl", "--lang", "kk")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if out != cliExportCSV {
		t.Errorf("stdout:\n%q\nwant:\n%q", out, cliExportCSV)
	}
	oneLine(t, stderr, "exported 2 proposals (status=all region=jambyl) to stdout")

	// --out: the same bytes in a file only its owner reads.
	path := filepath.Join(t.TempDir(), "out.csv")
	code, out, stderr = forumbot(t, env, "", "export", "proposals", "--region", "jambyl", "--lang", "kk", "--out", path)
	if code != 0 || out != "" {
		t.Fatalf("exit %d, stdout %q: %s", code, out, stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != cliExportCSV {
		t.Errorf("file %q %v", b, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v %v", fi.Mode(), err)
	}
	entries, _, err := s.AuditPage(ctx, 0, 5)
	if err != nil || len(entries) != 2 || entries[0].Actor != 0 || entries[0].Action != storage.AuditExport ||
		entries[0].Note != "status=all region=jambyl rows=2" || !entries[0].At.Equal(at) {
		t.Errorf("audit %+v %v", entries, err)
	}

	// Filters: todo, due, category; the default language (kk).
	code, out, _ = forumbot(t, env, "", "export", "proposals", "--status", "todo", "--due", "overdue")
	if code != 0 || strings.Count(out, "AF-2026-") != 1 || !strings.Contains(out, "AF-2026-000001") {
		t.Errorf("overdue: exit %d:\n%s", code, out)
	}
	code, out, _ = forumbot(t, env, "", "export", "proposals", "--category", "youth", "--lang", "en")
	if code != 0 || !strings.HasPrefix(out, "\uFEFFNumber,Registered,Status") || strings.Count(out, "AF-2026-") != 2 {
		t.Errorf("youth in English: exit %d:\n%s", code, out)
	}

	for _, args := range [][]string{
		{"export"}, {"export", "users"}, {"export", "proposals", "--format", "xlsx"}, {"export", "proposals", "--region", "mars"},
		{"export", "proposals", "--status", "lost"}, {"export", "proposals", "--lang", "de"}, {"export", "proposals", "extra"},
		{"export", "proposals", "--bogus"},
	} {
		if code, _, stderr := forumbot(t, env, "", args...); code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	if code, _, stderr := forumbot(t, map[string]string{"REDIS_URL": "redis://127.0.0.1:1/0"}, "", "export", "proposals"); code != 1 {
		t.Errorf("unreachable Redis: exit %d, %q", code, stderr)
	}
}
