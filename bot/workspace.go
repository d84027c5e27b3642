package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/mrkdwn"
)

// Cache keeps what Slack said about people and conversations, with when it
// said it; *sqlite.DB implements it.
type Cache interface {
	Person(ctx context.Context, id string) (knowledge.Person, error)
	Conversation(ctx context.Context, id string) (knowledge.Conversation, error)
	Fetched(ctx context.Context, what, id string) (time.Time, error)
	CachePerson(ctx context.Context, p knowledge.Person, at time.Time) error
	CacheConversation(ctx context.Context, c knowledge.Conversation, at time.Time) error
}

// How long what Slack said about a person (name, locale, whether they are
// a guest) or a conversation whose members give nobody access (a public
// channel, a DM) is used before asking again. A private or shared channel's
// members are read again sooner: see WithMembershipTTL.
const (
	personTTL       = 24 * time.Hour
	conversationTTL = time.Hour
)

// Workspace reads people, presence, conversations and messages from Slack,
// keeping what it read in a Cache: the desk's desk.Workspace, and the
// lookups rendering needs (a person's language, a message's link). It is
// safe for concurrent use.
type Workspace struct {
	api     SlackAPI
	cache   Cache
	botUser string
	now     func() time.Time
	log     *slog.Logger
	// limits and seen keep presence reads within Slack's rate tiers.
	limits *limits
	seen   *presenceCache
	// membershipTTL bounds how long a member list that gives access is
	// trusted; team and enterprise are the workspace's own, telling people
	// of other organisations apart.
	membershipTTL    time.Duration
	team, enterprise string
}

// WorkspaceOption configures a Workspace.
type WorkspaceOption func(*Workspace)

// WithMembershipTTL sets how long a private or shared channel's member
// list, once read, is trusted (NEXTDESK_MEMBERSHIP_TTL; default
// knowledge.DefaultMembershipTTL): a cached copy older than half of it is
// read again before use. It must match the store's.
func WithMembershipTTL(d time.Duration) WorkspaceOption {
	return func(w *Workspace) {
		if d > 0 {
			w.membershipTTL = d
		}
	}
}

// WithTeam names the workspace's own team (and Enterprise Grid
// organisation, if any), as auth.test gives them: a person whose team is
// another, outside this organisation, is taken for one of another
// organisation met in a shared channel, and sees only what was said where
// they are.
func WithTeam(team, enterprise string) WorkspaceOption {
	return func(w *Workspace) { w.team, w.enterprise = team, enterprise }
}

var _ desk.Workspace = (*Workspace)(nil)

// NewWorkspace returns a Workspace on api and cache. botUser is the bot's
// own user id (from auth.test), which it leaves out of member lists and
// takes for a bot's; now is the clock cached copies age by. log may be nil.
func NewWorkspace(api SlackAPI, cache Cache, botUser string, now func() time.Time, log *slog.Logger, opts ...WorkspaceOption) (*Workspace, error) {
	switch {
	case api == nil || cache == nil:
		return nil, errors.New("bot: a Slack client and a cache are required")
	case botUser == "":
		return nil, errors.New("bot: the bot's own user id is required (from auth.test)")
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &Workspace{api: api, cache: cache, botUser: botUser, now: now, log: log, membershipTTL: knowledge.DefaultMembershipTTL,
		limits: newLimits(slackTiers), seen: newPresenceCache()}
	for _, opt := range opts {
		opt(w)
	}
	return w, nil
}

// person returns what is known of a person: the cached copy while fresh,
// else what users.info says now (cached for next time). A person Slack does
// not know, or cannot be asked about right now, comes back with their id
// only (the cached copy, if any, when Slack fails), so a lookup never
// blocks a reply; it then simply gets the default language.
func (w *Workspace) person(ctx context.Context, id string) knowledge.Person {
	if id == "" {
		return knowledge.Person{}
	}
	cached, cerr := w.cache.Person(ctx, id)
	if at, err := w.cache.Fetched(ctx, "person", id); err == nil && cerr == nil && w.now().Sub(at) < personTTL {
		return cached
	}
	u, err := w.userInfo(ctx, id)
	if err != nil {
		w.log.Debug("users.info failed; using what is known", "user", id, "err", err)
		if cerr == nil {
			return cached
		}
		return knowledge.Person{ID: id}
	}
	p := w.personOf(u)
	if err := w.cache.CachePerson(ctx, p, w.now()); err != nil {
		w.log.Warn("could not cache a person", "user", id, "err", err)
	}
	return p
}

// personOf is a person as Slack describes them, told apart from people of
// other organisations by the workspace's own team (see slackPerson).
func (w *Workspace) personOf(u *slack.User) knowledge.Person {
	return slackPerson(u, w.team, w.enterprise)
}

// slackPerson is a person as Slack describes them. A guest, a person Slack
// calls a stranger, or one whose team is neither team nor in the Enterprise
// Grid organisation enterprise is restricted to the conversations they are
// in; with team empty, only Slack's own flags restrict.
func slackPerson(u *slack.User, team, enterprise string) knowledge.Person {
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
		Restricted: u.IsRestricted || u.IsUltraRestricted || u.IsStranger ||
			team != "" && u.TeamID != "" && u.TeamID != team &&
				(enterprise == "" || u.Enterprise.EnterpriseID != enterprise),
	}
}

// Conversation returns what is known of a conversation, refreshed from
// Slack when fresh is set or the cached copy is old: older than half the
// membership TTL for a private or shared channel, whose members decide who
// sees what, an hour for the others. It also says whether the bot is a
// member of it (unknown, hence false, when the copy comes from the cache).
// It returns an ENOTFOUND error when Slack does not show the conversation
// to the bot, and an EINVALID error for an id that is not a Slack
// conversation's (a conversation imported from another source).
func (w *Workspace) Conversation(ctx context.Context, id string, fresh bool) (knowledge.Conversation, bool, error) {
	if !looksLikeID(id) {
		return knowledge.Conversation{}, false, knowledge.Errorf(knowledge.EINVALID, "%q is not a Slack conversation.", id)
	}
	if !fresh {
		if c, err := w.cache.Conversation(ctx, id); err == nil && w.current(c) {
			return c, false, nil
		}
	}
	// The time the read begins is the one it counts from: a member who
	// left while it ran may still be in what it returns.
	at := w.now()
	ch, err := w.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id})
	if err != nil {
		if code := slackCode(err); code == "channel_not_found" || code == "not_in_channel" {
			return knowledge.Conversation{}, false, knowledge.Errorf(knowledge.ENOTFOUND, "I can't see that conversation.")
		}
		return knowledge.Conversation{}, false, fmt.Errorf("conversations.info %s: %w", id, err)
	}
	c := knowledge.Conversation{ID: ch.ID, Name: ch.Name, Kind: kindOf(ch), Shared: ch.IsExtShared || ch.IsPendingExtShared, Read: at}
	switch {
	case c.Kind == knowledge.KindDM:
		c.Members = []string{ch.User}
	case !c.Public() || c.Shared:
		if c.Members, err = w.members(ctx, id); err != nil {
			return knowledge.Conversation{}, false, err
		}
	}
	if err := w.cache.CacheConversation(ctx, c, at); err != nil {
		w.log.Warn("could not cache a conversation", "channel", id, "err", err)
	}
	return c, ch.IsMember || c.Kind == knowledge.KindDM, nil
}

// current reports whether a cached conversation may be used without
// reading it again.
func (w *Workspace) current(c knowledge.Conversation) bool {
	if c.Read.IsZero() {
		return false
	}
	age := w.now().Sub(c.Read)
	if c.Kind == knowledge.KindPrivate || c.Shared {
		return age < w.membershipTTL/2
	}
	return age < conversationTTL
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
func (w *Workspace) members(ctx context.Context, id string) ([]string, error) {
	var all []string
	cursor := ""
	for range maxMemberPages {
		page, next, err := w.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: id, Cursor: cursor, Limit: 1000})
		if code := slackCode(err); code == "channel_not_found" || code == "not_in_channel" {
			return nil, knowledge.Errorf(knowledge.ENOTFOUND, "I can't see that conversation.")
		}
		if err != nil {
			return nil, fmt.Errorf("conversations.members %s: %w", id, err)
		}
		all = append(all, page...)
		if cursor = next; cursor == "" {
			break
		}
	}
	return slices.DeleteFunc(all, func(m string) bool { return m == w.botUser }), nil
}

// Root returns the message that starts thread in channel, with no author
// when a bot wrote it or it is not a person's plain message. It returns an
// ENOTFOUND error when the thread is gone or out of the bot's sight.
func (w *Workspace) Root(ctx context.Context, channel, thread string) (desk.Message, error) {
	msgs, err := w.thread(ctx, channel, thread, 1)
	if err != nil {
		return desk.Message{}, err
	}
	root := msgs[0]
	m := desk.Message{
		ID: messageID(channel, root.Timestamp), Channel: channel, TS: root.Timestamp, Thread: root.Timestamp,
		Plain: mrkdwn.ToPlain(root.Text, nil), Time: tsTime(root.Timestamp),
	}
	if !w.fromBot(root.User, root.BotID) && root.SubType == "" {
		m.Author = root.User
	}
	return m, nil
}

// thread returns the first messages of thread in channel, at most limit,
// its root first. It returns an ENOTFOUND error when the thread is gone or
// out of the bot's sight.
func (w *Workspace) thread(ctx context.Context, channel, thread string, limit int) ([]slack.Message, error) {
	msgs, _, _, err := w.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
		ChannelID: channel, Timestamp: thread, Limit: limit, Inclusive: true,
	})
	if err != nil {
		if code := slackCode(err); code == "thread_not_found" || code == "channel_not_found" || code == "not_in_channel" {
			return nil, knowledge.Errorf(knowledge.ENOTFOUND, "That thread is gone.")
		}
		return nil, fmt.Errorf("conversations.replies %s: %w", channel, err)
	}
	if len(msgs) == 0 || msgs[0].Timestamp != thread {
		return nil, knowledge.Errorf(knowledge.ENOTFOUND, "That thread is gone.")
	}
	return msgs, nil
}

// fromBot reports whether a message was written by this or another bot,
// which the desk never takes for a question or an answer.
func (w *Workspace) fromBot(user, botID string) bool {
	return user == "" || user == w.botUser || botID != ""
}

// permalink returns a link to a message: Slack's permalink, or an archive
// link built from its ids when Slack cannot give one now.
func (w *Workspace) permalink(ctx context.Context, channel, ts string) string {
	if channel == "" || ts == "" {
		return ""
	}
	link, err := w.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
	if err == nil && link != "" {
		return link
	}
	w.log.Debug("no permalink; linking to the archive", "channel", channel, "err", err)
	return "https://slack.com/archives/" + channel + "/p" + strings.ReplaceAll(ts, ".", "")
}

// messageID is the id of a question or answer written as a Slack message.
func messageID(channel, ts string) string { return "slack:" + channel + ":" + ts }

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

// validTS reports whether ts looks like a Slack message timestamp.
func validTS(ts string) bool {
	sec, frac, ok := strings.Cut(ts, ".")
	if !ok || sec == "" || frac == "" {
		return false
	}
	_, err1 := strconv.ParseUint(sec, 10, 63)
	_, err2 := strconv.ParseUint(frac, 10, 63)
	return err1 == nil && err2 == nil
}

// tsTime is the time of a Slack timestamp, or the zero time for a
// malformed one.
func tsTime(ts string) time.Time {
	if !validTS(ts) {
		return time.Time{}
	}
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	frac = (frac + "000000")[:6]
	us, _ := strconv.ParseInt(frac, 10, 64)
	return time.Unix(s, us*1000).UTC()
}
