package handlers

import (
	"context"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/ui"
	"github.com/forumbot/forumbot/storage"
)

// Subscriptions are opt-in: /subscribe shows what the chat gets, each
// topic a toggle (announcements, award winners, reminders of chosen
// forums), and an optional region; /unsubscribe ends them all. A chat that
// blocks the bot (a 403 in a broadcast, or a my_chat_member update) is
// marked inactive and skipped until it comes back.

// Verbs of subscriptions.
const (
	VerbSubScreen = "sbs" // the subscription screen
	VerbSubTopic  = "sbt" // Arg: topicAnnouncements or topicAwards: toggle
	VerbSubRegion = "sbg" // the region chooser
	VerbSubSetReg = "sbr" // Arg: region code, or regionAll
	VerbSubForums = "sbl" // Page: the forums to get reminders of
	VerbSubForum  = "sbf" // Arg: forum id, Page: the list's page: toggle
	VerbSubNone   = "sbx" // unsubscribe from everything
)

const (
	topicAnnouncements = "ann"
	topicAwards        = "awd"
	regionAll          = "all"
	forumsPerPage      = 6
)

// subscriptionVerbs are answered by subscriptionCallback.
var subscriptionVerbs = map[string]bool{
	VerbSubscribe: true, VerbSubScreen: true, VerbSubTopic: true, VerbSubRegion: true,
	VerbSubSetReg: true, VerbSubForums: true, VerbSubForum: true, VerbSubNone: true,
}

func mark(on bool) string {
	if on {
		return "✅ "
	}
	return "▫️ "
}

// subscribe is /subscribe: the subscription screen, under a note that the
// chat is subscribed already when it is.
func (h *Router) subscribe(ctx context.Context, req *bot.Request) error {
	sub, err := h.Store.GetSubscription(ctx, req.ChatID)
	if err != nil {
		return err
	}
	note := ""
	if sub.Any() && sub.Active {
		note = req.T.T("subscribe_already")
	}
	return h.subscriptionScreen(ctx, req, note)
}

// subscribeNews is the "Notify me" button: an explicit opt-in to the
// announcements, then the screen for the rest.
func (h *Router) subscribeNews(ctx context.Context, req *bot.Request) error {
	sub, err := h.Store.GetSubscription(ctx, req.ChatID)
	if err != nil {
		return err
	}
	note := "subscribe_already"
	if !sub.Announcements || !sub.Active {
		sub.Announcements = true
		if err := h.saveSubscription(ctx, req, sub); err != nil {
			return err
		}
		note = "subscribe_done"
	}
	return h.subscriptionScreen(ctx, req, req.T.T(note))
}

func (h *Router) saveSubscription(ctx context.Context, req *bot.Request, sub storage.Subscription) error {
	sub.ChatID = req.ChatID
	sub.Lang = req.Lang()
	sub.Group = !req.Private
	_, err := h.Store.SetSubscription(ctx, sub, req.Now)
	return err
}

func (h *Router) subscriptionScreen(ctx context.Context, req *bot.Request, note string) error {
	sub, err := h.Store.GetSubscription(ctx, req.ChatID)
	if err != nil {
		return err
	}
	t := req.T
	var b strings.Builder
	if note != "" {
		b.WriteString(note + "\n\n")
	}
	b.WriteString(t.T("sub_title"))
	region := t.T("sub_region_all")
	if r, ok := catalog.RegionByCode(sub.Region); ok {
		region = r.Name.In(req.Lang())
	}
	b.WriteString("\n" + t.T("sub_region_line", "Region", esc(region)))
	if len(sub.Forums) > 0 {
		var names []string
		for _, id := range sub.Forums {
			if f, ok := req.Catalog.Catalog.ByID(id); ok {
				names = append(names, esc(ForumLabel(req.Lang(), f, 60)))
			}
		}
		if len(names) > 0 {
			b.WriteString("\n" + t.T("sub_forums_line", "Forums", strings.Join(names, "; ")))
		}
	}
	if !sub.Active && sub.Any() {
		b.WriteString("\n" + t.T("sub_inactive"))
	}
	kb := ui.Keys().
		Row(button(mark(sub.Announcements)+t.T("btn_sub_announcements"), actArg(VerbSubTopic, topicAnnouncements))).
		Row(button(mark(sub.Awards)+t.T("btn_sub_awards"), actArg(VerbSubTopic, topicAwards))).
		Row(button(t.T("btn_sub_region", "Region", region), act(VerbSubRegion))).
		Row(button(t.N("btn_sub_forums", len(sub.Forums)), actPage(VerbSubForums, 0)))
	if sub.Any() {
		kb.Row(button(t.T("btn_sub_none"), act(VerbSubNone)))
	}
	kb.Row(menuRow(req))
	return req.Reply.Show(ctx, b.String(), kb)
}

func (h *Router) unsubscribe(ctx context.Context, req *bot.Request) error {
	removed, err := h.Store.Unsubscribe(ctx, req.ChatID)
	if err != nil {
		return err
	}
	msg := "unsubscribe_not"
	if removed {
		msg = "unsubscribe_done"
	}
	return req.Reply.Show(ctx, req.T.T(msg), ui.Keys().Row(button(req.T.T("btn_subscribe"), act(VerbSubScreen))).Row(menuRow(req)))
}

// subscriptionCallback answers the subscription screen's buttons.
func (h *Router) subscriptionCallback(ctx context.Context, req *bot.Request, a Action) error {
	switch a.Verb {
	case VerbSubscribe:
		return h.subscribeNews(ctx, req)
	case VerbSubScreen:
		return h.subscriptionScreen(ctx, req, "")
	case VerbSubNone:
		return h.unsubscribe(ctx, req)
	case VerbSubRegion:
		kb := ui.Keys().Row(button(req.T.T("sub_region_all"), actArg(VerbSubSetReg, regionAll)))
		for _, r := range catalog.Regions {
			kb.Row(button(r.Name.In(req.Lang()), actArg(VerbSubSetReg, r.Code)))
		}
		kb.Row(button(req.T.T("btn_back"), act(VerbSubScreen)))
		return req.Reply.Show(ctx, req.T.T("sub_region_choose"), kb)
	case VerbSubForums:
		return h.subscriptionForums(ctx, req, a.Page)
	}
	sub, err := h.Store.GetSubscription(ctx, req.ChatID)
	if err != nil {
		return err
	}
	switch a.Verb {
	case VerbSubTopic:
		if a.Arg == topicAnnouncements {
			sub.Announcements = !sub.Announcements
		} else {
			sub.Awards = !sub.Awards
		}
	case VerbSubSetReg:
		sub.Region = a.Arg
		if a.Arg == regionAll {
			sub.Region = ""
		}
		if !sub.Any() {
			// A region alone is no subscription: choosing one signs up for
			// the announcements of that region.
			sub.Announcements = true
		}
	case VerbSubForum:
		if _, ok := req.Catalog.Catalog.ByID(a.Arg); !ok {
			return req.Reply.Notify(ctx, req.T.T("forum_not_found"))
		}
		if sub.HasForum(a.Arg) {
			var keep []string
			for _, id := range sub.Forums {
				if id != a.Arg {
					keep = append(keep, id)
				}
			}
			sub.Forums = keep
		} else {
			sub.Forums = append(sub.Forums, a.Arg)
		}
	}
	sub.Active = true
	if err := h.saveSubscription(ctx, req, sub); err != nil {
		return err
	}
	if a.Verb == VerbSubForum {
		return h.subscriptionForums(ctx, req, a.Page)
	}
	return h.subscriptionScreen(ctx, req, req.T.T("sub_saved"))
}

// subscriptionForums lists the upcoming forums, each a toggle of its
// reminders.
func (h *Router) subscriptionForums(ctx context.Context, req *bot.Request, page int) error {
	sub, err := h.Store.GetSubscription(ctx, req.ChatID)
	if err != nil {
		return err
	}
	forums := sortedForums(req.Catalog.Catalog, true, func(f *catalog.Forum) bool { return IsUpcoming(f, req.Now) && !f.Cancelled })
	kb := ui.Keys()
	if len(forums) == 0 {
		kb.Row(button(req.T.T("btn_back"), act(VerbSubScreen)))
		return req.Reply.Show(ctx, req.T.T("sub_forums_none"), kb)
	}
	pages := (len(forums) + forumsPerPage - 1) / forumsPerPage
	page = min(page, pages-1)
	for _, f := range forums[page*forumsPerPage : min(len(forums), (page+1)*forumsPerPage)] {
		kb.Row(button(mark(sub.HasForum(f.ID))+ForumLabel(req.Lang(), f, 48), actIn(VerbSubForum, f.ID, page)))
	}
	var nav []models.InlineKeyboardButton
	if page > 0 {
		nav = append(nav, button(req.T.T("btn_prev"), actPage(VerbSubForums, page-1)))
	}
	if page+1 < pages {
		nav = append(nav, button(req.T.T("btn_next"), actPage(VerbSubForums, page+1)))
	}
	kb.Row(nav...).Row(button(req.T.T("btn_back"), act(VerbSubScreen)))
	return req.Reply.Show(ctx, req.T.T("sub_forums_choose"), kb)
}

// chatMember handles my_chat_member: a user who blocks the bot, or a group
// that removes it, is marked inactive; coming back makes it active again.
func (h *Router) chatMember(ctx context.Context, req *bot.Request, u *models.ChatMemberUpdated) error {
	var active bool
	switch u.NewChatMember.Type {
	case models.ChatMemberTypeBanned, models.ChatMemberTypeLeft:
		active = false
	case models.ChatMemberTypeMember, models.ChatMemberTypeAdministrator, models.ChatMemberTypeOwner, models.ChatMemberTypeRestricted:
		active = true
	default:
		return nil
	}
	changed, err := h.Store.SetSubscriberActive(ctx, u.Chat.ID, active, req.Now)
	if err != nil {
		return err
	}
	if changed {
		h.Log.Info("subscriber state changed", "chat_id", u.Chat.ID, "active", active)
	}
	return nil
}

// migrated handles a group's service message saying it became a
// supergroup: its subscription moves to the new chat id.
func (h *Router) migrated(ctx context.Context, req *bot.Request, m *models.Message) error {
	moved, err := h.Store.MigrateSubscriber(ctx, m.Chat.ID, m.MigrateToChatID)
	if err != nil {
		return err
	}
	if moved {
		h.Log.Info("subscription moved to the supergroup", "chat_id", m.Chat.ID, "new_chat_id", m.MigrateToChatID)
	}
	return nil
}
