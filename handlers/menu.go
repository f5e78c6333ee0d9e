package handlers

import (
	"context"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/locales"
)

type modelsButton = models.InlineKeyboardButton

// button makes a button that triggers a.
func button(text string, a Action) modelsButton { return ui.Button(text, a.Encode()) }

// menuKeyboard is the main menu.
func menuKeyboard(req *bot.Request) *ui.Keyboard {
	t := req.T
	return ui.Keys().
		Row(button(t.T("btn_upcoming"), actPage(VerbUpcoming, 0)), button(t.T("btn_past"), actPage(VerbPast, 0))).
		Row(button(t.T("btn_search"), act(VerbSearch)), button(t.T("btn_awards"), actIn(VerbAwards, "", 0))).
		Row(button(t.T("btn_propose"), act(VerbPropose)), button(t.T("btn_my_proposals"), actPage(VerbMyProps, 0))).
		Row(button(t.T("btn_regions"), act(VerbRegions)), button(t.T("btn_years"), act(VerbYears))).
		Row(button(t.T("btn_lang"), act(VerbLangMenu)), button(t.T("btn_help"), act(VerbHelp)))
}

// menuRow is the one-button row that leads back to the menu.
func menuRow(req *bot.Request) modelsButton {
	return button(req.T.T("btn_menu"), act(VerbMenu))
}

// menu shows the main menu, after note when there is one.
func (h *Router) menu(ctx context.Context, req *bot.Request, note string) error {
	text := req.T.T("menu_title")
	if note != "" {
		text = note + "\n\n" + text
	}
	kb := menuKeyboard(req)
	// Organizers get their inbox too; the role is asked of Redis now.
	kb.Row(h.organizerMenuRow(ctx, req)...)
	return req.Reply.Show(ctx, text, kb)
}

// start greets the user, or opens the forum a deep link points to.
func (h *Router) start(ctx context.Context, req *bot.Request) error {
	payload := req.Command.Args
	if payload != "" {
		if id, ok := strings.CutPrefix(payload, "forum_"); ok {
			if _, found := req.Catalog.Catalog.ByID(id); found {
				return h.card(ctx, req, id)
			}
			return h.menu(ctx, req, req.T.T("forum_not_found"))
		}
		return h.menu(ctx, req, req.T.T("deeplink_unknown"))
	}
	name := ""
	if m := req.Update.Message; m != nil && m.From != nil {
		name = m.From.FirstName
	}
	return h.menu(ctx, req, req.T.T("welcome", "Name", esc(clip(name, 64))))
}

func (h *Router) help(ctx context.Context, req *bot.Request) error {
	return req.Reply.Show(ctx, req.T.T("help"), ui.Keys().Row(menuRow(req)))
}

// langMenu offers the three languages, each named in itself.
func (h *Router) langMenu(ctx context.Context, req *bot.Request) error {
	kb := ui.Keys()
	var row []modelsButton
	for _, l := range locales.Supported {
		label := locales.For(l).T("lang_name")
		if l == req.Lang() {
			label = "✓ " + label
		}
		row = append(row, button(label, actArg(VerbLang, l)))
	}
	kb.Row(row...).Row(menuRow(req))
	return req.Reply.Show(ctx, req.T.T("lang_choose"), kb)
}

func (h *Router) setLang(ctx context.Context, req *bot.Request, lang string) error {
	req.SetLang(lang)
	return h.menu(ctx, req, req.T.T("lang_set"))
}
