package handlers

import (
	"context"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/qa"
	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/locales"
)

// question answers plain text in a private chat. A question about the
// forums ("Тараздағы форум қашан өтті?") gets the fact from the catalog in
// one or two sentences, with a button to the card of each forum it is
// about. A question the engine does not understand gets what it did
// understand, then the search results; anything that is not a question is
// searched for, as before.
func (h *Router) question(ctx context.Context, req *bot.Request, text string) error {
	engine := req.Catalog.QA
	if engine == nil {
		return h.search(ctx, req, text)
	}
	r := engine.Answer(text, req.Lang(), req.Now)
	switch r.Kind {
	case qa.NotQuestion:
		return h.search(ctx, req, text)
	case qa.NotUnderstood:
		if what := r.Understood.Describe(req.Lang()); what != "" {
			if err := req.Reply.Send(ctx, req.T.T("qa_understood", "What", what), nil); err != nil {
				return err
			}
		}
		return h.search(ctx, req, text)
	}
	return req.Reply.Send(ctx, r.Text, answerKeyboard(req, r))
}

// answerKeyboard has a button to the card of each forum the answer names,
// in the answer's language (a Russian question in a Kazakh chat is
// answered in Russian), then the chat's menu.
func answerKeyboard(req *bot.Request, r qa.Result) *ui.Keyboard {
	kb := ui.Keys()
	lang := r.Lang
	if lang == "" {
		lang = req.Lang()
	}
	t := locales.For(lang)
	for _, f := range r.Forums {
		label := ForumLabel(lang, f, 60)
		if len(r.Forums) == 1 {
			label = t.T("btn_open", "Title", clip(f.Title.In(lang), 50))
		}
		kb.Row(button(label, actArg(VerbForum, f.ID)))
	}
	return kb.Row(menuRow(req))
}
