package handlers

import (
	"context"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/catalog"
)

// searchCommand: "/search Тараз" searches at once; a bare /search asks for
// the query.
func (h *Router) searchCommand(ctx context.Context, req *bot.Request) error {
	if q := req.Command.Args; q != "" {
		return h.search(ctx, req, q)
	}
	req.Session.SetDialog(stepSearch, nil)
	return req.Reply.Send(ctx, req.T.T("search_prompt"), nil)
}

// search answers free text with the forums that match it, best first: one
// page of the best hits (a query is not kept for paging, and a sixth-best
// hit is rarely what anyone wants).
func (h *Router) search(ctx context.Context, req *bot.Request, query string) error {
	hits := req.Catalog.Index.Search(query, pageSize)
	shown := esc(clip(query, 60))
	if len(hits) == 0 {
		return req.Reply.Send(ctx, req.T.T("search_none", "Query", shown), menuKeyboard(req))
	}
	forums := make([]*catalog.Forum, len(hits))
	for i, hit := range hits {
		forums[i] = hit.Forum
	}
	return h.showList(ctx, req, list{
		header: req.T.N("search_results", len(forums), "Query", shown),
		forums: forums,
		nav:    func(int) Action { return act(VerbMenu) }, // never used: one page
	})
}
