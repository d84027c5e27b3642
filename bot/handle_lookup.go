package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/knowledge"
)

// How long what Slack said about a person (name, locale) or a
// conversation (kind, members) is trusted before asking again. Members
// decide who may see what, so conversations are refreshed sooner.
const (
	personTTL       = 24 * time.Hour
	conversationTTL = time.Hour
)

// person returns what is known of a person: the cached copy while fresh,
// else what users.info says now (cached for next time). A person Slack does
// not know, or cannot be asked about right now, comes back with their id
// only (the cached copy, if any, when Slack fails), so a lookup never
// blocks a reply; it then simply gets the default language.
func (b *Bot) person(ctx context.Context, id string) knowledge.Person {
	if id == "" {
		return knowledge.Person{}
	}
	cached, cerr := b.store.Person(ctx, id)
	if at, err := b.store.Fetched(ctx, "person", id); err == nil && cerr == nil && b.now().Sub(at) < personTTL {
		return cached
	}
	u, err := b.api.GetUserInfoContext(ctx, id)
	if err != nil {
		b.log.Debug("users.info failed; using what is known", "user", id, "err", err)
		if cerr == nil {
			return cached
		}
		return knowledge.Person{ID: id}
	}
	p := personOf(u)
	if err := b.store.CachePerson(ctx, p, b.now()); err != nil {
		b.log.Warn("could not cache a person", "user", id, "err", err)
	}
	return p
}

func personOf(u *slack.User) knowledge.Person {
	name := u.Profile.DisplayName
	if name == "" {
		name = u.RealName
	}
	if name == "" {
		name = u.Name
	}
	return knowledge.Person{
		ID:       u.ID,
		Name:     name,
		Email:    u.Profile.Email,
		TZ:       u.TZ,
		TZOffset: u.TZOffset,
		Locale:   u.Locale,
		Bot:      u.IsBot || u.ID == "USLACKBOT",
		Deleted:  u.Deleted,
	}
}

// presence reads, fresh from Slack, whether a person is around: their
// status, presence and do-not-disturb hours. It also returns their profile
// as Slack has it now (a person may have left since they were cached). A
// read that fails counts as present: a wrong guess costs one
// unanswered DM, which escalation then passes on.
func (b *Bot) presence(ctx context.Context, id string) (knowledge.Person, knowledge.Presence) {
	var pr knowledge.Presence
	p := knowledge.Person{ID: id}
	if u, err := b.api.GetUserInfoContext(ctx, id); err == nil {
		p = personOf(u)
		pr.StatusEmoji, pr.StatusText = u.Profile.StatusEmoji, u.Profile.StatusText
		if err := b.store.CachePerson(ctx, p, b.now()); err != nil {
			b.log.Warn("could not cache a person", "user", id, "err", err)
		}
	} else if slackCode(err) == "user_not_found" {
		p.Deleted = true
	} else if cached, err := b.store.Person(ctx, id); err == nil {
		p = cached
	}
	if up, err := b.api.GetUserPresenceContext(ctx, id); err == nil {
		pr.Away = up.Presence == "away"
	}
	if dnd, err := b.api.GetDNDInfoContext(ctx, &id); err == nil && dnd.Enabled {
		now := b.now().Unix()
		pr.DND = int64(dnd.NextStartTimestamp) <= now && now < int64(dnd.NextEndTimestamp)
	}
	return p, pr
}

// conversation returns what is known of a conversation, refreshed from
// Slack when the cached copy is old, and whether the bot is a member of it
// (unknown, hence false, when the copy comes from the cache and Slack was
// not asked). An IM with the bot is taken from the event's channel type
// without asking. It returns an ENOTFOUND error when Slack does not show
// the conversation to the bot.
func (b *Bot) conversation(ctx context.Context, id string, fresh bool) (knowledge.Conversation, bool, error) {
	if !fresh {
		if c, err := b.store.Conversation(ctx, id); err == nil {
			if at, err := b.store.Fetched(ctx, "conversation", id); err == nil && b.now().Sub(at) < conversationTTL {
				return c, false, nil
			}
		}
	}
	ch, err := b.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id})
	if err != nil {
		if code := slackCode(err); code == "channel_not_found" || code == "not_in_channel" {
			return knowledge.Conversation{}, false, knowledge.Errorf(knowledge.ENOTFOUND, "I can't see that conversation.")
		}
		return knowledge.Conversation{}, false, fmt.Errorf("conversations.info %s: %w", id, err)
	}
	c := knowledge.Conversation{ID: ch.ID, Name: ch.Name, Kind: kindOf(ch)}
	switch {
	case c.Kind == knowledge.KindDM:
		c.Members = []string{ch.User}
	case !c.Public():
		if c.Members, err = b.members(ctx, id); err != nil {
			return knowledge.Conversation{}, false, err
		}
	}
	if err := b.store.CacheConversation(ctx, c, b.now()); err != nil {
		b.log.Warn("could not cache a conversation", "channel", id, "err", err)
	}
	return c, ch.IsMember || c.Kind == knowledge.KindDM, nil
}

func kindOf(ch *slack.Channel) knowledge.ConversationKind {
	switch {
	case ch.IsIM:
		return knowledge.KindDM
	case ch.IsMpIM:
		return knowledge.KindGroupDM
	case ch.IsPrivate || ch.IsGroup:
		return knowledge.KindPrivate
	}
	return knowledge.KindPublic
}

// maxMemberPages bounds the members read of one conversation (1000 a page).
const maxMemberPages = 50

// members lists the members of a conversation other than the bot.
func (b *Bot) members(ctx context.Context, id string) ([]string, error) {
	var all []string
	cursor := ""
	for range maxMemberPages {
		page, next, err := b.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: id, Cursor: cursor, Limit: 1000})
		if err != nil {
			return nil, fmt.Errorf("conversations.members %s: %w", id, err)
		}
		all = append(all, page...)
		if cursor = next; cursor == "" {
			break
		}
	}
	return slices.DeleteFunc(all, func(m string) bool { return m == b.cfg.BotUserID }), nil
}

// inPlace keeps the matches that may be shown in conversation c, where
// everyone in it reads them: public knowledge and c's own. For a DM with
// the bot, the asker's own view (which Similar already applied) is the
// right one.
func (b *Bot) inPlace(ctx context.Context, matches []knowledge.Match, c knowledge.Conversation) []knowledge.Match {
	if c.Kind == knowledge.KindDM {
		return matches
	}
	var kept []knowledge.Match
	for _, m := range matches {
		if m.Question.Conversation == c.ID {
			kept = append(kept, m)
			continue
		}
		if src, err := b.store.Conversation(ctx, m.Question.Conversation); err == nil && src.Public() {
			kept = append(kept, m)
		}
	}
	return kept
}

// isHelpChannel reports whether every question thread in channel id is
// captured (NEXTDESK_HELP_CHANNELS names it by id or name).
func (b *Bot) isHelpChannel(ctx context.Context, id string) bool {
	if len(b.help) == 0 {
		return false
	}
	if b.help[id] {
		return true
	}
	c, _, err := b.conversation(ctx, id, false)
	return err == nil && c.Name != "" && b.help[c.Name]
}

// fallbackChannel is where questions nobody answered go (a channel id or
// "#name", as chat.postMessage accepts), and how to mention it.
func (b *Bot) fallbackChannel() (target, mention string) {
	c := strings.TrimSpace(b.cfg.FallbackChannel)
	switch {
	case c == "":
		return "", ""
	case looksLikeID(c):
		return c, "<#" + c + ">"
	}
	c = "#" + strings.TrimPrefix(c, "#")
	return c, c
}

// looksLikeID reports whether s is a Slack conversation id (C…, G…, D…):
// channel names are lower case, ids upper case.
func looksLikeID(s string) bool {
	if len(s) < 2 || !strings.ContainsRune("CGD", rune(s[0])) {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
